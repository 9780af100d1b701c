# METADATA
# title: Production model versions carry the approvals their risk tier requires
# description: >-
#   Before a version serves production traffic, reviewers other than its owners approve the exact
#   artifact being deployed. The risk tier (tollgate.yaml `review.tiers`) sets how many distinct
#   reviewers must approve and which roles must be among them (defaults: minimal 1, limited 1, high 2
#   including risk or compliance). An approval counts only for the digest it names (a rebuilt artifact
#   needs new approvals), only until its `expires` day, and never from the owning team.
# custom:
#   id: TG-REV-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Ask reviewers outside the owning team to approve the deployed artifact's digest and record each
#     approval in the inventory (reviewer, role, decision approve, date, digest, expires); renew expired
#     approvals; deploy the artifact that was approved.
package tollgate.rules.review["TG-REV-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.clock
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.models
import data.tollgate.lib.models_review

_gated_tiers := {"minimal", "limited", "high"}

# What is missing, in words: more distinct reviewers, and a reviewer with one of the tier's roles.
_count_missing(needed, reviewers) := [sprintf("%d more approval(s) from distinct reviewers", [needed - count(reviewers)])] if {
	count(reviewers) < needed
}

_count_missing(needed, reviewers) := [] if count(reviewers) >= needed

_role_missing(approvals, roles) := [sprintf("an approval by a reviewer with role %s", [concat(" or ", roles)])] if {
	not _has_role(approvals, roles)
}

_role_missing(approvals, roles) := [] if _has_role(approvals, roles)

_has_role(_, roles) if count(roles) == 0

_has_role(approvals, roles) if {
	some a in approvals
	lower(a.role) in {lower(role) | some role in roles}
}

_not_counted_text(items) := concat("; ", [sprintf("%s (%s)", [item.reviewer, concat(", ", item.reasons)]) | some item in items])

_suffix(items) := "" if count(items) == 0

_suffix(items) := sprintf("; not counted: %s", [_not_counted_text(items)]) if count(items) > 0

# The approvals of every production deployment of a gated version, assessed against its artifact.
_assessments := [a |
	some d in models_review.production_deployments
	models.known(d)
	model := models.model_of(d)
	model.risk_tier in _gated_tiers
	a := _assess(d, model, models.version_entry(d), models_review.tier(model.risk_tier))
]

_assess(d, model, version, tier) := {
	"deployment": d,
	"model": model,
	"tier": tier,
	"digest": digest,
	"reviewers": {lower(a.reviewer) | some a in counted},
	"missing": array.concat(_count_missing(tier.approvals, {lower(a.reviewer) | some a in counted}), _role_missing(counted, tier.roles)),
	"not_counted": [{"reviewer": a.reviewer, "reasons": sort(reasons)} |
		some a in object.get(version, "approvals", [])
		a.decision == "approve"
		reasons := models_review.not_counted(a, model, digest, clock.today)
		count(reasons) > 0
	],
} if {
	digest := models_review.deployed_digest(d, version)
	counted := models_review.counted(version, model, digest, clock.today)
}

# METADATA
# description: >-
#   Findings of this rule, one per production deployment whose version lacks approvals its risk tier requires,
#   naming what is missing and the approvals that did not count.
findings contains finding.new({"address": a.deployment.resource}, message, _evidence(a)) if {
	some a in _assessments
	count(a.missing) > 0
	message := sprintf("%s serves %s (risk tier %s) in production with %d of %d required approvals of artifact %s; missing: %s%s", [
		a.deployment.resource, models.label(a.deployment), a.model.risk_tier, count(a.reviewers), a.tier.approvals,
		models_review.short(a.digest), concat(", ", a.missing), _suffix(a.not_counted),
	])
}

_evidence(a) := {
	"model": a.deployment.model,
	"version": a.deployment.version,
	"risk_tier": a.model.risk_tier,
	"environment": a.deployment.environment,
	"digest": a.digest,
	"required": {"approvals": a.tier.approvals, "roles": a.tier.roles},
	"counted": sort(a.reviewers),
	"not_counted": a.not_counted,
	"missing": a.missing,
}
