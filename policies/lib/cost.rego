# METADATA
# description: |
#   The price estimate on resources (Resource.cost, src/model/resource.ts) for budget and savings rules.
#   Unpriced is not free: a resource whose cost cannot be estimated has null amounts, and rules report it
#   instead of counting it as $0. A resource with no cost at all was not priced (pricing did not run, or its
#   kind has no price) and is left out.
package tollgate.lib.cost

import data.tollgate.lib.resources

# priced is every judged resource that carries a cost estimate (an array: see resources.judged).
priced := [r | some r in resources.judged; is_object(object.get(r, "cost", null))]

# _known(x): x is an amount, not null.
_known(x) if is_number(x)

# currency(r) is the currency of r's figures (USD unless stated).
currency(r) := object.get(r.cost, "currency", "USD")

# _spot_hourly_saving(r) is what one instance-hour saves on spot; undefined unless both prices are known.
_spot_hourly_saving(r) := r.cost.hourlyOnDemand - r.cost.hourlySpot if {
	_known(r.cost.hourlyOnDemand)
	_known(r.cost.hourlySpot)
}

# spot_monthly_saving(r) is the month's saving of running r's instances on spot instead of on-demand;
# undefined unless the prices and the instance count are known.
spot_monthly_saving(r) := (_spot_hourly_saving(r) * r.cost.instances) * r.cost.hoursPerMonth if {
	_known(r.cost.instances)
	_known(r.cost.hoursPerMonth)
}

# estimated: the plan was priced (the CLI sets input.costs when it ran the price catalog, and resources
# carry cost estimates).
estimated if is_object(input.costs)

estimated if count(priced) > 0
