# METADATA
# description: |
#   Review gates per risk tier (tollgate.yaml `review:`): which environments count as production, how
#   many approvals each tier needs, from which roles, and which evaluations must have passed. Also the
#   assessment of a version's approvals against the artifact being deployed, shared by the TG-REV rules.
package tollgate.lib.models_review

import data.tollgate.lib.config
import data.tollgate.lib.models
import data.tollgate.lib.patterns

_section := config.section("review", {})

# Defaults follow the issue that introduced the gates: every tier needs one approval; high risk needs two,
# one of them from risk or compliance, and passed bias, security-scan and red-team evaluations.
_default_tiers := {
	"minimal": {"approvals": 1, "roles": [], "evaluations": []},
	"limited": {"approvals": 1, "roles": [], "evaluations": []},
	"high": {"approvals": 2, "roles": ["risk", "compliance"], "evaluations": ["bias", "security-scan", "red-team"]},
	"prohibited": {"approvals": 1, "roles": [], "evaluations": []},
}

# METADATA
# description: >-
#   tier(name) is risk tier name's review settings ({approvals, roles, evaluations}): the configured keys over
#   the defaults; undefined for an unknown tier.
tier(name) := object.union(_default_tiers[name], object.get(_section, ["tiers", name], {}))

_production_environments := object.get(_section, "production_environments", ["prod", "production"])

# METADATA
# description: >-
#   production(d): deployment d's environment is a production one (review.production_environments, globs
#   allowed, case-insensitive; "prod" and "production" by default).
production(d) if patterns.any_match(_production_environments, d.environment)

# METADATA
# description: >-
#   production_deployments is every deployment of models.deployments that runs in production (see production), in
#   order: found once per evaluation for the review rules, which each matched every deployment's environment.
production_deployments := [d | some d in models.deployments; production(d)]

# METADATA
# scope: document
# description: short(digest) abbreviates a digest for messages, "sha256:3f1a2b3c4d5e"; "(none)" for null.
short(digest) := substring(digest, 0, 19) if is_string(digest)

short(null) := "(none)"

# METADATA
# description: >-
#   not_counted(approval, model, digest, today) is the set of reasons approval does not count (another artifact,
#   expired, by the model's owner); empty when it counts.
not_counted(approval, model, digest, today) := {reason |
	some reason in [
		_digest_reason(approval, digest),
		_expiry_reason(approval, today),
		_owner_reason(approval, model),
	]
	reason != null
}

_digest_reason(approval, digest) := null if _covers(approval, digest)

_digest_reason(approval, digest) := sprintf("approved artifact %s, not the deployed %s", [
	short(object.get(approval, "digest", null)),
	short(digest),
]) if {
	not _covers(approval, digest)
}

_covers(approval, digest) if approval.digest == digest

# An approval counts through its expiry day and stops the day after.
_expiry_reason(approval, today) := sprintf("expired on %s", [approval.expires]) if {
	is_string(object.get(approval, "expires", null))
	substring(approval.expires, 0, 10) < today
}

_expiry_reason(approval, today) := null if not _expired(approval, today)

_expired(approval, today) if substring(approval.expires, 0, 10) < today

_owner_reason(approval, model) := sprintf("on the owning team %s", [model.owner_team]) if _owner(approval, model)

_owner_reason(approval, model) := null if not _owner(approval, model)

# The owner may not approve their own model: a named owner, the owning team itself, or a reviewer from that team.
_owner(approval, model) if lower(approval.reviewer) in {lower(o) | some o in object.get(model, "owners", [])}

_owner(approval, model) if lower(approval.reviewer) == lower(model.owner_team)

_owner(approval, model) if lower(object.get(approval, "team", "")) == lower(model.owner_team)

# METADATA
# description: >-
#   counted(version, model, digest, today) is the list of version's approvals that count: approve decisions of
#   the deployed artifact, not expired, not by the model's owner.
counted(version, model, digest, today) := [a |
	some a in object.get(version, "approvals", [])
	a.decision == "approve"
	count(not_counted(a, model, digest, today)) == 0
]

# METADATA
# description: >-
#   rejected_until_now(version, model, digest, today) is the list of rejections of the deployed artifact (or of
#   the version, when a rejection names no digest) that no counted approval dated after them has answered.
rejected_until_now(version, model, digest, today) := [r |
	some r in object.get(version, "approvals", [])
	r.decision == "reject"
	object.get(r, "digest", digest) == digest
	not _answered(counted(version, model, digest, today), r)
]

_answered(approvals, rejection) if {
	some a in approvals
	a.date > rejection.date
}

# METADATA
# scope: document
# description: >-
#   deployed_digest(d, version) is the digest of the artifact deployment d serves: the deployment record's when
#   it states one, else the version's artifact digest.
deployed_digest(d, version) := d.digest if is_string(d.digest)

deployed_digest(d, version) := version.artifact.digest if not is_string(d.digest)
