package tollgate.rules.savings["TG-SAV-SPOT_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage_test as fixtures
import data.tollgate.rules.savings["TG-SAV-SPOT"] as rule

_node_group(address, tags, role, spot, on_demand, spot_price) := {
	"address": address,
	"type": "aws_eks_node_group",
	"kind": "compute",
	"action": "create",
	"provider": "aws",
	"tags": tags,
	"unknown": [],
	"compute": {"role": role, "instanceType": "g5.12xlarge", "spot": spot},
	"cost": {
		"currency": "USD", "monthlyBefore": 0, "monthlyAfter": 12420.72, "monthlyDelta": 12420.72,
		"hourlyOnDemand": on_demand, "hourlySpot": spot_price, "instances": 3, "hoursPerMonth": 730,
		"unpriced": null, "sources": [],
	},
}

_train := _node_group("aws_eks_node_group.train", {}, "node_group", false, 5.672, 2.1)

_meta := {"rules": {"TG-SAV-SPOT": {"parameters": {
	"min_monthly_savings": {"default": 50},
	"spot_discount": {"default": {"aws": 0.18, "gcp": 0.6, "azure": 0.6}},
}}}}

_recommendations(resources) := found if {
	found := rule.recommendations with input as {"resources": resources} with data.tollgate.meta as _meta
		with data.tollgate.config as {}
}

# (5.672 − 2.10) × 3 × 730 = 7,822.68.
test_on_demand_training_node_group_is_recommended if {
	_recommendations([_train]) == {{
		"resource": "aws_eks_node_group.train",
		"message": "aws_eks_node_group.train runs training on on-demand g5.12xlarge ×3; spot would save $7,822.68/month (on-demand $5.67/h vs spot $2.10/h); set capacity_type = \"SPOT\"",
		"monthly_savings_usd": 7822.68,
		"evidence": {
			"workload": "training",
			"because": "its address names \"train\"",
			"compute.instanceType": "g5.12xlarge",
			"compute.spot": false,
			"hourly_on_demand": 5.672,
			"hourly_spot": 2.1,
			"instances": 3,
			"hours_per_month": 730,
			"min_monthly_savings": 50,
		},
	}}
}

test_training_role_is_recommended if {
	r := object.union(_node_group("aws_instance.job", {}, "training", false, 1, 0.5), {"type": "aws_instance"})
	some rec in _recommendations([r])
	rec.evidence.because == "compute.role = \"training\""
	rec.monthly_savings_usd == 1095
	endswith(rec.message, "(on-demand $1.00/h vs spot $0.5000/h); set instance_market_options { market_type = \"spot\" }")
}

test_batch_workload_tag_is_recommended if {
	r := _node_group("aws_eks_node_group.pool", {"Workload": "Batch"}, "node_group", false, 2, 1)
	some rec in _recommendations([r])
	startswith(rec.message, "aws_eks_node_group.pool runs batch jobs on on-demand g5.12xlarge ×3")
}

test_azure_ml_cluster_is_recommended_with_its_setting if {
	r := object.union(_node_group("azurerm_machine_learning_compute_cluster.gpu", {}, "cluster_compute", false, 3, 0.6), {
		"type": "azurerm_machine_learning_compute_cluster",
		"provider": "azure",
		"compute": {"instanceType": null},
	})
	some rec in _recommendations([r])
	rec.message == concat("", [
		"azurerm_machine_learning_compute_cluster.gpu runs batch jobs on on-demand instances ×3; spot would",
		" save $5,256.00/month (on-demand $3.00/h vs spot $0.6000/h); set vm_priority = \"LowPriority\"",
	])
}

test_unknown_type_setting_is_left_out if {
	r := object.union(_train, {"type": "kubernetes_job"})
	some rec in _recommendations([r])
	endswith(rec.message, "vs spot $2.10/h)")
}

test_name_word_must_stand_alone if {
	count(_recommendations([_node_group("aws_eks_node_group.constraint", {}, "node_group", false, 5, 1)])) == 0
}

test_serving_is_never_recommended if {
	count(_recommendations([_node_group("aws_eks_node_group.train", {"workload": "inference"}, "node_group", false, 5, 1)])) == 0
	count(_recommendations([_node_group("aws_eks_node_group.train", {"latency-critical": "true"}, "node_group", false, 5, 1)])) == 0
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "endpoint", false, 5, 1)])) == 0
}

test_notebooks_and_templates_are_not_recommended if {
	count(_recommendations([_node_group("aws_instance.train", {}, "notebook", false, 5, 1)])) == 0
	count(_recommendations([_node_group("aws_launch_template.train", {}, "launch_template", false, 5, 1)])) == 0
}

test_aks_default_pool_is_not_recommended if {
	r := object.union(_train, {"type": "azurerm_kubernetes_cluster"})
	count(_recommendations([r])) == 0
}

test_spot_or_unknown_capacity_is_not_recommended if {
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", true, 5, 1)])) == 0
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", null, 5, 1)])) == 0
}

test_unknown_spot_price_is_not_recommended if {
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", false, 5, null)])) == 0
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", false, null, 1)])) == 0
}

test_unknown_instance_count_is_not_recommended if {
	r := json.patch(_train, [{"op": "replace", "path": "/cost/instances", "value": null}])
	count(_recommendations([r])) == 0
}

test_unpriced_resource_is_not_recommended if {
	count(_recommendations([object.remove(_train, ["cost"])])) == 0
}

# (1.0228 − 1) × 3 × 730 = 49.93: under the default minimum of 50.
test_saving_under_minimum_is_not_recommended if {
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", false, 1.0228, 1)])) == 0
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", false, 1.0229, 1)])) == 1
}

test_configured_minimum_is_used if {
	found := rule.recommendations with input as {"resources": [_train]} with data.tollgate.meta as _meta
		with data.tollgate.config as {"rules": {"TG-SAV-SPOT": {"parameters": {"min_monthly_savings": 10000}}}}
	count(found) == 0
}

test_no_minimum_when_parameter_missing if {
	found := rule.recommendations with input as {"resources": [_node_group("aws_eks_node_group.train", {}, "node_group", false, 1.001, 1)]}
		with data.tollgate.meta as {} with data.tollgate.config as {}
	count(found) == 1
}

test_spot_dearer_than_on_demand_is_not_recommended if {
	count(_recommendations([_node_group("aws_eks_node_group.train", {}, "node_group", false, 1, 2)])) == 0
}

_billed(resources, parameters) := found if {
	found := rule.recommendations with input as fixtures.report_input(fixtures.usage(30, resources, []))
		with data.tollgate.meta as _meta
		with data.tollgate.config as {"rules": {"TG-SAV-SPOT": {"parameters": parameters}}}
}

_job := object.union(
	fixtures.billed("arn:aws:sagemaker:us-east-1:1:training-job/ft", {}, {"standard": 6000}, 12, 500),
	{"resource_type": "Training Job", "instance_type": null, "sku": "ml.p4d.24xlarge"},
)

# 6,000 on demand in 30 days = 6,083.33 a month; 18% of it is 1,095.00.
test_billed_training_job_on_demand_is_recommended_spot if {
	[r] := [r | some r in _billed([_job], {})]
	r.monthly_savings_usd == 1095
	r.evidence.monthly_on_demand == 6083.33
	r.evidence.because == "resource type \"Training Job\""
	r.message == concat("", [
		"arn:aws:sagemaker:us-east-1:1:training-job/ft runs training work (resource type \"Training Job\") on on-demand",
		" ml.p4d.24xlarge: $6,083.33/month at PricingCategory Standard over the last 30 days; spot capacity (18% off assumed)",
		" would save about $1,095.00/month",
	])
}

test_billed_spot_work_is_not_recommended if {
	spot := fixtures.billed("i-batch", {"workload": "batch"}, {"dynamic": 1200}, 0, null)
	count(_billed([spot], {})) == 0
}

test_billed_serving_is_not_recommended if {
	serving := fixtures.billed("i-api", {"workload": "serving"}, {"standard": 6000}, 30, 200)
	count(_billed([serving], {})) == 0
}

test_billed_spot_discount_comes_from_config if {
	some r in _billed([_job], {"spot_discount": 0.5})
	r.monthly_savings_usd == 3041.67
}

test_billed_provider_without_discount_is_not_recommended if {
	count(_billed([_job], {"spot_discount": {"gcp": 0.6}})) == 0
}
