package tollgate.lib.estimates_test

import data.tollgate.lib.estimates

_line(estimated, actual) := {"address": "a", "estimated_monthly": estimated, "actual_monthly": actual}

test_judged_over_more_than_twenty_percent_above if {
	l := estimates.judged(_line(1000, 1250))
	l.error_percent == 25
	l.status == "over"
}

test_judged_twenty_percent_is_within if {
	estimates.judged(_line(1000, 1200)).status == "within"
}

test_judged_under_more_than_twenty_percent_below if {
	l := estimates.judged(_line(1000, 700))
	l.error_percent == -30
	l.status == "under"
}

test_judged_unmatched_is_not_zero if {
	l := estimates.judged(_line(1000, null))
	l.error_percent == null
	l.status == "unmatched"
}

test_judged_unpriced if {
	estimates.judged(_line(null, 5)).status == "unpriced"
}

test_judged_spend_on_a_zero_estimate_is_over if {
	l := estimates.judged(_line(0, 5))
	l.error_percent == null
	l.status == "over"
}

test_judged_nothing_on_a_zero_estimate_is_within if {
	estimates.judged(_line(0, 0)).status == "within"
}

test_judged_threshold_is_a_parameter if {
	estimates.judged(_line(1000, 1250)).status == "within" with data.tollgate.config as {"rules": {"TG-RPT-002": {"parameters": {"over_percent": 30}}}}
}

test_judged_team_without_matched_resources_is_unmatched if {
	estimates.judged({"team": "t", "estimated_monthly": null, "actual_monthly": null, "resources": 0, "unmatched": 2}).status == "unmatched"
}
