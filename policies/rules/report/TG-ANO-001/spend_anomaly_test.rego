package tollgate.rules.report["TG-ANO-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.report["TG-ANO-001"] as rule

_point(day, cost, mean, days_ago) := {"day": day, "cost": cost, "trailing_mean": mean, "days_ago": days_ago}

_input(points) := {
	"subject": "report",
	"context": {"now": "2025-06-20T00:00:00Z"},
	"resources": [],
	"report": {"currency": "USD", "series": [{"scope": "team:ml-research", "points": points}]},
}

_findings(points, cfg) := found if {
	found := rule.findings with input as _input(points) with data.tollgate.config as cfg
}

test_spike_over_threshold_is_finding if {
	found := _findings([_point("2025-06-17", 9000, 2000, 3)], {})
	found == {{
		"resource": "spend:team:ml-research",
		"message": "team:ml-research spend on 2025-06-17 was 9000 USD, 350% above its trailing 7-day mean of 2000",
		"indeterminate": false,
		"evidence": {"day": "2025-06-17", "cost": 9000, "trailing_mean": 2000, "increase_percent": 350},
	}}
}

test_day_under_threshold_passes if {
	count(_findings([_point("2025-06-17", 2900, 2000, 3)], {})) == 0
}

test_small_absolute_increase_passes if {
	count(_findings([_point("2025-06-17", 90, 20, 3)], {})) == 0
}

test_day_before_lookback_passes if {
	count(_findings([_point("2025-06-01", 9000, 2000, 19)], {})) == 0
}

test_day_without_history_passes if {
	count(_findings([_point("2025-06-17", 9000, null, 3)], {})) == 0
}

test_zero_mean_passes if {
	count(_findings([_point("2025-06-17", 9000, 0, 3)], {})) == 0
}

test_threshold_comes_from_config if {
	cfg := {"rules": {"TG-ANO-001": {"parameters": {"threshold_percent": 400}}}}
	count(_findings([_point("2025-06-17", 9000, 2000, 3)], cfg)) == 0
}

test_plan_subject_is_not_judged if {
	plan := object.union(_input([_point("2025-06-17", 9000, 2000, 3)]), {"subject": "plan"})
	count(rule.findings) == 0 with input as plan with data.tollgate.config as {}
}
