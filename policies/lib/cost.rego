# METADATA
# description: |
#   The price estimate on resources (Resource.cost, src/model/resource.ts) for budget and savings rules.
#   Unpriced is not free: a resource whose cost cannot be estimated has null amounts, and rules report it
#   instead of counting it as $0. A resource with no cost at all was not priced (pricing did not run, or its
#   kind has no price) and is left out.
package tollgate.lib.cost

import data.tollgate.lib.resources

# METADATA
# description: >-
#   priced is every judged resource that carries a cost estimate (an array: see resources.judged); resources
#   without a cost object are left out.
priced := [r | some r in resources.judged; is_object(object.get(r, "cost", null))]

# _known(x): x is an amount, not null.
_known(x) if is_number(x)

# METADATA
# description: currency(r) is the currency of r's cost figures, "USD" unless the estimate states one.
currency(r) := object.get(r.cost, "currency", "USD")

# _spot_hourly_saving(r) is what one instance-hour saves on spot; undefined unless both prices are known.
_spot_hourly_saving(r) := r.cost.hourlyOnDemand - r.cost.hourlySpot if {
	_known(r.cost.hourlyOnDemand)
	_known(r.cost.hourlySpot)
}

# METADATA
# description: >-
#   spot_monthly_saving(r) is the month's saving of running r's instances on spot instead of on-demand;
#   undefined unless both hourly prices, the instance count and the hours per month are known.
spot_monthly_saving(r) := (_spot_hourly_saving(r) * r.cost.instances) * r.cost.hoursPerMonth if {
	_known(r.cost.instances)
	_known(r.cost.hoursPerMonth)
}

# METADATA
# scope: document
# description: >-
#   estimated: the plan was priced (the CLI set input.costs when it ran the price catalog, or resources carry
#   cost estimates); undefined when it was not.
estimated if is_object(input.costs)

estimated if count(priced) > 0
