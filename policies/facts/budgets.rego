# METADATA
# description: |
#   The decision's facts (data.tollgate.facts, published as decision.facts): what the rules computed,
#   keyed by name, so renderers display it instead of computing it again. Each fact is one rule of this
#   package, in its own file, computed once per evaluation; a custom policy adds one the same way.
#   budgets: every configured budget (also those within budget), in config order, with the figures the budget
#   gates compared (lib/cost_budget summaries), their verdict (status: deny, warn, ok or indeterminate) and
#   what became of it: the budget-area rule that reported it (rule, null when none did), that rule's
#   enforcement (deny, warn or off; null when no rule reported) and whether an active exemption covers it.
package tollgate.facts

import data.tollgate.lib.config
import data.tollgate.lib.cost_budget
import data.tollgate.lib.exemptions

# METADATA
# description: Every configured budget's figures, verdict and enforcement, in config order.
budgets := [object.union(s, object.get(_outcomes, cost_budget.resource(s).address, _unreported)) |
	some s in cost_budget.summaries
]

# No functions in this package: the decision reads it as one document, and a function in it would not
# compile to wasm (private rules, named _..., are left out of the decision).
_unreported := {"rule": null, "enforcement": null, "exempted": false}

# _reports: [resource, rule id] for each budget-area finding (a few per budget), walked like the decision walks
# findings, so a custom budget rule's reports count too.
_reports contains [f.resource, id] if {
	some id, rule in data.tollgate.rules.budget
	some f in rule.findings
}

# An exemption applies as in the decision: not to a rule that is off, not to an unexemptible finding. A rule's
# enforcement is looked up only for its findings: most evaluations have none, and every one computes this.
_exempted contains [f.resource, id] if {
	some id, rule in data.tollgate.rules.budget
	some f in rule.findings
	config.enforcement(id) != "off"
	object.get(f, "exemptible", true) == true
	exemptions.for_finding(id, f.resource)
}

# _outcomes: per reported resource, the first rule (by id) that reported it, its enforcement and exemption.
_outcomes[address] := {"rule": id, "enforcement": config.enforcement(id), "exempted": [address, id] in _exempted} if {
	some [address, _] in _reports
	id := sort([rule | some [resource, rule] in _reports; resource == address])[0]
}
