package tollgate.facts_test

import data.tollgate.facts

_node_group(team, delta) := {
	"address": concat(".", ["aws_eks_node_group", team]),
	"type": "aws_eks_node_group",
	"kind": "compute",
	"action": "create",
	"provider": "aws",
	"tags": {"team": team},
	"unknown": [],
	"cost": {"currency": "USD", "monthlyBefore": 0, "monthlyAfter": delta, "monthlyDelta": delta, "unpriced": null},
}

_spend(budget, mtd, forecast) := {
	"budget": budget, "currency": "USD", "monthToDate": mtd, "forecastRemaining": forecast,
	"daysInMonth": 30, "daysLeft": 12, "sources": ["cur-2025-06.csv"],
}

_budget(name, amount) := {"name": name, "scope": {"team": name}, "amount": amount}

_costs := {"currency": "USD", "monthlyBefore": 0, "monthlyAfter": 0, "monthlyDelta": 0, "unpricedResources": 0}

_input(resources, spend) := {
	"context": {"now": "2025-06-19T00:00:00Z"},
	"resources": resources,
	"costs": _costs,
	"spend": spend,
}

_budgets(input_doc, config) := budgets if {
	budgets := facts.budgets with input as input_doc with data.tollgate.config as config
}

# ml-platform: 41,200 + 6,100 + 7,375 × 12/30 = 50,250 of 50,000 (deny); research: 1,000 + 500 + 0 of 10,000 (ok).
_over_and_ok := _input(
	[_node_group("ml-platform", 7375)],
	[_spend("ml-platform", 41200, 6100), _spend("research", 1000, 500)],
)

_config := {"budgets": [_budget("ml-platform", 50000), _budget("research", 10000)]}

test_budgets_list_every_budget_in_config_order_when_within_budget if {
	[b.name | some b in _budgets(_over_and_ok, _config)] == ["ml-platform", "research"]
	_budgets(_over_and_ok, _config)[1] == {
		"name": "research", "scope": {"team": "research"}, "amount": 10000, "currency": "USD",
		"warn_at": 0.8, "deny_at": 1, "warn_threshold": 8000, "deny_threshold": 10000,
		"month_to_date": 1000, "forecast_remaining": 500, "forecast_is_run_rate": false,
		"days_left": 12, "days_in_month": 30, "spend_sources": ["cur-2025-06.csv"],
		"plan_estimated": true, "plan_monthly_delta": 0, "plan_prorated_delta": 0,
		"unpriced_resources": 0, "unknown_scope_resources": 0,
		"projected": 1500, "percent_of_amount": 15,
		"status": "ok",
		"message": "budget \"research\" (team=research): spent $1,000.00 + forecast $500.00 + plan delta $0.00 (×12/30 of $0.00) = $1,500.00, 15% of $10,000.00 — under the 80% warning threshold",
		"rule": null, "enforcement": null, "exempted": false,
	}
}

test_budget_names_its_gate_when_over_deny_threshold if {
	b := _budgets(_over_and_ok, _config)[0]
	[b.status, b.rule, b.enforcement, b.exempted] == ["deny", "TG-BUD-002", "deny", false]
	[b.plan_monthly_delta, b.plan_prorated_delta, b.projected, b.percent_of_amount] == [7375, 2950, 50250, 100.5]
}

test_budget_names_warn_gate_when_over_warning_threshold if {
	b := _budgets(_input([], [_spend("research", 7000, 1000)]), {"budgets": [_budget("research", 10000)]})[0]
	[b.status, b.rule, b.enforcement] == ["warn", "TG-BUD-001", "warn"]
}

test_budget_is_exempted_when_exemption_covers_its_gate if {
	exemption := {"rule": "TG-BUD-002", "resource": "budget:ml-platform", "reason": "r", "owner": "o", "expires": "2025-12-31"}
	b := _budgets(_over_and_ok, object.union(_config, {"exemptions": [exemption]}))[0]
	[b.status, b.rule, b.exempted] == ["deny", "TG-BUD-002", true]
}

test_budget_enforcement_is_off_and_not_exempted_when_gate_off if {
	exemption := {"rule": "*", "resource": "**", "reason": "r", "owner": "o", "expires": "2025-12-31"}
	config := object.union(_config, {"exemptions": [exemption], "rules": {"TG-BUD-002": {"enforcement": "off"}}})
	b := _budgets(_over_and_ok, config)[0]
	[b.status, b.rule, b.enforcement, b.exempted] == ["deny", "TG-BUD-002", "off", false]
}

test_budget_figures_are_null_when_spend_missing if {
	b := _budgets(_input([_node_group("ml-platform", 7375)], []), _config)[0]
	[b.status, b.rule] == ["indeterminate", "TG-BUD-002"]
	[b.month_to_date, b.forecast_remaining, b.days_left, b.days_in_month] == [null, null, null, null]
	[b.plan_monthly_delta, b.plan_prorated_delta, b.projected, b.percent_of_amount] == [7375, null, null, null]
	b.spend_sources == []
}

test_budget_prorates_plan_when_month_to_date_unknown if {
	b := _budgets(_input([_node_group("ml-platform", 7375)], [_spend("ml-platform", null, null)]), _config)[0]
	[b.status, b.month_to_date, b.plan_prorated_delta, b.projected] == ["indeterminate", null, 2950, null]
}

test_budget_plan_figures_are_null_when_plan_not_priced if {
	b := _budgets(object.remove(_input([], [_spend("ml-platform", 41200, 6100)]), ["costs"]), _config)[0]
	[b.plan_estimated, b.plan_monthly_delta, b.plan_prorated_delta, b.projected] == [false, null, null, 47300]
}

test_forecast_is_run_rate_when_sources_name_one if {
	spend := object.union(_spend("research", 1000, 500), {"sources": ["cur.csv", "run-rate projection: 18 days × 12 left"]})
	b := _budgets(_input([], [spend]), {"budgets": [_budget("research", 10000)]})[0]
	b.forecast_is_run_rate == true
}

test_budgets_are_empty_when_none_configured if {
	_budgets(_over_and_ok, {}) == []
}
