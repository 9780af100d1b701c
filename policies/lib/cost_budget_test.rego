package tollgate.lib.cost_budget_test

import data.tollgate.lib.cost_budget

_resource(tags) := {"address": "a.b", "action": "create", "tags": tags, "unknown": [], "cost": {"monthlyDelta": 1}}

test_in_scope_matches_every_key_case_insensitively if {
	r := _resource({"Team": "Search", "environment": "prod"})
	cost_budget.in_scope(r, {"team": "search", "environment": "PROD"}) with input as {"resources": [r]}
	cost_budget.in_scope(r, {}) with input as {"resources": [r]}
}

test_not_in_scope_when_a_key_differs_or_is_account if {
	r := _resource({"team": "search", "environment": "prod"})
	not cost_budget.in_scope(r, {"team": "search", "environment": "dev"}) with input as {"resources": [r]}
	not cost_budget.in_scope(r, {"account": "123"}) with input as {"resources": [r]}
}

test_scope_facts_are_computed_per_priced_resource if {
	r := object.union(_resource(null), {"unknown": ["tags"]})
	facts := cost_budget._scope_facts with input as {"resources": [r, object.remove(_resource({}), ["cost"])]}
		with data.tollgate.config as {}

	# Unknown tags: no environment to match (not the default one), and every scope key unknown.
	facts == [{"resource": r, "values": {}, "unknown": {"team", "project", "environment"}}]
}

test_summary_is_a_lower_bound_when_forecast_unknown if {
	spend := {"budget": "b", "monthToDate": 900, "forecastRemaining": null, "daysLeft": 10, "daysInMonth": 30, "sources": "x"}
	[s] := cost_budget.summaries with input as {"resources": [], "spend": [spend]}
		with data.tollgate.config as {"budgets": [{"name": "b", "amount": 1000}]}
	[s.status, s.forecast_remaining, s.projected, s.percent_of_amount] == ["indeterminate", null, 900, 90]
	[s.spend_sources, s.forecast_is_run_rate, s.plan_estimated, s.plan_monthly_delta] == [[], false, false, null]
}
