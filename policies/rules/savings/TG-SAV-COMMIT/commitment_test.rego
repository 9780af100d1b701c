package tollgate.rules.savings["TG-SAV-COMMIT_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.savings["TG-SAV-COMMIT"] as rule

_serving(address, type, provider, monthly, hours) := {
	"address": address,
	"type": type,
	"kind": "compute",
	"action": "create",
	"provider": provider,
	"tags": {},
	"unknown": [],
	"compute": {"role": "endpoint", "instanceType": "ml.g5.2xlarge", "spot": false},
	"cost": {
		"currency": "USD", "monthlyBefore": 0, "monthlyAfter": monthly, "monthlyDelta": monthly,
		"hourlyOnDemand": 1.5, "hourlySpot": null, "instances": 2, "hoursPerMonth": hours,
		"unpriced": null, "sources": [],
	},
}

_endpoint := _serving("aws_sagemaker_endpoint_configuration.llm", "aws_sagemaker_endpoint_configuration", "aws", 2190, 730)

_meta := {"rules": {"TG-SAV-COMMIT": {"parameters": {
	"discount": {"default": {"aws": 0.28, "gcp": 0.37, "azure": 0.36}},
	"min_hours_per_month": {"default": 700},
	"min_monthly_savings": {"default": 50},
}}}}

_recommendations(resources, parameters) := found if {
	found := rule.recommendations with input as {"resources": resources} with data.tollgate.meta as _meta
		with data.tollgate.config as {"rules": {"TG-SAV-COMMIT": {"parameters": parameters}}}
}

# 2,190 × 0.28 = 613.20.
test_steady_sagemaker_endpoint_is_recommended if {
	_recommendations([_endpoint], {}) == {{
		"resource": "aws_sagemaker_endpoint_configuration.llm",
		"message": concat("", [
			"aws_sagemaker_endpoint_configuration.llm serves around the clock (730 h/month) on on-demand ml.g5.2xlarge",
			" ×2 at $2,190.00/month; a 1-year SageMaker Savings Plan (typically 28% off) would save about $613.20/month",
		]),
		"monthly_savings_usd": 613.2,
		"evidence": {
			"provider": "aws",
			"discount": 0.28,
			"monthly_after": 2190,
			"hours_per_month": 730,
			"compute.instanceType": "ml.g5.2xlarge",
			"min_monthly_savings": 50,
		},
	}}
}

test_provider_discounts_and_commitments if {
	aws := object.union(_serving("aws_instance.api", "aws_instance", "aws", 1000, 730), {"tags": {"workload": "serving"}, "compute": {"role": "instance"}})
	gcp := _serving("google_compute_instance.api", "google_compute_instance", "gcp", 1000, 730)
	azure := _serving("azurerm_linux_virtual_machine.api", "azurerm_linux_virtual_machine", "azure", 1000, 730)
	found := _recommendations([aws, gcp, azure], {})
	{[r.resource, r.monthly_savings_usd] | some r in found} == {
		["aws_instance.api", 280],
		["google_compute_instance.api", 370],
		["azurerm_linux_virtual_machine.api", 360],
	}
	some r in found
	r.resource == "google_compute_instance.api"
	contains(r.message, "; a 1-year committed use discount (typically 37% off) would save about $370.00/month")
	some a in found
	a.resource == "aws_instance.api"
	contains(a.message, "a 1-year Compute Savings Plan")
	some z in found
	z.resource == "azurerm_linux_virtual_machine.api"
	contains(z.message, "a 1-year reservation")
}

test_single_discount_applies_to_every_provider if {
	some r in _recommendations([_endpoint], {"discount": 0.5})
	r.monthly_savings_usd == 1095
	contains(r.message, "(typically 50% off)")
}

test_provider_without_discount_is_not_recommended if {
	count(_recommendations([_endpoint], {"discount": {"gcp": 0.3}})) == 0
	count(_recommendations([_endpoint], {"discount": null})) == 0
}

test_kubernetes_serving_is_not_recommended if {
	r := _serving("kubernetes_deployment.api", "kubernetes_deployment", "kubernetes", 5000, 730)
	count(_recommendations([r], {"discount": 0.3})) == 0
}

test_part_time_serving_is_not_recommended if {
	count(_recommendations([_serving("a.b", "aws_instance", "aws", 2190, 699)], {})) == 0
	count(_recommendations([_serving("a.b", "aws_instance", "aws", 2190, 700)], {})) == 1
	count(_recommendations([_serving("a.b", "aws_instance", "aws", 2190, 600)], {"min_hours_per_month": 600})) == 1
}

test_saving_under_minimum_is_not_recommended if {
	count(_recommendations([_serving("a.b", "aws_instance", "aws", 178.57, 730)], {})) == 0
	count(_recommendations([_serving("a.b", "aws_instance", "aws", 2190, 730)], {"min_monthly_savings": 1000})) == 0
}

test_spot_training_and_unpriced_are_not_recommended if {
	spot := json.patch(_endpoint, [{"op": "replace", "path": "/compute/spot", "value": true}])
	training := json.patch(_endpoint, [{"op": "replace", "path": "/compute/role", "value": "training"}])
	unpriced := json.patch(_endpoint, [{"op": "replace", "path": "/cost/monthlyAfter", "value": null}])
	count(_recommendations([spot, training, unpriced, object.remove(_endpoint, ["cost"])], {})) == 0
}

test_machines_fall_back_when_unknown if {
	no_count := json.patch(_endpoint, [{"op": "replace", "path": "/cost/instances", "value": null}])
	no_type := json.patch(_endpoint, [{"op": "replace", "path": "/compute/instanceType", "value": null}])
	some a in _recommendations([no_count], {})
	contains(a.message, "on on-demand ml.g5.2xlarge at $2,190.00/month")
	some b in _recommendations([no_type], {})
	contains(b.message, "on on-demand capacity at $2,190.00/month")
}

test_defaults_apply_without_meta if {
	found := rule.recommendations with input as {"resources": [_endpoint]} with data.tollgate.meta as {}
		with data.tollgate.config as {"rules": {"TG-SAV-COMMIT": {"parameters": {"discount": 0.1}}}}
	some r in found
	r.evidence.min_monthly_savings == 0
}
