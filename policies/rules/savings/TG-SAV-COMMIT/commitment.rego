# METADATA
# title: Steady 24×7 serving is covered by a commitment discount
# description: >-
#   Serving capacity that runs all month on on-demand prices (compute.role "endpoint", or tag `workload` =
#   serving or inference; compute.spot = false; at least min_hours_per_month hours) is the textbook case for a
#   1-year commitment: AWS Savings Plans (SageMaker Savings Plans for SageMaker), GCP committed use discounts,
#   Azure reservations. The saving is the resource's monthly cost after the change × the provider's discount.
#   The default discounts are typical published 1-year, no-upfront figures — AWS Compute Savings Plans
#   about 28%, GCP CUDs for GPU / accelerator-optimized machines about 37%, Azure 1-year reservations about
#   36% — and vary by instance family and region: verify them against your provider's current prices and
#   set the `discount` parameter to what you actually get.
# custom:
#   id: TG-SAV-COMMIT
#   severity: info
#   enforcement: warn
#   remediation: >-
#     Buy a 1-year commitment sized to the steady baseline (not the autoscaling peak): an AWS Compute or
#     SageMaker Savings Plan, a GCP committed use discount for the machine family, or an Azure reservation /
#     savings plan for the VM size.
#   parameters:
#     discount:
#       description: >-
#         Fraction saved by a 1-year commitment, per provider (an object) or one number for all; typical
#         published figures to verify against current prices.
#       default: {"aws": 0.28, "gcp": 0.37, "azure": 0.36}
#     min_hours_per_month:
#       description: Fewest hours per month (of 730) that count as steady 24×7 running.
#       default: 700
#     min_monthly_savings:
#       description: Smallest monthly saving in USD worth recommending.
#       default: 50
package tollgate.rules.savings["TG-SAV-COMMIT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.cost
import data.tollgate.lib.cost_workload
import data.tollgate.lib.money

_param(name) := config.param("TG-SAV-COMMIT", name)

default _min_monthly_savings := 0

_min_monthly_savings := _param("min_monthly_savings") if is_number(_param("min_monthly_savings"))

default _min_hours_per_month := 700

_min_hours_per_month := _param("min_hours_per_month") if is_number(_param("min_hours_per_month"))

# _discount(provider): the configured fraction for the provider; undefined when none is configured.
_discount(provider) := _param("discount") if is_number(_param("discount"))

_discount(provider) := d if {
	is_object(_param("discount"))
	d := _param("discount")[provider]
	is_number(d)
}

# What the commitment is called, for the message.
_commitment(r) := "a 1-year SageMaker Savings Plan" if startswith(r.type, "aws_sagemaker_")

_commitment(r) := "a 1-year Compute Savings Plan" if {
	r.provider == "aws"
	not startswith(r.type, "aws_sagemaker_")
}

_commitment(r) := "a 1-year committed use discount" if r.provider == "gcp"

_commitment(r) := "a 1-year reservation" if r.provider == "azure"

# Steady serving on on-demand prices (an array walk over priced resources only).
_candidates := [r |
	some r in cost.priced
	is_object(r.compute)
	r.compute.spot == false
	cost_workload.serving(r)
	is_number(r.cost.hoursPerMonth)
	r.cost.hoursPerMonth >= _min_hours_per_month
	is_number(r.cost.monthlyAfter)
]

# METADATA
# description: >-
#   Recommendations of this rule, one per steady on-demand serving resource whose 1-year commitment discount
#   would save at least min_monthly_savings a month, with the saving in USD.
recommendations contains {
	"resource": r.address,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": {
		"provider": r.provider,
		"discount": d,
		"monthly_after": r.cost.monthlyAfter,
		"hours_per_month": r.cost.hoursPerMonth,
		"compute.instanceType": r.compute.instanceType,
		"min_monthly_savings": _min_monthly_savings,
	},
} if {
	some r in _candidates
	d := _discount(r.provider)
	saving := r.cost.monthlyAfter * d
	saving > 0
	saving >= _min_monthly_savings
	message := concat("", [
		r.address, " serves around the clock (", format_int(r.cost.hoursPerMonth, 10), " h/month) on on-demand ",
		_machines(r), " at ", money.usd(r.cost.monthlyAfter), "/month; ", _commitment(r),
		" (typically ", money.percent(d), " off) would save about ", money.usd(saving), "/month",
	])
}

_machines(r) := concat("", [r.compute.instanceType, " ×", format_int(r.cost.instances, 10)]) if {
	is_string(r.compute.instanceType)
	is_number(r.cost.instances)
}

_machines(r) := "capacity" if not is_string(r.compute.instanceType)

_machines(r) := r.compute.instanceType if {
	is_string(r.compute.instanceType)
	not is_number(r.cost.instances)
}
