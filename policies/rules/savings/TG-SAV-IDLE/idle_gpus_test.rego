package tollgate.rules.savings["TG-SAV-IDLE_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage_test as billing
import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.savings["TG-SAV-IDLE"] as rule

_offer(type, n, price) := {
	"cloud": "gcp", "region": "europe-west4", "instance_type": type, "accelerator": "L4",
	"accelerator_count": n, "accelerator_memory_gib": 24, "hourly_usd": price,
}

_catalog := {"as_of": "2026-09-08", "source": "test", "offers": [
	_offer("g2-standard-4", 1, 0.7828), _offer("g2-standard-8", 1, 0.9399), _offer("g2-standard-24", 2, 2.203),
]}

_record(type, replicas, utilization, memory) := {
	"resource": "kserve/growth/churn", "environment": "prod", "platform": "kserve", "cloud": "gcp",
	"region": "europe-west4", "instance_type": type, "replicas": replicas,
	"gpu_utilization": utilization, "gpu_memory_utilization": memory,
}

_recommendations(record) := found if {
	v := object.union(fx.version([], [], [record]), {"parameters": 350000000})
	found := rule.recommendations with input as object.union(fx.inventory_input([fx.model("minimal", [v])]), {"catalog": _catalog})
}

test_idle_replicas_are_scaled_down if {
	[r] := [r | some r in _recommendations(_record("g2-standard-8", 4, 9, 12))]

	# 3 replicas fewer × 730 h × $0.9399/h
	r.monthly_savings_usd == 2058.38
	r.evidence.recommended_replicas == 1
	r.message == "kserve/growth/churn runs 4 × g2-standard-8 at 9% average GPU utilization; 1 replica(s) would run at about 36%: $2,058.38/month less"
}

test_single_idle_replica_moves_to_smaller_instance if {
	[r] := [r | some r in _recommendations(_record("g2-standard-24", 1, 10, 20))]
	r.evidence.recommended.instance_type == "g2-standard-4"
	r.monthly_savings_usd == 1036.75
}

test_single_idle_replica_uses_weights_when_memory_unobserved if {
	[r] := [r | some r in _recommendations(object.remove(_record("g2-standard-24", 1, 10, 0), ["gpu_memory_utilization"]))]
	r.evidence.memory_in_use_gib == 1.56
}

test_busy_deployment_passes if {
	count(_recommendations(_record("g2-standard-8", 4, 55, 60))) == 0
}

test_threshold_is_exclusive if {
	count(_recommendations(_record("g2-standard-8", 4, 30, 60))) == 0
}

_billed_input(record) := object.union_n([
	fx.inventory_input([fx.model("minimal", [object.union(fx.version([], [], [record]), {"parameters": 350000000})])]),
	{"catalog": _catalog},
	billing.report_input(billing.usage(30, [object.union(billing.billed("kserve/growth/churn", {}, {"standard": 3000}, 30, 100), {"provider": "gcp"})], [])),
])

# Billed 3,000 in 30 days = 3,041.67 a month; 1 of 4 replicas would do, so 3/4 of it is saved: 2,281.25.
test_billed_idle_replicas_save_a_share_of_their_spend if {
	[r] := [r | some r in rule.recommendations] with input as _billed_input(_record("g2-standard-8", 4, 9, 12))
	r.monthly_savings_usd == 2281.25
	r.evidence.matched_by == "resource id"
	r.evidence.monthly_spend == 3041.67
	r.evidence.recommended_replicas == 1
	r.message == concat("", [
		"kserve/growth/churn (fraud@7) runs at 9% average GPU utilization and was billed $3,041.67/month (matched by resource id);",
		" 1 replica(s) instead of 4 would run at about 36%: about $2,281.25/month less",
	])
}

# One replica moves from g2-standard-24 ($2.203/h) to g2-standard-4 ($0.7828/h): 3,041.67 × 1.4202 / 2.203 = 1,960.86.
test_billed_single_idle_replica_saves_the_price_share if {
	[r] := [r | some r in rule.recommendations] with input as _billed_input(_record("g2-standard-24", 1, 10, 20))
	r.evidence.recommended.instance_type == "g2-standard-4"
	r.monthly_savings_usd == 1960.86
}
