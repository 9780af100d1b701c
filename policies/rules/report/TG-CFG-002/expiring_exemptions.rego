# METADATA
# title: Exemptions expiring soon are renewed or resolved
# description: >-
#   Nightly report only (input.subject "report"). An exemption that expires within `within_days` days (today
#   included) is reported so its owner fixes the findings or renews it before the build starts failing. The
#   report gives the coming days as input.report.upcoming_days (today first), since the wasm target has no
#   time builtins.
# custom:
#   id: TG-CFG-002
#   severity: low
#   enforcement: warn
#   report_section: exemptions
#   remediation: >-
#     Fix what the exemption covers and delete it, or agree a new `expires` date with its owner.
#   parameters:
#     within_days:
#       description: How many days ahead an expiry is reported.
#       default: 14
package tollgate.rules.report["TG-CFG-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.exemptions
import data.tollgate.lib.messages

_id := "TG-CFG-002"

# METADATA
# description: >-
#   Findings of this rule, one per configured exemption that expires within within_days days; not exemptible,
#   and none outside the nightly report.
findings contains {
	"resource": e.resource,
	"message": message,
	"indeterminate": false,
	"exemptible": false,
	"evidence": {"exemption": e, "days_left": i},
} if {
	input.subject == "report"
	some e in exemptions.configured
	is_string(e.expires)
	some i, day in input.report.upcoming_days
	day == substring(e.expires, 0, 10)
	i < config.param(_id, "within_days")
	message := sprintf("exemption from %s for %s (owner %s) expires on %s, in %s days", [
		e.rule, messages.quote(e.resource), messages.show(object.get(e, "owner", null)), e.expires, messages.show(i),
	])
}
