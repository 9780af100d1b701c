# METADATA
# title: Interruptible training and batch work runs on spot capacity
# description: >-
#   Training and batch jobs can resume after an interruption, so they rarely need on-demand capacity; spot /
#   preemptible / low-priority capacity costs typically 60–90% less. Recommends spot for on-demand compute
#   (compute.spot = false) whose work is interruptible: compute.role "training", tag `workload` = training or
#   batch, an address that names train/batch, or an Azure ML compute cluster (EKS node groups with
#   capacity_type ON_DEMAND, GKE pools without spot/preemptible, AKS pools without priority Spot, Azure ML
#   clusters with vm_priority Dedicated, ...). Latency-critical serving (compute.role "endpoint", tag
#   `workload` = serving or inference, tag `latency-critical` = true) is never recommended. The saving is
#   (on-demand − spot price per hour) × instances × hours per month, from the price catalog; without both
#   prices there is no recommendation.
#   In the nightly report the same rule reads billed spend (input.report.usage): training or batch work (tag
#   `workload`, or a training-job resource) billed at on-demand prices (FOCUS PricingCategory Standard) is
#   recommended spot capacity, saving its monthly on-demand spend × the provider's `spot_discount`.
# custom:
#   id: TG-SAV-SPOT
#   severity: info
#   enforcement: warn
#   remediation: >-
#     Run the work on spot capacity: aws_eks_node_group `capacity_type = "SPOT"` (with several instance types),
#     aws_instance `instance_market_options { market_type = "spot" }`, google_container_node_pool
#     `node_config { spot = true }`, azurerm_kubernetes_cluster_node_pool `priority = "Spot"`,
#     azurerm_machine_learning_compute_cluster `vm_priority = "LowPriority"`; make jobs checkpoint (TG-SAV-CKPT).
#   parameters:
#     min_monthly_savings:
#       description: Smallest monthly saving in USD worth recommending.
#       default: 50
#     spot_discount:
#       description: >-
#         Fraction of the on-demand price spot capacity saves, per provider (an object) or one number for all,
#         for billed spend (the report) where no spot price is known. AWS 0.18 is the smallest saving in the
#         reference table (p4d.24xlarge, us-west-2, spot at the top of its 2026-09-08 range); GCP and Azure 0.6
#         are the low end of the 60–90% providers publish, not confirmed for GPU machines; set your own.
#       default: {"aws": 0.18, "gcp": 0.6, "azure": 0.6}
package tollgate.rules.savings["TG-SAV-SPOT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage
import data.tollgate.lib.config
import data.tollgate.lib.cost
import data.tollgate.lib.cost_workload
import data.tollgate.lib.money

default _min_monthly_savings := 0

_min_monthly_savings := value if {
	value := config.param("TG-SAV-SPOT", "min_monthly_savings")
	is_number(value)
}

# How each resource type asks for spot capacity, for the message.
_settings := {
	"aws_eks_node_group": "capacity_type = \"SPOT\"",
	"aws_instance": "instance_market_options { market_type = \"spot\" }",
	"google_container_node_pool": "node_config { spot = true }",
	"google_container_cluster": "node_config { spot = true }",
	"google_compute_instance": "scheduling { provisioning_model = \"SPOT\" }",
	"azurerm_kubernetes_cluster_node_pool": "priority = \"Spot\"",
	"azurerm_linux_virtual_machine": "priority = \"Spot\"",
	"azurerm_windows_virtual_machine": "priority = \"Spot\"",
	"azurerm_machine_learning_compute_cluster": "vm_priority = \"LowPriority\"",
}

# An AKS cluster's default node pool cannot be Spot; only its extra node pools can.
_no_spot_types := {"azurerm_kubernetes_cluster"}

_how(r) := concat("", ["; set ", _settings[r.type]])

_how(r) := "" if not _settings[r.type]

# Work that could move: on-demand, interruptible, priced, with its workload profile read once. An array
# walk over priced resources only. The saving (arithmetic on the cost) is tested before the profile, which reads
# the resource's tags and address: most on-demand machines have no spot price, and nothing without a saving is
# recommended below.
_candidates := [{"resource": r, "work": p.workload, "label": p.label} |
	some r in cost.priced
	is_object(r.compute)
	r.compute.spot == false
	not r.type in _no_spot_types
	cost.spot_monthly_saving(r) > 0
	p := cost_workload.profile(r)
	p.interruptible
]

# METADATA
# scope: document
# description: >-
#   Recommendations of this rule, one per on-demand interruptible (training or batch) resource whose move to
#   spot capacity would save at least min_monthly_savings a month, with the saving in USD.
recommendations contains {
	"resource": r.address,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": {
		"workload": workload.workload,
		"because": workload.because,
		"compute.instanceType": r.compute.instanceType,
		"compute.spot": false,
		"hourly_on_demand": r.cost.hourlyOnDemand,
		"hourly_spot": r.cost.hourlySpot,
		"instances": r.cost.instances,
		"hours_per_month": r.cost.hoursPerMonth,
		"min_monthly_savings": _min_monthly_savings,
	},
} if {
	some c in _candidates
	r := c.resource
	workload := c.work
	saving := cost.spot_monthly_saving(r)
	saving > 0
	saving >= _min_monthly_savings
	message := concat("", [
		r.address, " runs ", c.label, " on on-demand ", _machines(r),
		"; spot would save ", money.usd(saving), "/month (on-demand ", money.per_hour(r.cost.hourlyOnDemand),
		" vs spot ", money.per_hour(r.cost.hourlySpot), ")", _how(r),
	])
}

# In the nightly report, one recommendation per billed training or batch resource that ran at on-demand
# prices, with its monthly on-demand spend × the provider's spot discount as the saving.
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

# _machines(r): "g5.12xlarge ×3".
_machines(r) := concat("", [_type(r), " ×", format_int(r.cost.instances, 10)])

_type(r) := r.compute.instanceType if is_string(r.compute.instanceType)

_type(r) := "instances" if not is_string(r.compute.instanceType)

# _spot_discount(provider): the configured fraction for the provider; undefined when none is configured.
_spot_discount(_) := d if {
	d := config.param("TG-SAV-SPOT", "spot_discount")
	is_number(d)
}

_spot_discount(provider) := d if {
	d := config.param("TG-SAV-SPOT", "spot_discount")[provider]
	is_number(d)
}

# In the nightly report: billed training and batch work at on-demand prices, with what spot would save.
_billed_offers := [{
	"u": u, "work": w, "discount": d, "on_demand": on_demand, "saving": on_demand * d,
	"percent_off": _percent_off[u.provider], "assumption": _assumption[u.provider],
} |
	some u in billing_usage.offered
	u.cost.standard > 0
	w := billing_usage.work(u)
	d := _spot_discount(u.provider)
	on_demand := billing_usage.monthly(u.cost.standard)
]

_billed_evidence(o) := {
	"source": "billing",
	"provider": o.u.provider,
	"service": o.u.service,
	"workload": o.work.workload,
	"because": o.work.because,
	"pricing_category": "Standard",
	"on_demand_in_window": o.u.cost.standard,
	"days_with_data": billing_usage.days,
	"monthly_on_demand": money.rounded(o.on_demand),
	"spot_discount": o.discount,
	"assumption": o.assumption,
}

# What depends only on the provider is worded once per provider, not once per billed resource.
_providers contains u.provider if some u in billing_usage.offered

_percent_off[p] := money.percent(_spot_discount(p)) if some p in _providers

_assumption[p] := concat("", [
	"spot capacity ", pct, " cheaper than on-demand (the rule's spot_discount parameter) ",
	"and jobs that checkpoint and resume",
]) if {
	some p, pct in _percent_off
}

_billed_message(o) := concat("", [
	o.u.resource, " runs ", o.work.workload, " work (", o.work.because, ") on on-demand ", billing_usage.machine(o.u), ": ",
	billing_usage.amount(o.on_demand), "/month at PricingCategory Standard over the last ", format_int(billing_usage.days, 10),
	" days; spot capacity (", o.percent_off, " off assumed) would save about ", billing_usage.amount(o.saving), "/month",
])
