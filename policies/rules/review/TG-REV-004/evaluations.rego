# METADATA
# title: Production model versions passed the evaluations their risk tier requires
# description: >-
#   Each risk tier names the evaluations a version must pass before production (tollgate.yaml
#   `review.tiers.<tier>.evaluations`; default for high risk: bias, security-scan and red-team). The
#   latest evaluation of each kind decides: a later failure undoes an earlier pass. Evaluations of a
#   quantized variant (with another `precision`) do not count for the version itself.
# custom:
#   id: TG-REV-004
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Run the missing or failed evaluations on this version, fix what they find, and record each result
#     (kind, passed, date, report link) in the inventory.
package tollgate.rules.review["TG-REV-004"] # regal ignore:prefer-snake-case

import data.tollgate.lib.finding
import data.tollgate.lib.models
import data.tollgate.lib.models_review

# The version's own evaluations of a kind: those of its precision, or naming none.
_of_kind(version, kind) := [e |
	some e in object.get(version, "evaluations", [])
	e.kind == kind
	object.get(e, "precision", null) in {null, object.get(version, "precision", null)}
]

_gap(version, kind) := sprintf("%s (none recorded)", [kind]) if count(_of_kind(version, kind)) == 0

_gap(version, kind) := sprintf("%s (failed on %s)", [kind, latest]) if {
	evaluations := _of_kind(version, kind)
	latest := max({e.date | some e in evaluations})
	some e in evaluations
	e.date == latest
	e.passed == false
}

# METADATA
# description: >-
#   Findings of this rule, one per production deployment whose version lacks passed evaluations its risk tier
#   requires, listing the gaps.
findings contains finding.new({"address": d.resource}, message, evidence) if {
	some d in models_review.production_deployments
	models.known(d)
	model := models.model_of(d)
	version := models.version_entry(d)
	required := models_review.tier(model.risk_tier).evaluations
	gaps := [_gap(version, kind) | some kind in required]
	count(gaps) > 0
	message := sprintf("%s serves %s (risk tier %s) in production without passed evaluations: %s", [
		d.resource, models.label(d), model.risk_tier, concat(", ", gaps),
	])
	evidence := {"model": d.model, "version": d.version, "risk_tier": model.risk_tier, "required": required, "missing": gaps}
}
