package tollgate.lib.cost_test

import data.tollgate.lib.cost

_priced(address, cost_fields) := {
	"address": address,
	"action": "create",
	"cost": object.union({"currency": "USD", "instances": 2, "hoursPerMonth": 730}, cost_fields),
}

test_priced_keeps_judged_resources_with_cost if {
	resources := [
		_priced("a.priced", {}),
		{"address": "b.unpriced_kind", "action": "create"},
		object.union(_priced("c.read", {}), {"action": "read"}),
	]
	[r.address | some r in cost.priced] == ["a.priced"] with input as {"resources": resources}
}

test_estimated_when_plan_costs_given if {
	cost.estimated with input as {"resources": [], "costs": {"monthlyDelta": 0}}
}

test_estimated_when_a_resource_is_priced if {
	cost.estimated with input as {"resources": [_priced("a.b", {})]}
}

test_not_estimated_without_costs if {
	not cost.estimated with input as {"resources": [{"address": "a.b", "action": "create"}]}
}

test_currency_defaults_to_usd if {
	cost.currency({"cost": {}}) == "USD"
	cost.currency({"cost": {"currency": "EUR"}}) == "EUR"
}

# (3.2 − 1.2) × 2 × 730 = 2,920.
test_spot_monthly_saving_multiplies_instances_and_hours if {
	cost.spot_monthly_saving(_priced("a.b", {"hourlyOnDemand": 3.2, "hourlySpot": 1.2})) == 2920
}

test_spot_saving_undefined_when_a_price_is_unknown if {
	not cost.spot_monthly_saving(_priced("a.b", {"hourlyOnDemand": 3.2, "hourlySpot": null}))
	not cost._spot_hourly_saving(_priced("a.b", {"hourlyOnDemand": null, "hourlySpot": 1.2}))
}
