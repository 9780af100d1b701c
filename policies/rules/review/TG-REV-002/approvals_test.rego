package tollgate.rules.review["TG-REV-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-002"] as rule

_findings(tier, approvals) := found if {
	found := rule.findings with input as fx.deployed(tier, approvals, [])
}

_approvals_by(reviewers) := [fx.approval(r, role, "2026-10-01") | some [r, role] in reviewers]

test_two_distinct_approvals_with_risk_role_pass_high_tier if {
	count(_findings("high", _approvals_by([["sam", "risk"], ["li", "ml-lead"]]))) == 0
}

test_unapproved_high_risk_version_names_everything_missing if {
	_findings("high", []) == {{
		"resource": "aws_sagemaker_endpoint_configuration.fraud",
		# regal ignore:line-length
		"message": "aws_sagemaker_endpoint_configuration.fraud serves fraud@7 (risk tier high) in production with 0 of 2 required approvals of artifact sha256:777777777777; missing: 2 more approval(s) from distinct reviewers, an approval by a reviewer with role risk or compliance",
		"indeterminate": false,
		"evidence": {
			"model": "fraud",
			"version": "7",
			"risk_tier": "high",
			"environment": "prod",
			"digest": fx.digest_new,
			"required": {"approvals": 2, "roles": ["risk", "compliance"]},
			"counted": [],
			"not_counted": [],
			"missing": ["2 more approval(s) from distinct reviewers", "an approval by a reviewer with role risk or compliance"],
		},
	}}
}

test_same_reviewer_twice_counts_once if {
	some f in _findings("high", _approvals_by([["sam", "risk"], ["Sam", "risk"]]))
	f.evidence.missing == ["1 more approval(s) from distinct reviewers"]
}

test_owner_approving_own_model_is_not_counted if {
	some f in _findings("high", _approvals_by([["sam", "risk"], ["maya@example.com", "ml-lead"]]))
	endswith(f.message, "; not counted: maya@example.com (on the owning team risk-ml)")
}

test_digest_mismatch_is_not_counted if {
	old := object.union(fx.approval("li", "ml-lead", "2026-10-01"), {"digest": fx.digest_old})
	some f in _findings("high", [fx.approval("sam", "risk", "2026-10-01"), old])
	f.evidence.not_counted == [{"reviewer": "li", "reasons": ["approved artifact sha256:666666666666, not the deployed sha256:777777777777"]}]
}

test_approval_expiring_today_counts if {
	a := object.union(fx.approval("li", "ml-lead", "2026-10-01"), {"expires": "2026-11-23"})
	count(_findings("high", [fx.approval("sam", "risk", "2026-10-01"), a])) == 0
}

test_approval_expired_yesterday_is_not_counted if {
	a := object.union(fx.approval("li", "ml-lead", "2026-10-01"), {"expires": "2026-11-22"})
	some f in _findings("high", [fx.approval("sam", "risk", "2026-10-01"), a])
	endswith(f.message, "not counted: li (expired on 2026-11-22)")
}

test_minimal_tier_needs_one_approval if {
	count(_findings("minimal", _approvals_by([["li", "ml-lead"]]))) == 0
}

test_prohibited_tier_is_left_to_its_own_rule if {
	count(_findings("prohibited", [])) == 0
}

test_non_production_passes if {
	in_dev := fx.inventory_input([fx.model("high", [fx.version([], [], [fx.record("dev", "us-east-1")])])])
	count(rule.findings) == 0 with input as in_dev
}
