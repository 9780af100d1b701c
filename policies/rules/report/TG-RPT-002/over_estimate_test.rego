package tollgate.rules.report["TG-RPT-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.report["TG-RPT-002"] as rule

_resource(estimated, actual) := {
	"address": "aws_sagemaker_endpoint.chat", "file": "check.json", "team": "ml",
	"estimated_monthly": estimated, "actual_monthly": actual, "actual_month_to_date": 1,
	"matched_by": "resource id", "matched": "arn:aws:sagemaker:us-east-1:1:endpoint/chat",
}

_input(subject, resources) := {"subject": subject, "resources": [], "report": {"estimates": {"days": 10, "resources": resources, "teams": []}}}

test_reports_a_resource_over_its_estimate if {
	[f] := [f | some f in rule.findings] with input as _input("report", [_resource(1000, 1300)])
	f.resource == "aws_sagemaker_endpoint.chat"
	f.evidence.error_percent == 30
	contains(f.message, "30% above")
}

test_quiet_within_the_estimate if {
	count(rule.findings) == 0 with input as _input("report", [_resource(1000, 1100)])
}

test_quiet_when_nothing_matched if {
	count(rule.findings) == 0 with input as _input("report", [_resource(1000, null)])
}

test_reports_spend_on_a_zero_estimate if {
	[f] := [f | some f in rule.findings] with input as _input("report", [_resource(0, 50)])
	contains(f.message, "any spend is above")
}

test_nothing_outside_the_report if {
	count(rule.findings) == 0 with input as _input("plan", [_resource(1000, 5000)])
}
