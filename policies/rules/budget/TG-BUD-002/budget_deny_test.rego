package tollgate.rules.budget["TG-BUD-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.budget["TG-BUD-002"] as rule

_resource(address, tags, delta) := {
	"address": address,
	"type": "aws_eks_node_group",
	"kind": "compute",
	"action": "create",
	"provider": "aws",
	"tags": tags,
	"unknown": [],
	"compute": {"role": "node_group", "instanceType": "g5.12xlarge", "spot": false},
	"cost": {
		"currency": "USD", "monthlyBefore": 0, "monthlyAfter": delta, "monthlyDelta": delta,
		"hourlyOnDemand": null, "hourlySpot": null, "instances": 3, "hoursPerMonth": 730,
		"unpriced": null, "sources": [],
	},
}

_team(address, delta) := _resource(address, {"team": "ml-platform"}, delta)

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

_one(resources, spend, budgets) := f if {
	found := _findings(resources, spend, budgets)
	count(found) == 1
	some f in found
}

# 41,200 + 6,100 + 2,950 = 50,250: 100.5%.
test_projection_over_deny_threshold_is_finding if {
	f := _one([_team("aws_eks_node_group.train", 7375)], [_spend(41200, 6100)], [_budget])
	f.indeterminate == false
	f.resource == "budget:ml-platform"
	f.message == concat("", [
		"budget \"ml-platform\" (team=ml-platform): spent $41,200.00 + forecast $6,100.00 + plan delta $2,950.00",
		" (×12/30 of $7,375.00) = $50,250.00, 100.5% of $50,000.00 — over the 100% deny threshold",
	])
	f.evidence.projected == 50250
	f.evidence.plan_prorated_delta == 2950
}

test_projection_exactly_at_deny_threshold_is_finding if {
	f := _one([_team("aws_eks_node_group.train", 7375)], [_spend(41200, 5850)], [_budget])
	endswith(f.message, "= $50,000.00, 100% of $50,000.00 — at the 100% deny threshold")
}

test_projection_a_cent_under_deny_threshold_passes if {
	count(_findings([_team("aws_eks_node_group.train", 7375)], [_spend(41200, 5849.99)], [_budget])) == 0
}

test_configured_deny_at_and_currency_are_used if {
	budget := object.union(_budget, {"deny_at": 0.9, "currency": "EUR"})
	spend := object.union(_spend(45000, 0), {"currency": "EUR"})
	f := _one([], [spend], [budget])
	f.message == "budget \"ml-platform\" (team=ml-platform): spent €45,000.00 + forecast €0.00 + plan delta €0.00 (×12/30 of €0.00) = €45,000.00, 90% of €50,000.00 — at the 90% deny threshold"
}

# Proration: 1,000 a month × 7/31 = 225.806… is shown and counted to the cent.
test_delta_is_prorated_to_days_left if {
	spend := object.union(_spend(49774.19, 0), {"daysLeft": 7, "daysInMonth": 31})
	f := _one([_team("aws_eks_node_group.train", 1000)], [spend], [_budget])
	contains(f.message, "plan delta $225.81 (×7/31 of $1,000.00) = $50,000.00")
	f.evidence.plan_prorated_delta == 225.81
}

test_negative_delta_lowers_projection if {
	count(_findings([_team("aws_eks_node_group.train", -3000)], [_spend(49000, 1000)], [_budget])) == 0
	f := _one([_team("aws_eks_node_group.train", -3000)], [_spend(51000, 1000)], [_budget])
	contains(f.message, "plan delta -$1,200.00 (×12/30 of -$3,000.00)")
}

test_resources_outside_scope_are_not_counted if {
	other := _resource("aws_eks_node_group.other", {"team": "search"}, 100000)
	count(_findings([other], [_spend(41200, 6000)], [_budget])) == 0
}

test_scope_matches_tag_case_insensitively if {
	r := _resource("aws_eks_node_group.train", {"Team": "ML-Platform"}, 7375)
	_one([r], [_spend(41200, 6100)], [_budget]).evidence.plan_monthly_delta == 7375
}

test_scope_matches_project_and_environment if {
	r := _resource("aws_eks_node_group.train", {"project": "llm", "environment": "Prod"}, 7375)
	budget := {"name": "ml-platform", "scope": {"project": "llm", "environment": "prod"}, "amount": 50000}
	f := _one([r, _resource("aws_eks_node_group.dev", {"project": "llm", "environment": "dev"}, 9000)], [_spend(41200, 6100)], [budget])
	f.evidence.plan_monthly_delta == 7375
	startswith(f.message, "budget \"ml-platform\" (project=llm, environment=prod): ")
}

test_account_scope_never_matches_plan_resources if {
	budget := {"name": "ml-platform", "scope": {"team": "ml-platform", "account": "123456789012"}, "amount": 50000}
	f := _one([_team("aws_eks_node_group.train", 7375)], [_spend(50000, 0)], [budget])
	f.evidence.plan_monthly_delta == 0
	startswith(f.message, "budget \"ml-platform\" (team=ml-platform, account=123456789012): ")
}

test_empty_scope_counts_every_priced_resource if {
	budget := {"name": "ml-platform", "amount": 50000}
	f := _one([_team("a.b", 100), _resource("c.d", {}, 200), object.remove(_team("e.f", 400), ["cost"])], [_spend(50000, 0)], [budget])
	f.evidence.plan_monthly_delta == 300
	startswith(f.message, "budget \"ml-platform\" (everything): ")
}

test_unpriced_resources_in_scope_are_named if {
	unpriced := json.patch(_team("aws_instance.x", 0), [{"op": "replace", "path": "/cost/monthlyDelta", "value": null}])
	f := _one([_team("aws_eks_node_group.train", 7375), unpriced, json.patch(unpriced, [{"op": "replace", "path": "/address", "value": "aws_instance.y"}])], [_spend(41200, 6100)], [_budget])
	f.indeterminate == false
	endswith(f.message, "— over the 100% deny threshold; 2 resources in scope are unpriced (not in the plan delta)")
	f.evidence.unpriced_resources == 2
	f.evidence.unpriced_examples == ["aws_instance.x", "aws_instance.y"]
}

test_resources_with_unknown_scope_tags_are_named if {
	unknown := object.union(_resource("aws_instance.x", null, 5000), {"unknown": ["tags"]})
	f := _one([unknown], [_spend(50000, 0)], [_budget])
	endswith(f.message, "; 1 resource whose scope tags are unknown until apply is not counted")
	f.evidence.unknown_scope_examples == ["aws_instance.x"]
	f.evidence.plan_monthly_delta == 0
}

test_resource_matching_known_keys_with_unknown_team_is_named if {
	r := object.union(_resource("aws_instance.x", {"environment": "prod"}, 5000), {"unknown": ["tags.team"]})
	budget := {"name": "ml-platform", "scope": {"team": "ml-platform", "environment": "prod"}, "amount": 50000}
	f := _one([r], [_spend(50000, 0)], [budget])
	f.evidence.unknown_scope_resources == 1
}

test_resource_with_known_other_tag_is_not_unknown_scope if {
	r := object.union(_resource("aws_instance.x", {"team": "ml-platform", "environment": "dev"}, 5000), {"unknown": ["tags.project"]})
	budget := {"name": "ml-platform", "scope": {"project": "llm", "environment": "prod"}, "amount": 50000}
	f := _one([r], [_spend(50000, 0)], [budget])
	f.evidence.unknown_scope_resources == 0
}

test_unpriced_plan_is_said_not_estimated if {
	found := rule.findings with input as {"context": {}, "resources": [], "spend": [_spend(51000, 0)]}
		with data.tollgate.config as {"budgets": [_budget]}
	some f in found
	f.message == concat("", [
		"budget \"ml-platform\" (team=ml-platform): spent $51,000.00 + forecast $0.00 + plan delta not estimated",
		" (the plan was not priced) = $51,000.00, 102% of $50,000.00 — over the 100% deny threshold",
	])
	f.evidence.plan_estimated == false
}

# Unknown is not zero.

test_missing_spend_entry_is_indeterminate if {
	f := _one([_team("aws_eks_node_group.train", 7375)], [object.union(_spend(1, 1), {"budget": "search"})], [_budget])
	f.indeterminate == true
	f.message == concat("", [
		"budget \"ml-platform\" (team=ml-platform): spend data is missing (the spend data has no entry for this budget), so it",
		" cannot be checked; unknown spend is not treated as $0.00 (the plan changes the scope's monthly cost by $7,375.00)",
	])
	f.evidence.spend == null
	f.evidence.plan_monthly_delta == 7375
}

test_missing_spend_file_is_indeterminate if {
	found := rule.findings with input as {"context": {}, "resources": []} with data.tollgate.config as {"budgets": [_budget]}
	some f in found
	f.indeterminate == true
	f.message == "budget \"ml-platform\" (team=ml-platform): spend data is missing (no spend data was given), so it cannot be checked; unknown spend is not treated as $0.00 (the plan was not priced)"
}

test_null_month_to_date_is_indeterminate if {
	f := _one([], [_spend(null, 6100)], [_budget])
	f.indeterminate == true
	contains(f.message, ": month-to-date spend is unknown (no spend data covers its scope), so it cannot be checked")
	f.evidence.spend.monthToDate == null
}

test_spend_currency_mismatch_is_indeterminate if {
	f := _one([], [object.union(_spend(60000, 0), {"currency": "EUR"})], [_budget])
	f.indeterminate == true
	contains(f.message, ": its spend data is in EUR but the budget is in USD, and currencies are not converted, so it cannot be checked")
}

test_plan_currency_mismatch_is_indeterminate if {
	budget := object.union(_budget, {"currency": "EUR"})
	spend := object.union(_spend(60000, 0), {"currency": "EUR"})
	f := _one([_team("aws_eks_node_group.train", 7375)], [spend], [budget])
	f.indeterminate == true
	contains(f.message, ": 1 resource in scope is priced in another currency than the budget's EUR, and currencies are not converted")
}

test_spend_without_month_length_is_indeterminate if {
	f := _one([], [object.union(_spend(60000, 0), {"daysInMonth": 0})], [_budget])
	f.indeterminate == true
	contains(f.message, ": its spend data has no month length (daysLeft, daysInMonth), so it cannot be checked")
}

test_unknown_forecast_short_of_deny_is_indeterminate if {
	f := _one([_team("aws_eks_node_group.train", 7375)], [_spend(41200, null)], [_budget])
	f.indeterminate == true
	f.message == concat("", [
		"budget \"ml-platform\" (team=ml-platform): spent $41,200.00 + forecast unknown + plan delta $2,950.00 (×12/30 of $7,375.00) = at least $44,150.00, 88.3%",
		" of $50,000.00; the forecast for the rest of the month is unknown, so the 100% deny threshold cannot be checked (already over the 80% warning threshold)",
	])
	f.evidence.forecast_remaining == null
}

test_unknown_forecast_under_warn_says_nothing_of_warning if {
	f := _one([], [_spend(1000, null)], [_budget])
	f.indeterminate == true
	endswith(f.message, "so the 100% deny threshold cannot be checked")
}

test_unknown_forecast_already_over_deny_is_finding if {
	f := _one([_team("aws_eks_node_group.train", 7375)], [_spend(48000, null)], [_budget])
	f.indeterminate == false
	contains(f.message, "+ forecast unknown + plan delta $2,950.00 (×12/30 of $7,375.00) = at least $50,950.00, 101.9% of $50,000.00 — over the 100% deny threshold")
}

test_indeterminate_moves_to_warn_gate_when_off if {
	cfg := {"budgets": [_budget], "rules": {"TG-BUD-002": {"enforcement": "off"}}}
	count(rule.findings) == 0 with input as _input([], [_spend(null, 0)]) with data.tollgate.config as cfg
}

test_one_finding_per_budget if {
	budgets := [_budget, {"name": "search", "scope": {"team": "search"}, "amount": 100}]
	found := _findings([], [_spend(60000, 0), object.union(_spend(200, 0), {"budget": "search"})], budgets)
	{f.resource | some f in found} == {"budget:ml-platform", "budget:search"}
}

test_budget_under_warn_passes if {
	count(_findings([_team("aws_eks_node_group.train", 7375)], [_spend(1000, 1000)], [_budget])) == 0
}

# The environment tag is unknown until apply: the resource is not the default environment's, so a budget scoped
# on that environment does not count it as a member; it is named as unknown scope.
test_resource_with_unknown_environment_is_unknown_scope_not_default_environment if {
	r := object.union(_resource("aws_instance.x", {"team": "ml-platform"}, 5000), {"unknown": ["tags.environment"]})
	budget := {"name": "ml-platform", "scope": {"team": "ml-platform", "environment": "dev"}, "amount": 50000}
	found := rule.findings with input as _input([r], [_spend(50000, 0)])
		with data.tollgate.config as {"budgets": [budget], "default_environment": "dev"}
	some f in found
	f.evidence.plan_monthly_delta == 0
	f.evidence.unknown_scope_examples == ["aws_instance.x"]
}

test_resource_with_unknown_environment_counts_in_a_budget_without_environment if {
	r := object.union(_resource("aws_instance.x", {"team": "ml-platform"}, 5000), {"unknown": ["tags.environment"]})
	found := rule.findings with input as _input([r], [_spend(50000, 0)])
		with data.tollgate.config as {"budgets": [_budget], "default_environment": "dev"}
	some f in found
	f.evidence.plan_monthly_delta == 5000
	f.evidence.unknown_scope_resources == 0
}
