package tollgate_usage_test

import data.tollgate

# A report with one steady on-demand resource (a TG-SAV-COMMIT offer) and one commitment half unused.
_steady := {
	"resource": "i-steady", "provider": "aws", "service": "Amazon Elastic Compute Cloud", "service_category": "Compute",
	"region": "us-east-1", "resource_type": "Virtual Machine", "sku": "g5.12xlarge", "instance_type": "g5.12xlarge",
	"tags": {"workload": "serving"}, "model": null, "cost": {"standard": 3600, "dynamic": 0, "committed": 0, "other": 0},
	"standard_days": 30, "min_daily_standard": 120,
}

_commitment := {"id": "sp-1", "name": null, "provider": "aws", "type": "Savings Plan", "category": "Spend", "used": 300, "unused": 300}

_input := {"subject": "report", "context": {"now": "2026-03-31T06:00:00Z"}, "resources": [], "report": {
	"currency": "USD",
	"usage": {"from": "2026-03-01", "to": "2026-03-30", "days_with_data": 30, "resources": [_steady], "commitments": [_commitment]},
}}

_resources(recommendations) := {[r.rule, r.resource] | some r in recommendations}

test_usage_recommendations_hold_only_the_per_billed_resource_offers if {
	slice := tollgate.usage_recommendations with input as _input
	_resources(slice.recommendations) == {["TG-SAV-COMMIT", "i-steady"]}
	slice.savings.recommendations == 1
}

test_report_decision_leaves_the_per_billed_resource_offers_out if {
	whole := tollgate.report_decision with input as _input
	_resources(whole.recommendations) == {["TG-SAV-COMMIT", "sp-1"]}
}

test_report_decision_and_slices_add_up_to_the_decision if {
	d := tollgate.decision with input as _input
	whole := tollgate.report_decision with input as _input
	slice := tollgate.usage_recommendations with input as _input
	_resources(d.recommendations) == _resources(whole.recommendations) | _resources(slice.recommendations)
	d.facts.savings.recommendations == whole.facts.savings.recommendations + slice.savings.recommendations
	d.facts.savings.monthly_savings_usd == whole.facts.savings.monthly_savings_usd + slice.savings.monthly_savings_usd
}
