# METADATA
# description: |
#   The nightly report's billed spend per resource and per commitment (input.report.usage, summed over the
#   last days by src/prepare/report-usage.ts) as the savings rules read it: monthly run rates from the
#   window's sums, the work a billed resource does (from its tags and resource type), on-demand coverage by
#   commitments, and the join of inventory deployments to the spend of the same resource or model.
#   Outside the report there is no usage: every rule reads empty lists.
package tollgate.lib.billing_usage

import data.tollgate.lib.models
import data.tollgate.lib.money

_usage := object.get(input, ["report", "usage"], {})

# METADATA
# scope: document
# description: resources is every billed resource of the window; empty outside the report.
default resources := []

resources := object.get(_usage, "resources", []) if input.subject == "report"

# METADATA
# scope: document
# description: commitments is every commitment the window's rows name; empty outside the report.
default commitments := []

commitments := object.get(_usage, "commitments", []) if input.subject == "report"

# METADATA
# description: days is how many days of the window the history has spend for, the denominator of run rates.
days := _usage.days_with_data

# METADATA
# description: days_per_month is 730 hours (the pricing default) in days.
days_per_month := 730 / 24

# METADATA
# description: monthly(x) is a sum over the window as a monthly run rate; undefined without days of data.
monthly(x) := (x * days_per_month) / days if days > 0

# METADATA
# description: on_demand_hours(u) is how many hours a month u ran on on-demand prices (days with on-demand spend, scaled to 730 h).
on_demand_hours(u) := round((u.standard_days * 730) / days) if days > 0

# METADATA
# description: total(u) is u's spend in the window at every pricing category.
total(u) := ((u.cost.standard + u.cost.dynamic) + u.cost.committed) + u.cost.other

# METADATA
# scope: document
# description: >-
#   offered is the billed resources this evaluation makes per-resource offers for (commitment, spot): every
#   resource, except in the report's whole-input evaluation when the engine judges them in slices
#   (tollgate/report_decision), where it is empty.
default offered := []

offered := object.get(_usage, "resources", []) if input.subject == "report"

# Each provider's window sums: as prepare states them (input.report.usage.providers, what an evaluation over a
# slice of the resources needs), else summed here. Not object.get with _summed as its default: a default
# argument is evaluated whether used or not, and summing every provider over every resource is a tenth of
# a slice's time.
_provider_sums := _usage.providers if {
	is_object(_usage.providers)
} else := _summed

_summed[p] := {"committed": sum(committed), "standard": sum(standard)} if {
	some p in {u.provider | some u in resources}
	committed := [u.cost.committed | some u in resources; u.provider == p]
	standard := [u.cost.standard | some u in resources; u.provider == p]
}

# METADATA
# description: >-
#   coverage_percent(provider) is the share of the provider's on-demand-eligible spend (on-demand plus
#   committed) that commitments covered in the window, percent with one decimal; undefined with none.
coverage_percent(provider) := round((s.committed * 1000) / (s.committed + s.standard)) / 10 if {
	s := _provider_sums[provider]
	s.committed + s.standard > 0
}

# METADATA
# description: amount(x) shows x in the report's currency ("$1,234.50", "1,234.50 CHF").
amount(x) := money.amount(x, object.get(input, ["report", "currency"], "USD"))

_lowered_tags(u) := {lower(k): lower(v) | some k, v in u.tags; is_string(v)}

_serving(t) if t.workload in {"serving", "inference"}

_serving(t) if t["latency-critical"] == "true"

# METADATA
# description: >-
#   work(u) is {workload: "training" | "batch", because} for billed work that can resume after an
#   interruption: tag workload = training or batch, else a resource type or id that names a training job
#   (SageMaker "Training Job", ".../training-job/..."); undefined for serving (tag workload = serving or
#   inference, or latency-critical = true) and for anything else.
work(u) := w if {
	t := _lowered_tags(u)
	not _serving(t)
	w := _work(u, t)
}

_work(u, t) := {"workload": t.workload, "because": concat("", ["tag workload = \"", t.workload, "\""])} if {
	t.workload in {"training", "batch"}
} else := {"workload": "training", "because": concat("", ["resource type \"", u.resource_type, "\""])} if {
	contains(lower(object.get(u, "resource_type", "")), "training")
} else := {"workload": "training", "because": "its resource id names a training job"} if {
	contains(lower(u.resource), "training-job")
}

# METADATA
# description: interruptible(u) holds when work(u) is defined.
interruptible(u) if work(u)

# METADATA
# scope: document
# description: machine(u) names what u runs in messages, the instance type, else the SKU, else the service.
machine(u) := u.instance_type if is_string(u.instance_type)

machine(u) := u.sku if {
	not is_string(u.instance_type)
	is_string(u.sku)
}

machine(u) := object.get(u, "service", "capacity") if {
	not is_string(u.instance_type)
	not is_string(u.sku)
}

# The billed resources by resource id and by model reference, built once: a deployment's spend is a look-up,
# not a walk over every billed resource (reports have tens of thousands).
_with_id[u.resource] contains u if some u in resources

_with_model[[u.model.id, u.model.version, u.provider]] contains u if {
	some u in resources
	is_object(u.model)
}

# METADATA
# description: >-
#   spend_keys is every key spend_of looks billed resources up by: {"resources": each inventory deployment's
#   resource, "models": each one's [model, version, cloud]}. A billed resource whose id and [model.id,
#   model.version, provider] are none of them is never read by spend_of.
spend_keys := {
	"resources": {d.resource | some d in models.deployments},
	"models": {[d.model, d.version, d.cloud] | some d in models.deployments},
}

_by_resource(d) := _with_id[d.resource]

# The model version's deployments in d's cloud: its spend is d's only when d is the one.
_siblings(d) := [x | some x in models.deployments; x.model == d.model; x.version == d.version; x.cloud == d.cloud]

_by_model(d) := _with_model[[d.model, d.version, d.cloud]]

# METADATA
# description: >-
#   spend_of(d) is the billed spend of inventory deployment d: {monthly, resources, matched_by}, from the
#   resources whose id is d's resource, else (when d is its model version's only deployment in its cloud) the
#   resources tagged with d's model reference; undefined when nothing matches or no day has data.
spend_of(d) := _spend(matched, "resource id") if {
	matched := _by_resource(d)
	count(matched) > 0
} else := _spend(matched, "model tag") if {
	count(_siblings(d)) == 1
	matched := _by_model(d)
	count(matched) > 0
}

_spend(matched, how) := {
	"monthly": monthly(sum([total(u) | some u in matched])),
	"resources": sort([u.resource | some u in matched]),
	"matched_by": how,
}
