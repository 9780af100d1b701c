# METADATA
# title: Projected spend stays under the budget's deny threshold
# description: >-
#   A budget (tollgate.yaml `budgets[]`) is a monthly amount for a scope (team, project, environment,
#   account). Its projection is month-to-date spend + the forecast for the rest of the month + the plan's
#   monthly cost change in the scope, prorated to the days left (delta × daysLeft / daysInMonth). A plan that
#   takes the projection to amount × deny_at (default 100%) or more is denied. A budget that cannot be
#   checked (no spend data, unknown month-to-date, a currency mismatch, an unknown forecast short of the
#   threshold) is reported here as indeterminate, never passed as $0; unpriced resources in scope are named.
# custom:
#   id: TG-BUD-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Shrink the change (fewer or smaller instances, spot capacity for training, shorter schedules), move it to
#     next month, or have the budget's owner raise `amount` or `deny_at` in tollgate.yaml. Give a spend file
#     covering the budget's scope so it can be checked at all.
package tollgate.rules.budget["TG-BUD-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.cost_budget
import data.tollgate.lib.finding

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per budget whose projected spend reaches its deny threshold, and an indeterminate
#   one per budget that cannot be checked (unknown spend is never a pass).
findings contains finding.new(cost_budget.resource(e), e.message, e.evidence) if {
	some e in cost_budget.evaluations
	e.status == "deny"
}

# Budgets that cannot be checked are reported once, by this gate (by TG-BUD-001 when this one is off).
findings contains finding.indeterminate(cost_budget.resource(e), e.message, e.evidence) if {
	# Without budgets (most inputs) the gate's enforcement is not looked up.
	count(cost_budget.evaluations) > 0
	cost_budget.indeterminate_rule == "TG-BUD-002"
	some e in cost_budget.evaluations
	e.status == "indeterminate"
}
