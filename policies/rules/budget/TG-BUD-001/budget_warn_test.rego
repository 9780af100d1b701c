package tollgate.rules.budget["TG-BUD-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.budget["TG-BUD-001"] as rule

# A node group of team ml-platform that adds $7,375.00 a month.
_node_group(address, team, delta) := {
	"address": address,
	"type": "aws_eks_node_group",
	"kind": "compute",
	"action": "create",
	"provider": "aws",
	"tags": {"team": team},
	"unknown": [],
	"compute": {"role": "node_group", "instanceType": "g5.12xlarge", "spot": false},
	"cost": {
		"currency": "USD", "monthlyBefore": 0, "monthlyAfter": delta, "monthlyDelta": delta,
		"hourlyOnDemand": null, "hourlySpot": null, "instances": 3, "hoursPerMonth": 730,
		"unpriced": null, "sources": [],
	},
}

_spend(mtd, forecast) := {
	"budget": "ml-platform", "currency": "USD", "monthToDate": mtd, "forecastRemaining": forecast,
	"daysInMonth": 30, "daysLeft": 12, "sources": ["cur-2025-06.csv"],
}

_budget := {"name": "ml-platform", "scope": {"team": "ml-platform"}, "amount": 50000}

_input(resources, spend) := {
	"context": {"now": "2025-06-19T00:00:00Z"},
	"resources": resources,
	"costs": {"currency": "USD", "monthlyBefore": 0, "monthlyAfter": 0, "monthlyDelta": 0, "unpricedResources": 0},
	"spend": spend,
}

_findings(resources, spend, budgets) := found if {
	found := rule.findings with input as _input(resources, spend) with data.tollgate.config as {"budgets": budgets}
}

# 41,200 + 4,100 + 7,375 × 12/30 (2,950) = 48,250: 96.5% of 50,000.
test_projection_over_warn_threshold_is_finding if {
	found := _findings([_node_group("aws_eks_node_group.train", "ml-platform", 7375)], [_spend(41200, 4100)], [_budget])
	found == {{
		"resource": "budget:ml-platform",
		"message": concat("", [
			"budget \"ml-platform\" (team=ml-platform): spent $41,200.00 + forecast $4,100.00 + plan delta $2,950.00",
			" (×12/30 of $7,375.00) = $48,250.00, 96.5% of $50,000.00 — over the 80% warning threshold",
		]),
		"indeterminate": false,
		"evidence": {
			"budget": "ml-platform",
			"scope": {"team": "ml-platform"},
			"amount": 50000,
			"currency": "USD",
			"warn_at": 0.8,
			"deny_at": 1,
			"warn_threshold": 40000,
			"deny_threshold": 50000,
			"month_to_date": 41200,
			"forecast_remaining": 4100,
			"days_left": 12,
			"days_in_month": 30,
			"plan_monthly_delta": 7375,
			"plan_prorated_delta": 2950,
			"projected": 48250,
			"percent_of_amount": 96.5,
			"plan_estimated": true,
			"unpriced_resources": 0,
			"unpriced_examples": [],
			"unknown_scope_resources": 0,
			"unknown_scope_examples": [],
			"spend_sources": ["cur-2025-06.csv"],
		},
	}}
}

# 37,050 + 0 + 2,950 = 40,000: exactly 80%.
test_projection_exactly_at_warn_threshold_is_finding if {
	some f in _findings([_node_group("aws_eks_node_group.train", "ml-platform", 7375)], [_spend(37050, 0)], [_budget])
	endswith(f.message, "= $40,000.00, 80% of $50,000.00 — at the 80% warning threshold")
}

test_projection_a_cent_under_warn_threshold_passes if {
	count(_findings([_node_group("aws_eks_node_group.train", "ml-platform", 7375)], [_spend(37049.99, 0)], [_budget])) == 0
}

test_projection_at_deny_threshold_is_not_a_warning if {
	count(_findings([_node_group("aws_eks_node_group.train", "ml-platform", 7375)], [_spend(47050, 0)], [_budget])) == 0
}

test_configured_warn_at_is_used if {
	budget := object.union(_budget, {"warn_at": 0.5})
	some f in _findings([], [_spend(25000, 0)], [budget])
	contains(f.message, "50% of $50,000.00 — at the 50% warning threshold")
}

test_no_budgets_pass if {
	count(_findings([_node_group("aws_eks_node_group.train", "ml-platform", 7375)], [_spend(1000000, 0)], [])) == 0
}

test_unknown_spend_is_not_reported_here_while_deny_gate_is_on if {
	count(_findings([], [_spend(null, 0)], [_budget])) == 0
}

test_unknown_spend_is_reported_here_when_deny_gate_is_off if {
	cfg := {"budgets": [_budget], "rules": {"TG-BUD-002": {"enforcement": "off"}}}
	found := rule.findings with input as _input([], [_spend(null, 0)]) with data.tollgate.config as cfg
	some f in found
	f.indeterminate == true
	f.resource == "budget:ml-platform"
}
