package tollgate.rules.savings["TG-SAV-COMMIT_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.billing_usage_test as fixtures
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
	"min_utilization_percent": {"default": 90},
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

_report(resources, commitments) := object.union(
	fixtures.report_input(fixtures.usage(30, resources, commitments)),
	{"report": {"currency": "USD"}},
)

_billed(report, parameters) := found if {
	found := rule.recommendations with input as report with data.tollgate.meta as _meta
		with data.tollgate.config as {"rules": {"TG-SAV-COMMIT": {"parameters": parameters}}}
}

_steady := fixtures.billed("i-steady", {"workload": "serving"}, {"standard": 3700}, 30, 120)

# The lowest day, 120, × 730 / 24 = 3,650.00 a month committed; 28% of it is 1,022.00.
test_billed_steady_on_demand_gets_a_commitment if {
	[r] := [r | some r in _billed(_report([_steady], []), {})]
	r.resource == "i-steady"
	r.monthly_savings_usd == 1022
	r.evidence.hours_covered_per_month == 730
	r.evidence.monthly_commitment == 3650
	r.evidence.term == "1 year"
	r.evidence.coverage_percent == 0
	r.message == concat("", [
		"i-steady (g5.12xlarge) was billed at on-demand prices on 30 of the last 30 days (730 h/month), never under $120.00/day;",
		" a 1-year Savings Plan for that baseline ($3,650.00/month, 28% off assumed) would save about $1,022.00/month;",
		" commitments cover 0% of aws on-demand-eligible spend today",
	])
}

test_billed_part_time_on_demand_is_not_steady if {
	part := fixtures.billed("i-part", {}, {"standard": 2400}, 20, 120)
	count(_billed(_report([part], []), {})) == 0
}

test_billed_training_is_left_to_spot if {
	training := fixtures.billed("i-train", {"workload": "training"}, {"standard": 3700}, 30, 120)
	count(_billed(_report([training], []), {})) == 0
}

test_billed_saving_under_minimum_is_dropped if {
	count(_billed(_report([_steady], []), {"min_monthly_savings": 1100})) == 0
}

test_billed_coverage_counts_committed_spend if {
	covered := fixtures.billed("i-covered", {}, {"committed": 1800}, 0, null)
	some r in _billed(_report([_steady, covered], []), {})
	r.evidence.coverage_percent == 32.7
}

_plan(used, unused) := {"id": "sp-1", "name": null, "provider": "aws", "type": "Savings Plan", "category": "Spend", "used": used, "unused": unused}

# 600 unused over 30 days = 608.33 a month.
test_underused_commitment_reports_its_unused_cost if {
	[r] := [r | some r in _billed(_report([], [_plan(1800, 600)]), {})]
	r.resource == "sp-1"
	r.monthly_savings_usd == 608.33
	r.evidence.utilization_percent == 75
	r.message == concat("", [
		"Savings Plan sp-1 was 75% used over the last 30 days: $608.33/month of it is paid for and unused;",
		" move matching on-demand work onto it or exchange it",
	])
}

test_well_used_commitment_passes if {
	count(_billed(_report([], [_plan(1900, 100)]), {})) == 0
}

test_utilization_threshold_comes_from_config if {
	count(_billed(_report([], [_plan(1800, 600)]), {"min_utilization_percent": 70})) == 0
}
