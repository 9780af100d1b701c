# METADATA
# title: Tollgate decision
# description: |
#   The one entrypoint (tollgate/decision). Walks data.tollgate.rules[area][id].findings and
#   .recommendations, so a rule is added by adding its folder, never by editing this file. For each finding:
#     enforcement = config.rules[id].enforcement, else the rule's METADATA enforcement, else "deny";
#     "off" drops it; an active exemption moves it to exempted; indeterminate or "warn" makes it a warning;
#     anything else (deny) a violation.
#   Arrays are sorted (rule, resource, message) so the same input gives byte-identical output.
package tollgate

import data.tollgate.lib.config
import data.tollgate.lib.exemptions

# METADATA
# entrypoint: true
decision := {
	"violations": _ordered(violations),
	"warnings": _ordered(warnings),
	"recommendations": _ordered(recommendations),
	"exempted": _ordered(exempted),
}

# reported holds every finding of every rule that is not off, with the rule's id and metadata applied.
reported contains item if {
	some rules in data.tollgate.rules
	some id, rule in rules
	some f in rule.findings
	config.enforcement(id) != "off"
	item := {
		"rule": id,
		"severity": object.get(f, "severity", config.severity(id)),
		"resource": f.resource,
		"message": f.message,
		"remediation": object.get(f, "remediation", config.remediation(id)),
		"indeterminate": object.get(f, "indeterminate", false),
		"evidence": object.get(f, "evidence", {}),
		"exemptible": object.get(f, "exemptible", true),
	}
}

exempted contains {
	"rule": item.rule,
	"resource": item.resource,
	"reason": object.get(e, "reason", ""),
	"owner": object.get(e, "owner", ""),
	"expires": e.expires,
} if {
	some item in reported
	item.exemptible == true
	e := exemptions.for_finding(item.rule, item.resource)
}

enforced contains object.remove(item, ["exemptible"]) if {
	some item in reported
	not _exempt(item)
}

_exempt(item) if {
	item.exemptible == true
	exemptions.for_finding(item.rule, item.resource)
}

warnings contains item if {
	some item in enforced
	_warning(item)
}

violations contains item if {
	some item in enforced
	not _warning(item)
}

# An undecidable finding never blocks; an unrecognised enforcement level blocks (fail closed).
_warning(item) if item.indeterminate == true

_warning(item) if config.enforcement(item.rule) == "warn"

recommendations contains object.union(rec, {"rule": id}) if {
	some rules in data.tollgate.rules
	some id, rule in rules
	some rec in rule.recommendations
	config.enforcement(id) != "off"
}

# _ordered sorts by (rule, resource, message, whole item): deterministic whatever the set order.
_ordered(items) := [entry[3] | some entry in sort([_sort_key(i) | some i in items])]

_sort_key(i) := [object.get(i, "rule", ""), object.get(i, "resource", ""), object.get(i, "message", ""), i]
