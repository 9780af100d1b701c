package tollgate.lib.models_review_test

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.lib.models_review

_model := fx.model("high", [])

test_tier_defaults_when_unconfigured if {
	models_review.tier("high") == {"approvals": 2, "roles": ["risk", "compliance"], "evaluations": ["bias", "security-scan", "red-team"]}
}

test_tier_configured_keys_override_defaults if {
	t := models_review.tier("limited") with data.tollgate.config as {"review": {"tiers": {"limited": {"approvals": 3}}}}
	t == {"approvals": 3, "roles": [], "evaluations": []}
}

test_production_matches_configured_globs if {
	models_review.production({"environment": "prod-eu"}) with data.tollgate.config as {"review": {"production_environments": ["prod-*"]}}
	not models_review.production({"environment": "prod"}) with data.tollgate.config as {"review": {"production_environments": ["prod-*"]}}
}

_deployed(address, environment) := {
	"address": address,
	"type": "aws_sagemaker_endpoint",
	"provider": "aws",
	"action": "create",
	"tags": {"environment": environment},
	"model": {"id": "m", "version": "1"},
}

test_production_deployments_are_those_in_production_in_order if {
	resources := [_deployed("a", "Prod"), _deployed("b", "dev"), _deployed("c", "production")]
	found := models_review.production_deployments with input as {"resources": resources}
	[d.resource | some d in found] == ["a", "c"]
}

test_approval_counts_on_its_expiry_day if {
	a := object.union(fx.approval("sam", "risk", "2026-01-01"), {"expires": "2026-11-23"})
	models_review.not_counted(a, _model, fx.digest_new, "2026-11-23") == set()
}

test_approval_expires_the_day_after if {
	a := object.union(fx.approval("sam", "risk", "2026-01-01"), {"expires": "2026-11-22"})
	models_review.not_counted(a, _model, fx.digest_new, "2026-11-23") == {"expired on 2026-11-22"}
}

test_owner_approving_own_model_does_not_count if {
	a := fx.approval("Maya@example.com", "risk", "2026-01-01")
	models_review.not_counted(a, _model, fx.digest_new, "2026-11-23") == {"on the owning team risk-ml"}
}

test_owning_team_member_does_not_count if {
	a := object.union(fx.approval("ola", "risk", "2026-01-01"), {"team": "risk-ml"})
	models_review.not_counted(a, _model, fx.digest_new, "2026-11-23") == {"on the owning team risk-ml"}
}

test_approval_of_other_digest_does_not_count if {
	a := object.union(fx.approval("sam", "risk", "2026-01-01"), {"digest": fx.digest_old})
	models_review.not_counted(a, _model, fx.digest_new, "2026-11-23") == {"approved artifact sha256:666666666666, not the deployed sha256:777777777777"}
}

test_rejection_stands_without_later_approval if {
	v := fx.version([fx.approval("sam", "risk", "2026-03-01"), fx.rejection("ravi", "security", "2026-03-02")], [], [])
	[r] := models_review.rejected_until_now(v, _model, fx.digest_new, "2026-11-23")
	r.reviewer == "ravi"
}

test_rejection_lifted_by_later_approval if {
	v := fx.version([fx.rejection("ravi", "security", "2026-03-02"), fx.approval("sam", "risk", "2026-03-03")], [], [])
	models_review.rejected_until_now(v, _model, fx.digest_new, "2026-11-23") == []
}

test_rejection_of_other_artifact_does_not_block if {
	r := object.union(fx.rejection("ravi", "security", "2026-03-02"), {"digest": fx.digest_old})
	models_review.rejected_until_now(fx.version([r], [], []), _model, fx.digest_new, "2026-11-23") == []
}

test_deployed_digest_is_record_digest_when_given if {
	models_review.deployed_digest({"digest": fx.digest_old}, fx.version([], [], [])) == fx.digest_old
	models_review.deployed_digest({"digest": null}, fx.version([], [], [])) == fx.digest_new
	models_review.short(null) == "(none)"
}
