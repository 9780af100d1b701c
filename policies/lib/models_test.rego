package tollgate.lib.models_test

import data.tollgate.lib.models
import data.tollgate.lib.models_fixtures_test as fx

_endpoint(model, tags) := {
	"address": "aws_sagemaker_endpoint_configuration.fraud",
	"type": "aws_sagemaker_endpoint_configuration",
	"provider": "aws",
	"action": "create",
	"region": "us-east-1",
	"tags": tags,
	"model": model,
	"compute": {"instanceType": "ml.g5.4xlarge", "instanceCount": 3},
	"encryption": {"atRest": true, "customerManagedKey": null, "keyId": null},
	"unknown": [],
	"values": {},
}

test_record_becomes_deployment_when_no_plan if {
	[d] := models.deployments with input as fx.deployed("high", [], [])
	d == {
		"resource": "aws_sagemaker_endpoint_configuration.fraud",
		"source": "inventory",
		"model": "fraud",
		"version": "7",
		"environment": "prod",
		"cloud": "aws",
		"platform": "sagemaker",
		"region": "us-east-1",
		"instance_type": "ml.g5.2xlarge",
		"replicas": 2,
		"hours_per_month": 730,
		"gpu_utilization": null,
		"gpu_memory_utilization": null,
		"customer_managed_key": true,
		"digest": null,
	}
}

test_plan_resource_takes_place_of_record_with_same_address if {
	doc := object.union(fx.deployed("high", [], []), {"resources": [_endpoint({"id": "fraud", "version": "8"}, {"environment": "prod"})]})
	[d] := models.deployments with input as doc
	d.source == "plan"
	d.version == "8"
	d.instance_type == "ml.g5.4xlarge"
	d.replicas == 3
	d.customer_managed_key == true # the plan does not know; the record says
}

test_plan_resource_without_record_uses_configured_hours if {
	doc := {"context": {"now": fx.now}, "resources": [_endpoint({"id": "x", "version": null}, {})]}
	[d] := models.deployments with input as doc with data.tollgate.config as {"pricing": {"hours_per_month": 300}}
	d.hours_per_month == 300
	d.platform == "sagemaker"
	models.label(d) == "x"
	not models.given with input as doc
}

test_record_without_resource_is_named_after_what_it_serves if {
	rec := object.remove(fx.record("Staging", "us-east-1"), ["resource"])
	doc := fx.inventory_input([fx.model("high", [fx.version([], [], [rec])])])
	[d] := models.deployments with input as doc
	d.resource == "fraud@7/staging/sagemaker/us-east-1"
	models.label(d) == "fraud@7"
}

test_resources_without_model_are_not_deployments if {
	doc := {"context": {"now": fx.now}, "resources": [_endpoint(null, {})]}
	count(models.deployments) == 0 with input as doc
}

test_memory_is_weights_times_overhead if {
	# 70e9 parameters × 2 bytes × 1.2 / 2^30 GiB
	abs(models.memory_gib(70000000000, "fp16", 1.2) - 156.4621925354004) < 0.000001
}
