# METADATA
# title: Served models run at the cheapest precision and accelerator that fit them
# description: >-
#   A model's accelerator memory is its weights (parameters × bytes per parameter: fp32 4, bf16/fp16 2,
#   fp8/int8 1, int4 0.5) times an overhead factor for KV cache, activations and runtime. Served at int8 or
#   int4, a model often fits a smaller, cheaper accelerator in the same cloud and region. For each
#   inventory deployment the rule finds, in the price catalog, the cheapest instance type that holds the
#   model at int8 and at int4 and recommends it with the monthly saving (replicas × hours × hourly price
#   difference). A precision the risk tier's floor forbids is never recommended; a quantized variant with no
#   passed quality evaluation recorded is recommended as "requires evaluation".
#   In the nightly report, a deployment whose billed spend is known (as TG-SAV-IDLE joins it) gets the saving
#   from that spend: its monthly spend × the share of the hourly price the cheaper instance type saves.
# custom:
#   id: TG-SAV-QUANT
#   severity: info
#   enforcement: warn
#   remediation: >-
#     Quantize the model (AWQ, GPTQ, bitsandbytes, FP8 in TensorRT-LLM or vLLM), evaluate the quantized variant
#     against the full-precision one and record the result as an evaluation with its `precision`, then move
#     the deployment to the recommended instance type.
#   parameters:
#     overhead_factor:
#       description: >-
#         Memory needed per byte of weights: 1.2 leaves 20% for KV cache, activations and the CUDA context
#         (raise it for long contexts or large batches).
#       default: 1.2
#     precision_floor:
#       description: Lowest precision recommended per risk tier.
#       default: {minimal: int4, limited: int4, high: int8}
#     min_monthly_savings:
#       description: Smallest monthly saving (USD) worth recommending.
#       default: 50
package tollgate.rules.savings["TG-SAV-QUANT"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage
import data.tollgate.lib.config
import data.tollgate.lib.messages
import data.tollgate.lib.models
import data.tollgate.lib.models_offers
import data.tollgate.lib.money

_overhead := config.param("TG-SAV-QUANT", "overhead_factor")

_floors := config.param("TG-SAV-QUANT", "precision_floor")

_min_saving := config.param("TG-SAV-QUANT", "min_monthly_savings")

_targets := ["int8", "int4"]

# _allowed(sizes, lowest, precision, target): target is smaller than precision and not below the tier's floor
# (a tier without a floor, such as prohibited, gets no recommendation).
_allowed(sizes, lowest, precision, target) if {
	sizes[target] < sizes[precision]
	sizes[target] >= sizes[lowest]
}

# _enabled_by_quantization(d, version, cheaper): the cheaper offer is one the model cannot use at its own
# precision, and nothing as cheap holds it at that precision either; otherwise the saving is rightsizing, not
# quantization (TG-SAV-IDLE covers under-used accelerators).
_enabled_by_quantization(d, version, cheaper) if {
	own := models.memory_gib(version.parameters, version.precision, _overhead)
	not models_offers.cheapest_holding(models_offers.offers, d, own, cheaper.hourly_usd + 0.0001)
}

# _evaluated(version, target): a passed evaluation of the quantized variant is recorded.
_evaluated(version, target) if {
	some e in object.get(version, "evaluations", [])
	e.precision == target
	e.passed == true
}

_evaluation_note(version, target) := "" if _evaluated(version, target)

_evaluation_note(version, target) := sprintf("; requires evaluation: no passed quality evaluation of the %s variant is recorded", [
	target,
]) if {
	not _evaluated(version, target)
}

# Every deployment of a sized inventory version on a priced accelerator, with each precision it may move to.
_options := [option |
	some d in models.deployments
	models.known(d)
	version := models.version_entry(d)
	is_number(object.get(version, "parameters", null))
	is_string(object.get(version, "precision", null))
	is_number(d.replicas)
	current := models_offers.offer_for(models_offers.offers, d)
	some target in _targets
	_allowed(models.precision_bits, _floors[models.model_of(d).risk_tier], version.precision, target)
	need := models.memory_gib(version.parameters, target, _overhead)
	cheaper := models_offers.offer_named(models_offers.offers, d, models_offers.cheapest_holding(models_offers.offers, d, need, current.hourly_usd))
	_enabled_by_quantization(d, version, cheaper)
	option := {
		"deployment": d,
		"version": version,
		"target": target,
		"need": need,
		"current": current,
		"cheaper": cheaper,
		"saving": (d.replicas * d.hours_per_month) * (current.hourly_usd - cheaper.hourly_usd),
	}
]

# METADATA
# scope: document
# description: >-
#   Recommendations of this rule, one per served model that fits a cheaper accelerator at a lower precision,
#   with the monthly saving in USD.
recommendations contains {
	"resource": o.deployment.resource,
	"message": message,
	"monthly_savings_usd": money.rounded(o.saving),
	"evidence": _evidence(o),
} if {
	some o in _options
	not billing_usage.spend_of(o.deployment)
	money.at_least(o.saving, _min_saving)
	message := concat("", [
		o.deployment.resource, " serves ", models.label(o.deployment), " (", _size(o.version), ", ",
		o.version.precision, ", ", _gib(models.memory_gib(o.version.parameters, o.version.precision, _overhead)), " GiB with overhead) on ",
		_machines(o.deployment.replicas, o.current), "; at ", o.target, " it needs ", _gib(o.need), " GiB and fits ",
		_machine(o.cheaper), ": ", money.usd(o.saving), "/month less (", format_int(o.deployment.replicas, 10), " replicas × ",
		messages.show(o.deployment.hours_per_month), " h × ", money.per_hour(o.current.hourly_usd - o.cheaper.hourly_usd), ")",
		_evaluation_note(o.version, o.target),
	])
}

# In the nightly report, one recommendation per served model that fits a cheaper accelerator at a lower
# precision and whose billed spend is known, with the saving as that spend × the share of the hourly price saved.
recommendations contains {
	"resource": o.deployment.resource,
	"message": message,
	"monthly_savings_usd": money.rounded(saving),
	"evidence": object.union(_evidence(o), {
		"source": "billing",
		"monthly_spend": money.rounded(spend.monthly),
		"billed_resources": spend.resources,
		"matched_by": spend.matched_by,
		"share_saved": money.rounded(share),
		"assumption": "the saving is the billed spend × the share of the hourly price the cheaper instance type saves, at catalog prices",
	}),
} if {
	some o in _options
	spend := billing_usage.spend_of(o.deployment)
	share := (o.current.hourly_usd - o.cheaper.hourly_usd) / o.current.hourly_usd
	saving := spend.monthly * share
	money.at_least(saving, _min_saving)
	message := concat("", [
		o.deployment.resource, " serves ", models.label(o.deployment), " (", _size(o.version), ", ", o.version.precision,
		") on ", _machine(o.current), " and was billed ", billing_usage.amount(spend.monthly), "/month (matched by ",
		spend.matched_by, "); at ", o.target, " it needs ", _gib(o.need), " GiB and fits ", _machine(o.cheaper), ": about ",
		billing_usage.amount(saving), "/month less", _evaluation_note(o.version, o.target),
	])
}

_evidence(o) := {
	"model": o.deployment.model,
	"version": o.deployment.version,
	"parameters": o.version.parameters,
	"precision": o.version.precision,
	"target_precision": o.target,
	"overhead_factor": _overhead,
	"memory_gib": money.rounded(o.need),
	"current": o.current,
	"recommended": o.cheaper,
	"replicas": o.deployment.replicas,
	"hours_per_month": o.deployment.hours_per_month,
	"requires_evaluation": _evaluation_note(o.version, o.target) != "",
}

_size(version) := sprintf("%sB parameters", [messages.show(round((version.parameters / 1000000000) * 10) / 10)]) if {
	version.parameters >= 1000000000
}

_size(version) := sprintf("%sM parameters", [messages.show(round(version.parameters / 1000000))]) if {
	version.parameters < 1000000000
}

_gib(x) := messages.show(round(x * 10) / 10)

# "2 × a2-ultragpu-2g (2 × A100, 160 GiB, $10.14/h)"
_machines(replicas, o) := concat("", [format_int(replicas, 10), " × ", _machine(o)])

_machine(o) := concat("", [
	o.instance_type, " (", format_int(o.accelerator_count, 10), " × ", o.accelerator, ", ",
	messages.show(models_offers.memory_gib(o)), " GiB, ", money.per_hour(o.hourly_usd), ")",
])
