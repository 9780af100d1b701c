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

import data.tollgate.lib.cost_budget

# METADATA
# description: Every configured budget's figures, verdict and enforcement, in config order.
budgets := [object.union(s, cost_budget.outcome(s)) | some s in cost_budget.summaries]
