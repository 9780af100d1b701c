# METADATA
# title: Under-used GPU deployments are scaled down or moved to a smaller accelerator
# description: >-
#   A serving deployment whose observed GPU utilization (the inventory's `gpu_utilization`, percent) stays
#   under a threshold pays for accelerators it does not use. With several replicas the rule recommends the
#   fewest replicas that would run at the target utilization; with one it recommends the cheapest
#   instance type in the same cloud and region whose accelerator memory still holds what the deployment
#   uses (observed GPU memory, else the model's weights with the TG-SAV-QUANT overhead). Each
#   recommendation states the monthly saving from the price catalog.
#   In the nightly report, a deployment whose billed spend is known (a resource id equal to the deployment's
#   resource, else the resources tagged with its model reference when it is the model version's only
#   deployment in its cloud) gets the same recommendation with the saving from that spend: its monthly spend
#   × the share of replicas removed, or × the hourly price difference of the smaller instance type.
# custom:
#   id: TG-SAV-IDLE
#   severity: info
#   enforcement: warn
#   remediation: >-
#     Lower the replica count (or the autoscaler's minimum), or move the deployment to the recommended
#     instance type; check latency targets at the higher utilization first.
#   parameters:
#     max_utilization_percent:
#       description: Deployments under this average GPU utilization are under-used.
#       default: 30
#     target_utilization_percent:
#       description: Utilization the recommended replica count would run at.
#       default: 60
package tollgate.rules.savings["TG-SAV-IDLE"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage
import data.tollgate.lib.config
import data.tollgate.lib.messages
import data.tollgate.lib.models
import data.tollgate.lib.models_offers
import data.tollgate.lib.money

_threshold := config.param("TG-SAV-IDLE", "max_utilization_percent")

_target := config.param("TG-SAV-IDLE", "target_utilization_percent")

# Under-used deployments on a priced accelerator instance.
_idle := [{"deployment": d, "current": current} |
	some d in models.deployments
	is_number(d.gpu_utilization)
	d.gpu_utilization < _threshold
	is_number(d.replicas)
	d.replicas > 0
	current := models_offers.offer_for(models_offers.offers, d)
]

# needed(d) is the fewest replicas that carry the observed load at the target utilization, at least one.
_needed(d) := max({1, ceil((d.replicas * d.gpu_utilization) / _target)})

_evidence(d, current) := {
	"model": d.model,
	"version": d.version,
	"gpu_utilization": d.gpu_utilization,
	"gpu_memory_utilization": d.gpu_memory_utilization,
	"max_utilization_percent": _threshold,
	"target_utilization_percent": _target,
	"replicas": d.replicas,
	"hours_per_month": d.hours_per_month,
	"current": current,
}

# Memory a single replica must keep: what it is observed to use, else the model's weights with overhead.
_in_use(d, current) := (models_offers.memory_gib(current) * d.gpu_memory_utilization) / 100 if is_number(d.gpu_memory_utilization)

_in_use(d, _) := models.memory_gib(v.parameters, v.precision, config.param("TG-SAV-QUANT", "overhead_factor")) if {
	not is_number(d.gpu_memory_utilization)
	v := models.version_entry(d)
}

# METADATA
# scope: document
# description: >-
#   Recommendations of this rule, one per under-used GPU deployment, to scale it down or move it to a smaller
#   accelerator, with the monthly saving in USD.
recommendations contains {
	"resource": d.resource,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": object.union(_evidence(d, i.current), {"recommended_replicas": needed}),
} if {
	some i in _idle
	d := i.deployment
	not billing_usage.spend_of(d)
	needed := _needed(d)
	needed < d.replicas
	saving := ((d.replicas - needed) * d.hours_per_month) * i.current.hourly_usd
	message := sprintf("%s runs %d × %s at %s%% average GPU utilization; %d replica(s) would run at about %s%%: %s/month less", [
		d.resource, d.replicas, i.current.instance_type, messages.show(d.gpu_utilization), needed,
		messages.show(round((d.replicas * d.gpu_utilization) / needed)), money.usd(saving),
	])
}

recommendations contains {
	"resource": d.resource,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": object.union(_evidence(d, i.current), {"recommended": smaller, "memory_in_use_gib": money.rounded(in_use)}),
} if {
	some i in _idle
	d := i.deployment
	not billing_usage.spend_of(d)
	_needed(d) == d.replicas
	in_use := _in_use(d, i.current)
	smaller := models_offers.offer_named(
		models_offers.offers, d,
		models_offers.cheapest_holding(models_offers.offers, d, in_use, i.current.hourly_usd),
	)
	saving := (d.replicas * d.hours_per_month) * (i.current.hourly_usd - smaller.hourly_usd)
	message := sprintf("%s runs %s at %s%% average GPU utilization using %s GiB of accelerator memory; %s (%d × %s) holds it: %s/month less", [
		d.resource, i.current.instance_type, messages.show(d.gpu_utilization), messages.show(round(in_use * 10) / 10),
		smaller.instance_type, smaller.accelerator_count, smaller.accelerator, money.usd(saving),
	])
}

# In the nightly report, one recommendation per under-used GPU deployment whose billed spend is known, with
# the saving as that spend × the share of cost the change removes.
recommendations contains {
	"resource": d.resource,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": object.union_n([_evidence(d, i.current), change.evidence, {
		"source": "billing",
		"monthly_spend": money.rounded(spend.monthly),
		"billed_resources": spend.resources,
		"matched_by": spend.matched_by,
		"share_saved": money.rounded(change.share),
		"assumption": "the saving is the billed spend × the share of instance-hours (or of the hourly price) the change removes, at catalog prices",
	}]),
} if {
	some i in _idle
	d := i.deployment
	spend := billing_usage.spend_of(d)
	change := _change(d, i.current)
	saving := spend.monthly * change.share
	saving > 0
	message := sprintf("%s (%s) runs at %s%% average GPU utilization and was billed %s/month (matched by %s); %s: about %s/month less", [
		d.resource, models.label(d), messages.show(d.gpu_utilization), billing_usage.amount(spend.monthly), spend.matched_by,
		change.what, billing_usage.amount(saving),
	])
}

# _change(d, current): what the catalog says the deployment can drop, as a share of its cost.
_change(d, _) := {
	"share": (d.replicas - needed) / d.replicas,
	"what": sprintf("%d replica(s) instead of %d would run at about %s%%", [needed, d.replicas, messages.show(round((d.replicas * d.gpu_utilization) / needed))]),
	"evidence": {"recommended_replicas": needed},
} if {
	needed := _needed(d)
	needed < d.replicas
}

_change(d, current) := {
	"share": (current.hourly_usd - smaller.hourly_usd) / current.hourly_usd,
	"what": sprintf("%s (%d × %s) holds its %s GiB in use", [
		smaller.instance_type, smaller.accelerator_count, smaller.accelerator, messages.show(round(in_use * 10) / 10),
	]),
	"evidence": {"recommended": smaller, "memory_in_use_gib": money.rounded(in_use)},
} if {
	_needed(d) == d.replicas
	in_use := _in_use(d, current)
	smaller := models_offers.offer_named(
		models_offers.offers, d,
		models_offers.cheapest_holding(models_offers.offers, d, in_use, current.hourly_usd),
	)
}
