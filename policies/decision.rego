# METADATA
# title: Tollgate decision
# description: |
#   The one entrypoint (tollgate/decision). Walks data.tollgate.rules[area][id].findings and
#   .recommendations, so a rule is added by adding its folder, never by editing this file. For each finding:
#     enforcement = config.rules[id].enforcement, else the rule's METADATA enforcement, else "deny";
#     "off" drops it; an active exemption moves it to exempted; indeterminate or "warn" makes it a warning;
#     anything else (deny) a violation.
#   The lists are arrays built by comprehension, not sets, and are not sorted here: on large plans wasm
#   spends most of its time hashing and sorting whole finding objects. The caller sorts them (Tollgate's
#   engine orders by resource, rule and message), so output stays deterministic.
#   facts holds what the policies computed, keyed by name, for renderers to display without computing it
#   again: data.tollgate.facts (policies/facts/, e.g. budgets) and savings, the recommendations' total.
package tollgate

import data.tollgate.lib.config
import data.tollgate.lib.exemptions
import data.tollgate.lib.money

# METADATA
# entrypoint: true
decision := {
	"violations": _violations,
	"warnings": _warnings,
	"recommendations": _recommendations,
	"exempted": _exempted,
	"facts": object.union(_published, {"savings": _savings}),
}

# The facts package is read by its own path (data.tollgate as a whole would include the decision itself);
# its private rules (named _...) are helpers, not facts.
# (Iterating the package itself in a partial rule compiles to invalid wasm with OPA 1.22; a value is fine.)
default _published := {}

_published := object.remove(published, [name | some name, _ in published; startswith(name, "_")]) if {
	published := data.tollgate.facts
}

# _savings: how many recommendations the decision has and their monthly savings in USD, summed in whole cents
# so the total matches the sum of the amounts shown.
_savings := {
	"recommendations": count(_recommendations),
	"monthly_savings_usd": sum([money.cents(r.monthly_savings_usd) |
		some r in _recommendations
		is_number(r.monthly_savings_usd)
	]) / 100,
}

# _reported holds every finding of every rule that is not off, with the rule's id and metadata applied.
_reported := [item |
	some rules in data.tollgate.rules
	some id, rule in rules
	config.enforcement(id) != "off"
	some f in rule.findings
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
]

# An exempted finding keeps the exemption's reason, owner and expiry, so reviewers see who accepted what.
_exempted := [{
	"rule": item.rule,
	"resource": item.resource,
	"reason": object.get(e, "reason", ""),
	"owner": object.get(e, "owner", ""),
	"expires": e.expires,
} |
	some item in _reported
	item.exemptible == true
	e := exemptions.for_finding(item.rule, item.resource)
]

_enforced := [object.remove(item, ["exemptible"]) |
	some item in _reported
	not _exempt(item)
]

_exempt(item) if {
	item.exemptible == true
	exemptions.for_finding(item.rule, item.resource)
}

_warnings := [item |
	some item in _enforced
	_warning(item)
]

_violations := [item |
	some item in _enforced
	not _warning(item)
]

# Undecidable findings are always warnings: unknown is never a pass and never a false violation.
_warning(item) if item.indeterminate == true

_warning(item) if config.enforcement(item.rule) == "warn"

_recommendations := [object.union(rec, {"rule": id}) |
	some rules in data.tollgate.rules
	some id, rule in rules
	config.enforcement(id) != "off"
	some rec in rule.recommendations
]
