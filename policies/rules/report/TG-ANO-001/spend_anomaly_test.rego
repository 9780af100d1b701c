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
	f.evidence.attributed_to == {"level": "resource", "path": ["ml-research", "aws", "Amazon EC2", "i-0new"], "increase": 7900, "share_percent": 99}
	endswith(f.message, "; 99% of the increase is at the resource level: aws → Amazon EC2 → i-0new (+$7,900.00)")
}

_flat := [200, 200, 200, 200, null, null, null, null]

_busy := [800, 800, 800, 800, null, null, null, null]

# A service spike hidden in a flat team total: another service of the team dropped the same day.
test_service_spike_hidden_in_a_flat_team_is_found if {
	day := "2026-03-17"
	nodes := [
		_team([_point(day, 3, 1000, _usual)]),
		_node(["ml-research", "aws"], [_point(day, 3, 1000, _usual)]),
		_node(["ml-research", "aws", "Amazon EC2"], [_point(day, 3, 800, _flat)]),
		_node(["ml-research", "aws", "Amazon S3"], [_point(day, 3, 200, _busy)]),
		# The rise is spread over resources none of which explains most of it.
		_node(["ml-research", "aws", "Amazon EC2", "i-a"], [_point(day, 3, 300, [100, 100, 100, 100, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon EC2", "i-b"], [_point(day, 3, 300, [100, 100, 100, 100, null, null, null, null])]),
	]
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.resource == "spend:service:ml-research/aws/Amazon EC2"
	f.evidence.level == "service"
	f.evidence.expected == 200
	f.evidence.increase == 600
	f.evidence.attribution == {}
	f.evidence.attributed_to == {"level": "service", "path": ["ml-research", "aws", "Amazon EC2"], "increase": 600, "share_percent": 100}
	f.message == concat("", [
		"team ml-research's service aws → Amazon EC2 spend on 2026-03-17 was $800.00, 300% above the $200.00 expected",
		" (the same weekday over the last 4 weeks)",
	])
}

# A team-wide rise lifts every service: one anomaly, told at the team and attributed to the cloud that explains it.
test_team_wide_rise_is_one_anomaly if {
	day := "2026-03-17"
	services := [_node(["ml-research", "aws", s], [_point(day, 3, 500, [250, 250, 250, 250, null, null, null, null])]) |
		some s in ["a", "b", "c", "d"]
	]
	nodes := array.concat(
		[_team([_point(day, 3, 2000, _usual)]), _node(["ml-research", "aws"], [_point(day, 3, 2000, _usual)])],
		services,
	)
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.resource == "spend:team:ml-research"
	f.evidence.attribution == {"cloud": {"name": "aws", "increase": 1000}}
	f.evidence.attributed_to.share_percent == 100
	endswith(f.message, "; 100% of the increase is at the cloud level: aws (+$1,000.00)")
}

# A service's rise that explains half or less of its team's rise is not where the anomaly is attributed.
test_attribution_stops_where_no_child_explains_most if {
	day := "2026-03-17"
	nodes := [
		_team([_point(day, 3, 3000, _usual)]),
		_node(["ml-research", "aws"], [_point(day, 3, 2000, [500, 500, 500, 500, null, null, null, null])]),
		_node(["ml-research", "gcp"], [_point(day, 3, 1000, [500, 500, 500, 500, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon EC2"], [_point(day, 3, 1000, [400, 400, 400, 400, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon S3"], [_point(day, 3, 1000, [100, 100, 100, 100, null, null, null, null])]),
	]
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.evidence.attributed_to == {"level": "cloud", "path": ["ml-research", "aws"], "increase": 1500, "share_percent": 75}
	endswith(f.message, "; 75% of the increase is at the cloud level: aws (+$1,500.00)")
}

# Spikes in two branches of a flat team are two anomalies, each told where it is.
test_spikes_in_two_branches_are_two_anomalies if {
	day := "2026-03-17"
	nodes := [
		_team([_point(day, 3, 1000, _usual)]),
		_node(["ml-research", "aws", "Amazon EC2"], [_point(day, 3, 800, _flat)]),
		_node(["ml-research", "gcp", "Vertex AI"], [_point(day, 3, 700, _flat)]),
	]
	{f.resource | some f in _findings(_input(null, nodes), {})} == {
		"spend:service:ml-research/aws/Amazon EC2",
		"spend:service:ml-research/gcp/Vertex AI",
	}
}

# Noise under either threshold is no anomaly at any level: +90 is under min_increase, +150 on 1,000 is 15%.
test_noise_under_the_thresholds_is_not_reported if {
	day := "2026-03-17"
	nodes := [
		_team([_point(day, 3, 1000, _usual)]),
		_node(["ml-research", "aws", "Amazon EC2"], [_point(day, 3, 110, [20, 20, 20, 20, null, null, null, null])]),
		_node(["ml-research", "aws", "Amazon S3"], [_point(day, 3, 1150, _usual)]),
		_node(["ml-research", "aws", "Amazon S3", "bucket"], [_point(day, 3, 95, [5, 5, 5, 5, null, null, null, null])]),
	]
	count(_findings(_input(null, nodes), {})) == 0
}

# The untagged line is a team like any other: a spike inside it is found at its own level.
test_spike_inside_the_untagged_line_is_found if {
	day := "2026-03-17"
	nodes := [
		_node(["(untagged)"], [_point(day, 3, 1000, _usual)]),
		_node(["(untagged)", "aws"], [_point(day, 3, 1000, _usual)]),
		_node(["(untagged)", "aws", "Amazon S3"], [_point(day, 3, 900, _flat)]),
		_node(["(untagged)", "aws", "Amazon S3", "logs-bucket"], [_point(day, 3, 850, [150, 150, 150, 150, null, null, null, null])]),
	]
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.resource == "spend:service:(untagged)/aws/Amazon S3"
	f.evidence.attributed_to.path == ["(untagged)", "aws", "Amazon S3", "logs-bucket"]
	endswith(f.message, "; 100% of the increase is at the resource level: aws → Amazon S3 → logs-bucket (+$700.00)")
}

# A service anomalous on consecutive days under a flat team is one anomaly over those days.
test_consecutive_days_of_a_service_are_one_anomaly if {
	path := ["ml-research", "aws", "Amazon EC2"]
	nodes := [
		_team([_point("2026-03-16", 4, 1000, _usual), _point("2026-03-17", 3, 1000, _usual)]),
		_node(path, [_point("2026-03-16", 4, 700, _flat), _point("2026-03-17", 3, 900, _flat)]),
	]
	[f] := [f | some f in _findings(_input(null, nodes), {})]
	f.evidence.days == ["2026-03-16", "2026-03-17"]
	f.evidence.peak_day == "2026-03-17"
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
