package tollgate.rules.savings["TG-SAV-QUANT_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage_test as billing
import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.savings["TG-SAV-QUANT"] as rule

# Prices and memory as in the built-in catalog for us-central1 (2026-09-08 snapshot).
_offer(type, accelerator, n, gib, price) := {
	"cloud": "gcp", "region": "us-central1", "instance_type": type, "accelerator": accelerator,
	"accelerator_count": n, "accelerator_memory_gib": gib, "hourly_usd": price,
}

_catalog := {"as_of": "2026-09-08", "source": "test", "offers": [
	_offer("a2-ultragpu-2g", "A100", 2, 80, 10.1376),
	_offer("g2-standard-96", "L4", 8, 24, 8.00326),
	_offer("g2-standard-48", "L4", 4, 24, 4.00163),
	_offer("g2-standard-24", "L4", 2, 24, 2.00081),
]}

_version(evaluations) := {
	"version": "2",
	"artifact": {"uri": "gs://m/2", "digest": fx.digest_new},
	"parameters": 70000000000,
	"precision": "fp16",
	"evaluations": evaluations,
	"deployments": [{
		"resource": "google_vertex_ai_endpoint.assistant", "environment": "prod", "platform": "vertex",
		"region": "us-central1", "instance_type": "a2-ultragpu-2g", "replicas": 2,
	}],
}

_recommendations(tier, evaluations, config) := found if {
	model := object.union(fx.model(tier, [_version(evaluations)]), {"id": "assistant"})
	found := rule.recommendations with input as object.union(fx.inventory_input([model]), {"catalog": _catalog})
		with data.tollgate.config as config
}

_by_target(recs) := {r.evidence.target_precision: r | some r in recs}

test_fp16_70b_fits_int4_on_cheaper_accelerator if {
	recs := _by_target(_recommendations("limited", [], {}))
	r := recs.int4

	# 2 replicas × 730 h × ($10.1376 − $2.00081)/h
	r.monthly_savings_usd == 11879.71
	r.evidence.recommended.instance_type == "g2-standard-24"
	r.evidence.requires_evaluation == true
	endswith(r.message, "requires evaluation: no passed quality evaluation of the int4 variant is recorded")
	recs.int8.evidence.recommended.instance_type == "g2-standard-48"
}

test_evaluated_variant_does_not_require_evaluation if {
	recs := _by_target(_recommendations("limited", [{"kind": "accuracy", "passed": true, "date": "2026-10-01", "precision": "int4"}], {}))
	recs.int4.evidence.requires_evaluation == false
	contains(recs.int4.message, "$8.14/h)")
}

test_high_risk_floor_stops_at_int8 if {
	recs := _by_target(_recommendations("high", [], {}))
	object.keys(recs) == {"int8"}
}

test_configured_floor_forbids_quantization if {
	count(_recommendations("limited", [], {"rules": {"TG-SAV-QUANT": {"parameters": {"precision_floor": {"limited": "fp16"}}}}})) == 0
}

test_larger_overhead_needs_more_memory if {
	# 2.0 × 32.6 GiB of int4 weights is 65.2 GiB: more than two L4s hold.
	recs := _by_target(_recommendations("limited", [], {"rules": {"TG-SAV-QUANT": {"parameters": {"overhead_factor": 2}}}}))
	recs.int4.evidence.recommended.instance_type == "g2-standard-48"
}

test_model_that_fits_cheaper_at_own_precision_is_not_quantization if {
	small := object.union(fx.model("limited", [object.union(_version([]), {"parameters": 1000000000})]), {"id": "assistant"})
	count(rule.recommendations) == 0 with input as object.union(fx.inventory_input([small]), {"catalog": _catalog})
}

test_unpriced_deployment_gets_no_recommendation if {
	model := object.union(fx.model("limited", [_version([])]), {"id": "assistant"})
	count(rule.recommendations) == 0 with input as fx.inventory_input([model])
}

# Billed 3,000 in 30 days = 3,041.67 a month for the endpoint; int4 on g2-standard-24 saves
# (10.1376 − 2.00081) / 10.1376 of it = 2,441.35, int8 on g2-standard-48 saves (10.1376 − 4.00163) / 10.1376 = 1,841.03.
test_billed_quantization_saves_a_share_of_the_spend if {
	model := object.union(fx.model("limited", [_version([])]), {"id": "assistant"})
	billed := object.union(billing.billed("google_vertex_ai_endpoint.assistant", {}, {"standard": 3000}, 30, 100), {"provider": "gcp"})
	given := object.union_n([fx.inventory_input([model]), {"catalog": _catalog}, billing.report_input(billing.usage(30, [billed], []))])
	recs := _by_target(rule.recommendations) with input as given
	recs.int4.monthly_savings_usd == 2441.35
	recs.int8.monthly_savings_usd == 1841.03
	recs.int4.evidence.matched_by == "resource id"
	recs.int4.evidence.source == "billing"
	contains(recs.int4.message, "was billed $3,041.67/month (matched by resource id); at int4 it needs")
}
