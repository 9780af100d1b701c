# METADATA
# title: Projected spend stays under the budget's warning threshold
# description: >-
#   The early warning for a budget (tollgate.yaml `budgets[]`): the projection (month-to-date spend + forecast
#   + the plan's prorated monthly cost change in the scope, as in TG-BUD-002) reaches amount × warn_at
#   (default 80%) but stays under the deny threshold. It also reports budgets that cannot be checked when
#   TG-BUD-002 is off.
# custom:
#   id: TG-BUD-001
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Tell the budget's owner before the month runs out: look for savings (TG-SAV-* recommendations, idle
#     capacity), shrink or defer the change, or agree a higher `amount` in tollgate.yaml.
package tollgate.rules.budget["TG-BUD-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.cost_budget
import data.tollgate.lib.finding

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per budget whose projected spend reaches its warning threshold but not its deny
#   threshold; while TG-BUD-002 is off, also an indeterminate one per budget that cannot be checked.
findings contains finding.new(cost_budget.resource(e), e.message, e.evidence) if {
	some e in cost_budget.evaluations
	e.status == "warn"
}

findings contains finding.indeterminate(cost_budget.resource(e), e.message, e.evidence) if {
	# Without budgets (most inputs) the gate's enforcement is not looked up.
	count(cost_budget.evaluations) > 0
	cost_budget.indeterminate_rule == "TG-BUD-001"
	some e in cost_budget.evaluations
	e.status == "indeterminate"
}
