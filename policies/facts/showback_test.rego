package tollgate.facts_test

import data.tollgate.facts

_line(key, mtd, before, month) := {"key": key, "month_to_date": mtd, "previous_month_to_date": before, "previous_month": month}

_showback := {
	"month": "2025-06", "previous_month": "2025-05", "complete_through": "2025-06-19", "team_tag": "team",
	"totals": {"month_to_date": 1000, "previous_month_to_date": 800, "previous_month": 1300},
	"by_team": [_line("research", 750, 500, 800), _line("(untagged)", 250, 300, 500)],
	"by_cloud": [_line("aws", 1000, 800, 1300)],
	"by_service": [],
	"by_model": [],
}

_report_input(subject) := {"subject": subject, "context": {"now": "2025-06-20T00:00:00Z"}, "resources": [], "report": {"showback": _showback}}

test_showback_shares_and_changes_by_team if {
	[research, untagged] := facts.showback.by_team with input as _report_input("report")
	research.share_percent == 75
	research.change_percent == 50
	untagged.key == "(untagged)"
	untagged.share_percent == 25
	untagged.change_percent == -16.7
	untagged.trend == "down"
}

test_showback_totals_change if {
	facts.showback.totals.change_percent == 25 with input as _report_input("report")
}

test_showback_absent_outside_the_report if {
	not facts.showback with input as _report_input("plan")
}

_fresh(days) := {"provider": "gcp", "account": "p", "sources": ["s"], "last_day": "2025-06-17", "days_behind": days}

test_freshness_status_stale_after_the_allowed_lag if {
	[a, b] := facts.freshness with input as {"subject": "report", "report": {"freshness": [_fresh(2), _fresh(0)]}}
	a.status == "stale"
	b.status == "current"
}

test_freshness_absent_outside_the_report if {
	not facts.freshness with input as {"subject": "plan", "report": {"freshness": [_fresh(2)]}}
}

test_estimates_judged_per_resource_and_team if {
	e := facts.estimates with input as {"subject": "report", "report": {"estimates": {
		"days": 10,
		"resources": [{"address": "a", "estimated_monthly": 100, "actual_monthly": 150}],
		"teams": [{"team": "t", "estimated_monthly": 100, "actual_monthly": 150}],
	}}}
	e.over_percent == 20
	e.resources[0].status == "over"
	e.teams[0].error_percent == 50
}

test_estimates_absent_without_estimates if {
	not facts.estimates with input as {"subject": "report", "report": {}}
}
