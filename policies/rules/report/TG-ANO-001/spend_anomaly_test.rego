package tollgate.rules.report["TG-ANO-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.report["TG-ANO-001"] as rule

_point(day, days_ago, cost, weeks) := {"day": day, "days_ago": days_ago, "cost": cost, "weeks": weeks, "month_ago": null}

_usual := [1000, 1000, 1000, 1000, null, null, null, null]

_node(path, points) := {"path": path, "points": points}

_input(judge_from, nodes) := {
	"subject": "report",
	"context": {"now": "2026-03-20T06:00:00Z"},
	"resources": [],
	"report": {"currency": "USD", "anomaly": {"judge_from": judge_from, "judged_since": "last report", "nodes": nodes}},
}

_findings(given, cfg) := found if {
	found := rule.findings with input as given with data.tollgate.config as cfg
}

_team(points) := _node(["ml-research"], points)

test_spike_over_the_weekday_baseline_is_one_finding if {
	[f] := [f | some f in _findings(_input(null, [_team([_point("2026-03-17", 3, 9000, _usual)])]), {})]
	f.resource == "spend:team:ml-research"
	f.message == "team ml-research spend on 2026-03-17 was $9,000.00, 800% above the $1,000.00 expected (the same weekday over the last 4 weeks)"
	f.evidence.day == "2026-03-17"
	f.evidence.expected == 1000
	f.evidence.increase == 8000
	f.evidence.increase_percent == 800
	f.evidence.attribution == {}
}

# Mondays cost three times a weekday: a trailing 7-day mean would flag every Monday, the weekday baseline does not.
test_busy_weekday_is_expected if {
	count(_findings(_input(null, [_team([_point("2026-03-16", 4, 3000, [3000, 3100, 2900, 3000, null, null, null, null])])]), {})) == 0
}

test_baseline_is_the_first_baseline_weeks if {
	# The 5th week back (9000) is beyond the default 4 weeks; with 5 weeks the mean is 2600 and 3500 is under 50% more.
	weeks := [1000, 1000, 1000, 1000, 9000, null, null, null]
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 3500, weeks)])]), {})) == 1
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 3500, weeks)])]), {"rules": {"TG-ANO-001": {"parameters": {"baseline_weeks": 5}}}})) == 0
}

test_monthly_charge_is_expected_again if {
	p := object.union(_point("2026-03-01", 19, 6000, _usual), {"month_ago": {"day": "2026-02-01", "cost": 6000, "weeks": _usual}})
	count(_findings(_input(null, [_team([p])]), {"rules": {"TG-ANO-001": {"parameters": {"lookback_days": 30}}}})) == 0
}

test_rise_beyond_the_monthly_charge_is_judged if {
	p := object.union(_point("2026-03-01", 19, 12000, _usual), {"month_ago": {"day": "2026-02-01", "cost": 6000, "weeks": _usual}})
	[f] := [f | some f in _findings(_input("2026-02-28", [_team([p])]), {})]
	f.evidence.monthly_recurring == 5000
	f.evidence.expected == 6000
	f.message == concat("", [
		"team ml-research spend on 2026-03-01 was $12,000.00, 100% above the $6,000.00 expected (the same weekday over",
		" the last 4 weeks, plus $5,000.00 billed monthly on this day)",
	])
}

test_consecutive_days_are_one_anomaly_named_at_its_peak if {
	points := [_point("2026-03-16", 4, 5000, _usual), _point("2026-03-17", 3, 9000, _usual), _point("2026-03-19", 1, 8000, _usual)]
	found := _findings(_input(null, [_team(points)]), {})
	{[f.evidence.days, f.evidence.peak_day] | some f in found} == {
		[["2026-03-16", "2026-03-17"], "2026-03-17"],
		[["2026-03-19"], "2026-03-19"],
	}
	some f in found
	f.evidence.day == "2026-03-16"
	startswith(f.message, "team ml-research spend from 2026-03-16 to 2026-03-17 (2 days) peaked on 2026-03-17 and was $9,000.00, 800% above")
}

test_increase_is_attributed_down_the_tree if {
	day := "2026-03-17"
	nodes := [
		_team([_point(day, 3, 9000, _usual)]),
		_node(["ml-research", "aws"], [_point(day, 3, 8500, [600, 600, 600, 600, null, null, null, null])]),
		_node(["ml-research", "gcp"], [_point(day, 3, 500, [400, 400, 400, 400, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon EC2"], [_point(day, 3, 8000, [100, 100, 100, 100, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon S3"], [_point(day, 3, 500, [400, 400, 400, 400, null, null, null, null])]),
		# A resource that did not exist before: all of its cost is the increase.
		_node(["ml-research", "aws", "Amazon EC2", "i-0new"], [_point(day, 3, 7900, [null, null, null, null, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon EC2", "i-0old"], [_point(day, 3, 100, [50, 50, 50, 50, null, null, null, null])]),
	]
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.evidence.attribution == {
		"cloud": {"name": "aws", "increase": 7900},
		"service": {"name": "Amazon EC2", "increase": 7900},
		"resource": {"name": "i-0new", "increase": 7900},
	}
	endswith(f.message, "; most of the increase is aws → Amazon EC2 → i-0new (+$7,900.00)")
}

test_every_day_since_the_last_report_is_judged if {
	points := [_point("2026-03-01", 19, 9000, _usual), _point("2026-03-10", 10, 9000, _usual)]
	{f.evidence.day | some f in _findings(_input("2026-03-05", [_team(points)]), {})} == {"2026-03-10"}
	{f.evidence.day | some f in _findings(_input("2026-02-28", [_team(points)]), {})} == {"2026-03-01", "2026-03-10"}
}

test_without_a_last_report_the_lookback_decides if {
	points := [_point("2026-03-10", 10, 9000, _usual), _point("2026-03-17", 3, 9000, _usual)]
	{f.evidence.day | some f in _findings(_input(null, [_team(points)]), {})} == {"2026-03-17"}
}

test_day_without_enough_weeks_is_not_judged if {
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 9000, [1000, null, null, null, null, null, null, null])])]), {})) == 0
}

test_small_or_moderate_increase_passes if {
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 1400, _usual)])]), {})) == 0
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 90, [20, 20, 20, 20, null, null, null, null])])]), {})) == 0
}

test_threshold_comes_from_config if {
	cfg := {"rules": {"TG-ANO-001": {"parameters": {"threshold_percent": 900}}}}
	count(_findings(_input(null, [_team([_point("2026-03-17", 3, 9000, _usual)])]), cfg)) == 0
}

test_plan_subject_is_not_judged if {
	plan := object.union(_input(null, [_team([_point("2026-03-17", 3, 9000, _usual)])]), {"subject": "plan"})
	count(rule.findings) == 0 with input as plan with data.tollgate.config as {}
}

test_small_rise_a_month_ago_is_no_monthly_charge if {
	p := object.union(_point("2026-03-01", 19, 9000, _usual), {"month_ago": {"day": "2026-02-01", "cost": 1050, "weeks": _usual}})
	[f] := [f | some f in _findings(_input("2026-02-28", [_team([p])]), {})]
	f.evidence.monthly_recurring == 0
	f.evidence.expected == 1000
}
