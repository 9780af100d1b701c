package tollgate.lib.billing_usage_test

import data.tollgate.lib.billing_usage

# usage(day_count, resources, commitments) is input.report.usage with days_with_data = day_count.
usage(day_count, resources, commitments) := {
	"from": "2026-03-01", "to": "2026-03-30", "days_with_data": day_count,
	"resources": resources, "commitments": commitments,
}

# billed(id, tags, cost, standard_days, min_daily) is one billed resource (AWS, us-east-1, g5.12xlarge).
billed(id, tags, cost, standard_days, min_daily) := {
	"resource": id, "provider": "aws", "service": "Amazon Elastic Compute Cloud", "service_category": "Compute",
	"region": "us-east-1", "resource_type": "Virtual Machine", "sku": "g5.12xlarge", "instance_type": "g5.12xlarge",
	"tags": tags, "model": null, "cost": object.union({"standard": 0, "dynamic": 0, "committed": 0, "other": 0}, cost),
	"standard_days": standard_days, "min_daily_standard": min_daily,
}

# report_input(u) is a report input with usage u.
report_input(u) := {"subject": "report", "context": {"now": "2026-03-31T06:00:00Z"}, "resources": [], "report": {"currency": "USD", "usage": u}}

test_monthly_scales_the_window_to_730_hours if {
	# 600 over 30 days → 600 × 730 / 24 / 30
	billing_usage.monthly(600) == (600 * (730 / 24)) / 30 with input as report_input(usage(30, [], []))
}

test_no_usage_outside_the_report if {
	billing_usage.resources == [] with input as {"subject": "plan", "report": {"usage": usage(30, [billed("i-1", {}, {}, 0, null)], [])}}
}

test_on_demand_hours_scale_days_to_730 if {
	billing_usage.on_demand_hours(billed("i-1", {}, {}, 15, 1)) == 365 with input as report_input(usage(30, [], []))
}

test_coverage_is_committed_over_eligible if {
	resources := [billed("i-1", {}, {"committed": 25}, 0, null), billed("i-2", {}, {"standard": 75}, 3, 25)]
	billing_usage.coverage_percent("aws") == 25 with input as report_input(usage(30, resources, []))
}

test_work_from_workload_tag_and_training_job if {
	w := billing_usage.work(billed("i-1", {"Workload": "Batch"}, {}, 0, null))
	w == {"workload": "batch", "because": "tag workload = \"batch\""}
	j := billing_usage.work(object.union(billed("arn:x:training-job/a", {}, {}, 0, null), {"resource_type": "Training Job"}))
	j.workload == "training"
	k := billing_usage.work(object.union(billed("arn:aws:sagemaker:r:1:training-job/a", {}, {}, 0, null), {"resource_type": null}))
	k.because == "its resource id names a training job"
}

test_serving_is_never_interruptible if {
	not billing_usage.interruptible(billed("i-1", {"workload": "batch", "latency-critical": "true"}, {}, 0, null))
	not billing_usage.interruptible(billed("i-1", {"workload": "inference"}, {}, 0, null))
}

test_machine_names_instance_type_then_sku_then_service if {
	billing_usage.machine(billed("i-1", {}, {}, 0, null)) == "g5.12xlarge"
	billing_usage.machine(object.union(billed("i-1", {}, {}, 0, null), {"instance_type": null})) == "g5.12xlarge"
	billing_usage.machine(object.union(billed("i-1", {}, {}, 0, null), {"instance_type": null, "sku": null})) == "Amazon Elastic Compute Cloud"
}

test_amount_in_the_report_currency if {
	billing_usage.amount(1234.5) == "1,234.50 CHF" with input as {"report": {"currency": "CHF"}}
}

_deployment(resource) := {
	"model": "chat", "version": "2", "resource": resource, "cloud": "aws",
	"environment": "prod", "platform": "sagemaker", "region": "us-east-1",
}

_inventory(deployments) := {"models": [{
	"id": "chat", "owner_team": "a", "risk_tier": "limited",
	"versions": [{"version": "2", "artifact": {"uri": "s3://m", "digest": "sha256:1"}, "deployments": deployments}],
}]}

test_spend_of_joins_by_resource_id if {
	resources := [billed("arn:endpoint/chat", {}, {"committed": 1800}, 0, null)]
	spend := billing_usage.spend_of(_deployment("arn:endpoint/chat")) with input as report_input(usage(30, resources, []))
	spend == {"monthly": 1825, "resources": ["arn:endpoint/chat"], "matched_by": "resource id"}
}

test_spend_of_joins_by_model_tag_for_the_only_deployment if {
	tagged := object.union(billed("i-9", {}, {"standard": 300}, 30, 10), {"model": {"id": "chat", "version": "2"}})
	given := object.union(report_input(usage(30, [tagged], [])), {"inventory": _inventory([_deployment("x")])})
	spend := billing_usage.spend_of(_deployment("x")) with input as given
	spend.matched_by == "model tag"
	spend.resources == ["i-9"]
}

test_spend_of_model_tag_is_not_split_between_deployments if {
	tagged := object.union(billed("i-9", {}, {"standard": 300}, 30, 10), {"model": {"id": "chat", "version": "2"}})
	two := [_deployment("x"), object.union(_deployment("y"), {"region": "us-west-2"})]
	given := object.union(report_input(usage(30, [tagged], [])), {"inventory": _inventory(two)})
	not billing_usage.spend_of(_deployment("x")) with input as given
}

test_coverage_reads_the_prepared_provider_sums if {
	# A slice holds one resource; the prepared sums are the whole report's: 25 / (25 + 75).
	u := object.union(usage(30, [billed("i-2", {}, {"standard": 75}, 3, 25)], []), {"providers": {"aws": {"committed": 25, "standard": 75}}})
	billing_usage.coverage_percent("aws") == 25 with input as report_input(u)
	not billing_usage.coverage_percent("gcp") with input as report_input(u)
}

test_offered_is_every_billed_resource_of_the_report if {
	resources := [billed("i-1", {}, {"standard": 75}, 3, 25), billed("i-2", {}, {"standard": 5}, 1, 5)]
	billing_usage.offered == resources with input as report_input(usage(30, resources, []))
	billing_usage.offered == [] with input as {"subject": "plan", "report": {"usage": usage(30, resources, [])}}
}

test_spend_of_by_resource_id_gathers_every_provider_row if {
	resources := [billed("arn:endpoint/chat", {}, {"committed": 600}, 0, null), billed("i-other", {}, {"standard": 900}, 30, 30)]
	spend := billing_usage.spend_of(_deployment("arn:endpoint/chat")) with input as report_input(usage(30, resources, []))
	spend.resources == ["arn:endpoint/chat"]
	spend.monthly == (600 * (730 / 24)) / 30
}

test_spend_keys_are_each_deployments_resource_and_model_reference if {
	two := [_deployment("arn:endpoint/chat"), object.union(_deployment("y"), {"region": "us-west-2", "cloud": "gcp"})]
	given := object.union(report_input(usage(30, [], [])), {"inventory": _inventory(two)})
	billing_usage.spend_keys == {"resources": {"arn:endpoint/chat", "y"}, "models": {["chat", "2", "aws"], ["chat", "2", "gcp"]}} with input as given
}

test_spend_keys_without_an_inventory_are_empty if {
	billing_usage.spend_keys == {"resources": set(), "models": set()} with input as report_input(usage(30, [], []))
}
