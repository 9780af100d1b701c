package tollgate.rules.report["TG-RPT-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.report["TG-RPT-001"] as rule

_account(account, days) := {
	"provider": "aws", "account": account, "sources": ["focus:aws.csv"],
	"last_day": "2025-06-17", "days_behind": days,
}

_input(subject, accounts) := {
	"subject": subject,
	"context": {"now": "2025-06-20T00:00:00Z"},
	"resources": [],
	"report": {"freshness": accounts},
}

test_reports_an_account_two_days_behind if {
	[f] := [f | some f in rule.findings] with input as _input("report", [_account("111122223333", 2)])
	f.resource == "spend:aws:111122223333"
	f.evidence.days_behind == 2
	contains(f.message, "ends on 2025-06-17, 2 days before yesterday")
}

test_accepts_one_day_of_lag if {
	count(rule.findings) == 0 with input as _input("report", [_account("111122223333", 1)])
}

test_names_an_account_without_id if {
	[f] := [f | some f in rule.findings] with input as _input("report", [_account(null, 3)])
	f.resource == "spend:aws:(no account)"
	contains(f.message, "with no account id")
}

test_lag_is_a_parameter if {
	count(rule.findings) == 0 with input as _input("report", [_account("a", 3)])
		with data.tollgate.config as {"rules": {"TG-RPT-001": {"parameters": {"max_lag_days": 3}}}}
}

test_nothing_outside_the_report if {
	count(rule.findings) == 0 with input as _input("plan", [_account("a", 5)])
}
