# METADATA
# title: Models of the prohibited risk tier are never deployed
# description: >-
#   The EU AI Act's unacceptable-risk practices (social scoring, manipulative techniques, untargeted
#   face scraping, ...) may not be placed on the market at all, so a model the inventory classes as
#   prohibited must not be deployed in any environment. No approval or exemption changes that.
# custom:
#   id: TG-REV-005
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Remove the deployment. If the model was classed as prohibited by mistake, correct its `risk_tier`
#     in the inventory through the review process, which then applies that tier's gates.
package tollgate.rules.review["TG-REV-005"] # regal ignore:prefer-snake-case

import data.tollgate.lib.messages
import data.tollgate.lib.models

# METADATA
# description: >-
#   Findings of this rule, one per deployment of a model of the prohibited risk tier. They are not exemptible:
#   the tier's point is that no one can accept this risk.
findings contains {
	"resource": d.resource,
	"message": message,
	"indeterminate": false,
	"exemptible": false,
	"evidence": {"model": d.model, "version": d.version, "environment": d.environment, "risk_tier": "prohibited"},
} if {
	some d in models.deployments
	models.by_id[d.model].risk_tier == "prohibited"
	message := sprintf("%s deploys model %s in environment %s, but its risk tier is prohibited: it may not be deployed anywhere", [
		d.resource, models.label(d), messages.quote(d.environment),
	])
}
