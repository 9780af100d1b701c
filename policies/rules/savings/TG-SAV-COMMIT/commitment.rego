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
#   In the nightly report the same rule reads billed spend (input.report.usage): a resource billed at on-demand
#   prices (FOCUS PricingCategory Standard) on at least min_hours_per_month of the window, that is not
#   interruptible work (TG-SAV-SPOT fits that better), is recommended a 1-year commitment sized to its lowest
#   on-demand day, with the provider's current commitment coverage; and a commitment whose FOCUS
#   CommitmentDiscountStatus rows show less than min_utilization_percent used is reported with the monthly
#   cost of its unused part.
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
#     min_utilization_percent:
#       description: >-
#         Commitments used less than this, percent of their cost over the report's window, are reported as
#         paying for capacity nobody uses.
#       default: 90
package tollgate.rules.savings["TG-SAV-COMMIT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage
import data.tollgate.lib.config
import data.tollgate.lib.cost
import data.tollgate.lib.cost_workload
import data.tollgate.lib.money

_param(name) := config.param("TG-SAV-COMMIT", name)

default _min_monthly_savings := 0

_min_monthly_savings := value if {
	value := _param("min_monthly_savings")
	is_number(value)
}

default _min_hours_per_month := 700

_min_hours_per_month := value if {
	value := _param("min_hours_per_month")
	is_number(value)
}

# _discount(provider): the configured fraction for the provider; undefined when none is configured.
_discount(provider) := _discount_setting if is_number(_discount_setting)

_discount(provider) := d if {
	is_object(_discount_setting)
	d := _discount_setting[provider]
	is_number(d)
}

# The discount parameter, looked up once per evaluation rather than in each clause for each candidate.
_discount_setting := _param("discount")

# What the commitment is called, for the message.
_commitment(r) := "a 1-year SageMaker Savings Plan" if startswith(r.type, "aws_sagemaker_")

_commitment(r) := "a 1-year Compute Savings Plan" if {
	r.provider == "aws"
	not startswith(r.type, "aws_sagemaker_")
}

_commitment(r) := "a 1-year committed use discount" if r.provider == "gcp"

_commitment(r) := "a 1-year reservation" if r.provider == "azure"

# Steady serving on on-demand prices (an array walk over priced resources only).
# The cost checks come before serving(r), which reads the resource's tags and address: most resources fail them.
_candidates := [r |
	some r in cost.priced
	is_object(r.compute)
	r.compute.spot == false
	is_number(r.cost.hoursPerMonth)
	is_number(r.cost.monthlyAfter)
	r.cost.hoursPerMonth >= _min_hours_per_month
	cost_workload.serving(r)
]

# METADATA
# scope: document
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

# In the nightly report, one recommendation per resource billed at on-demand prices around the clock: a
# 1-year commitment for its lowest on-demand day, with the monthly saving at the provider's discount.
recommendations contains {
	"resource": o.u.resource,
	"message": _billed_message(o),
	"monthly_savings_usd": money.rounded(o.saving),
	"evidence": _billed_evidence(o),
} if {
	some o in _billed_offers
	o.saving > 0
	money.at_least(o.saving, _min_monthly_savings)
}

# In the nightly report, one recommendation per commitment used less than min_utilization_percent over the
# window, with the monthly cost of its unused part (what moving on-demand work onto it would recover).
recommendations contains {
	"resource": c.id,
	"message": message,
	"monthly_savings_usd": money.rounded(unused),
	"evidence": {
		"source": "billing",
		"provider": c.provider,
		"commitment_type": c.type,
		"commitment_category": c.category,
		"used": c.used,
		"unused": c.unused,
		"utilization_percent": utilization,
		"min_utilization_percent": _min_utilization,
		"days_with_data": billing_usage.days,
		"assumption": "the unused part is recovered by moving matching on-demand work onto the commitment (or exchanging it)",
	},
} if {
	some c in billing_usage.commitments
	c.used + c.unused > 0
	utilization := round((c.used * 1000) / (c.used + c.unused)) / 10
	utilization < _min_utilization
	unused := billing_usage.monthly(c.unused)
	unused > 0
	money.at_least(unused, _min_monthly_savings)
	message := concat("", [
		_commitment_name(c), " was ", _format_number(utilization), "% used over the last ", format_int(billing_usage.days, 10),
		" days: ", billing_usage.amount(unused), "/month of it is paid for and unused; move matching on-demand work onto it",
		" or exchange it",
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

# In the nightly report: billed on-demand resources steady enough for a commitment, with what one would save.
_billed_offers := [{
	"u": u, "discount": d, "hours": hours, "covered": covered, "saving": covered * d,
	"percent_off": _percent_off[u.provider], "assumption": _assumption[u.provider], "note": _notes[u.provider],
} |
	some u in billing_usage.offered
	u.standard_days > 0
	hours := billing_usage.on_demand_hours(u)
	hours >= _min_hours_per_month
	is_number(u.min_daily_standard)
	not billing_usage.interruptible(u)
	d := _discount(u.provider)
	covered := u.min_daily_standard * billing_usage.days_per_month
]

_billed_evidence(o) := {
	"source": "billing",
	"provider": o.u.provider,
	"service": o.u.service,
	"pricing_category": "Standard",
	"on_demand_days": o.u.standard_days,
	"days_with_data": billing_usage.days,
	"hours_covered_per_month": o.hours,
	"lowest_daily_on_demand": o.u.min_daily_standard,
	"monthly_commitment": money.rounded(o.covered),
	"term": "1 year",
	"discount": o.discount,
	"coverage_percent": object.get(_coverage, o.u.provider, null),
	"assumption": o.assumption,
}

# What depends only on the provider is worded once per provider, not once per billed resource.
_providers contains u.provider if some u in billing_usage.offered

_percent_off[p] := money.percent(_discount(p)) if some p in _providers

_assumption[p] := concat("", [
	"a 1-year, no-upfront commitment sized to the lowest on-demand day (not the peak), ",
	pct, " off on-demand prices (the rule's discount parameter)",
]) if {
	some p, pct in _percent_off
}

_notes[p] := _coverage_note(p) if some p in _providers

_billed_message(o) := concat("", [
	o.u.resource, " (", billing_usage.machine(o.u), ") was billed at on-demand prices on ", format_int(o.u.standard_days, 10),
	" of the last ", format_int(billing_usage.days, 10), " days (", format_int(o.hours, 10), " h/month), never under ",
	billing_usage.amount(o.u.min_daily_standard), "/day; ", _billed_commitment(o.u.provider), " for that baseline (",
	billing_usage.amount(o.covered), "/month, ", o.percent_off, " off assumed) would save about ",
	billing_usage.amount(o.saving), "/month", o.note,
])

# Coverage per provider, computed once per provider (not once per resource: reports have tens of thousands).
_coverage[p] := billing_usage.coverage_percent(p) if some p in {u.provider | some u in billing_usage.resources}

_coverage_note(provider) := concat("", [
	"; commitments cover ", _format_number(_coverage[provider]), "% of ", provider, " on-demand-eligible spend today",
]) if {
	_coverage[provider]
}

_coverage_note(provider) := "" if not _coverage[provider]

_format_number(x) := format_int(x, 10) if x == round(x)

_format_number(x) := sprintf("%v", [x]) if x != round(x)

_billed_commitment(provider) := {
	"aws": "a 1-year Savings Plan",
	"gcp": "a 1-year committed use discount",
	"azure": "a 1-year reservation or savings plan",
}[provider]

_billed_commitment(provider) := "a 1-year commitment" if not provider in {"aws", "gcp", "azure"}

default _min_utilization := 90

_min_utilization := value if {
	value := _param("min_utilization_percent")
	is_number(value)
}

_commitment_name(c) := concat("", [object.get(c, "type", "commitment"), " ", c.id]) if is_string(c.type)

_commitment_name(c) := concat("", ["commitment ", c.id]) if not is_string(c.type)
