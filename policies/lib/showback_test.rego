package tollgate.lib.showback_test

import data.tollgate.lib.showback

_line(mtd, before) := {"key": "k", "month_to_date": mtd, "previous_month_to_date": before, "previous_month": before}

test_line_share_of_the_month_one_decimal if {
	showback.line(_line(250, 200), 750).share_percent == 33.3
}

test_line_change_on_the_previous_month_to_the_same_day if {
	l := showback.line(_line(250, 200), 750)
	l.change_percent == 25
	l.trend == "up"
}

test_line_share_is_null_when_the_month_has_no_spend if {
	showback.line(_line(0, 0), 0).share_percent == null
}

test_line_change_is_null_and_trend_new_without_spend_last_month if {
	l := showback.line(_line(10, 0), 10)
	l.change_percent == null
	l.trend == "new"
}

test_line_trend_gone_when_nothing_this_month if {
	l := showback.line(_line(0, 40), 10)
	l.change_percent == -100
	l.trend == "gone"
}

test_line_trend_down if {
	showback.line(_line(90, 100), 90).trend == "down"
}

test_line_trend_flat_within_half_a_percent if {
	showback.line(_line(100.4, 100), 100.4).trend == "flat"
}

test_line_trend_none_without_any_spend if {
	showback.line(_line(0, 0), 0).trend == "none"
}

test_lines_keeps_the_order if {
	[l.month_to_date | some l in showback.lines([_line(5, 1), _line(3, 1)], 8)] == [5, 3]
}
