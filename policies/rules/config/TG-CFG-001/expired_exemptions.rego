# METADATA
# title: Exemptions are current
# description: >-
#   An exemption is a dated promise to fix something. Once it expires it stops applying (its findings are
#   enforced again) and the stale entry is reported so its owner renews or removes it. An exemption with no
#   expiry never applies and is reported too.
# custom:
#   id: TG-CFG-001
#   severity: low
#   enforcement: warn
#   report_section: exemptions
#   remediation: >-
#     Fix the findings the exemption covered and delete it from tollgate.yaml, or, if the risk is still
#     accepted, renew it with a new `expires` date agreed with its owner.
package tollgate.rules.config["TG-CFG-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.clock
import data.tollgate.lib.exemptions
import data.tollgate.lib.messages

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per configured exemption that has expired or has no expiry date. They are not
#   exemptible, so a "*" exemption cannot hide its own expiry.
findings contains {
	"resource": e.resource,
	"message": message,
	"indeterminate": false,
	"exemptible": false,
	"evidence": {"exemption": e, "today": clock.today},
} if {
	some e in exemptions.configured
	exemptions.expired(e)
	message := sprintf("exemption from %s for %s (owner %s) expired on %s", [
		_rule_label(e), messages.quote(e.resource), messages.show(object.get(e, "owner", null)), e.expires,
	])
}

findings contains {
	"resource": e.resource,
	"message": message,
	"indeterminate": false,
	"exemptible": false,
	"evidence": {"exemption": e},
} if {
	some e in exemptions.configured
	not is_string(object.get(e, "expires", null))
	message := sprintf("exemption from %s for %s (owner %s) has no expiry date, so it never applies", [
		_rule_label(e), messages.quote(e.resource), messages.show(object.get(e, "owner", null)),
	])
}

_rule_label(e) := object.get({"*": "all rules"}, e.rule, e.rule)
