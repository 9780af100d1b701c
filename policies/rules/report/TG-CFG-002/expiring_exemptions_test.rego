package tollgate.rules.report["TG-CFG-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.report["TG-CFG-002"] as rule

_exemption(expires) := {"rule": "TG-ENC-001", "resource": "aws_s3_bucket.logs", "reason": "r", "owner": "data", "expires": expires}

_input(subject) := {
	"subject": subject,
	"context": {"now": "2025-06-20T00:00:00Z"},
	"resources": [],
	"report": {"upcoming_days": ["2025-06-20", "2025-06-21", "2025-06-22", "2025-06-23"]},
}

_findings(exemptions, cfg) := found if {
	found := rule.findings with input as _input("report")
		with data.tollgate.config as object.union(cfg, {"exemptions": exemptions})
}

test_exemption_expiring_soon_is_finding if {
	e := _exemption("2025-06-22")
	_findings([e], {}) == {{
		"resource": "aws_s3_bucket.logs",
		"message": "exemption from TG-ENC-001 for \"aws_s3_bucket.logs\" (owner data) expires on 2025-06-22, in 2 days",
		"indeterminate": false,
		"exemptible": false,
		"evidence": {"exemption": e, "days_left": 2},
	}}
}

test_exemption_expiring_later_passes if {
	count(_findings([_exemption("2025-09-01")], {})) == 0
}

test_window_comes_from_config if {
	cfg := {"rules": {"TG-CFG-002": {"parameters": {"within_days": 2}}}}
	count(_findings([_exemption("2025-06-22")], cfg)) == 0
}

test_exemption_without_expiry_passes if {
	count(_findings([object.remove(_exemption(""), ["expires"])], {})) == 0
}

test_plan_subject_is_not_judged if {
	count(rule.findings) == 0 with input as _input("plan")
		with data.tollgate.config as {"exemptions": [_exemption("2025-06-21")]}
}
