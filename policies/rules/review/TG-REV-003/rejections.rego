# METADATA
# title: A rejected model version stays out of production until a later approval
# description: >-
#   A reviewer who rejects a version has found a problem; the rejection stands until a counted approval
#   (of the deployed artifact, unexpired, not from the owning team) dated after it shows the problem was
#   resolved. A rejection that names a digest applies to that artifact; one without a digest to the version.
# custom:
#   id: TG-REV-003
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Resolve the reviewer's objection and record a new approval dated after the rejection, or take the
#     version out of production.
package tollgate.rules.review["TG-REV-003"] # regal ignore:prefer-snake-case

import data.tollgate.lib.clock
import data.tollgate.lib.finding
import data.tollgate.lib.models
import data.tollgate.lib.models_review

# METADATA
# description: >-
#   Findings of this rule, one per production deployment and rejection of the deployed artifact that no later
#   counted approval has answered.
findings contains finding.new({"address": d.resource}, message, evidence) if {
	some d in models_review.production_deployments
	models.known(d)
	model := models.model_of(d)
	version := models.version_entry(d)
	digest := models_review.deployed_digest(d, version)
	some r in models_review.rejected_until_now(version, model, digest, clock.today)
	message := sprintf("%s serves %s in production, which %s (%s) rejected on %s%s, with no approval of artifact %s since", [
		d.resource, models.label(d), r.reviewer, r.role, r.date, _note(r), models_review.short(digest),
	])
	evidence := {"model": d.model, "version": d.version, "environment": d.environment, "digest": digest, "rejection": r}
}

_note(r) := sprintf(": %s", [r.note]) if is_string(object.get(r, "note", null))

_note(r) := "" if not is_string(object.get(r, "note", null))
