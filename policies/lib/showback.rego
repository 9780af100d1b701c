# METADATA
# description: |
#   Showback figures the report displays beside the sums prepare gives (input.report.showback): each line's
#   share of the month to date and its change on the previous month over the same days, and the trend word
#   the report prints. Shares and changes are percentages with one decimal; null when there is nothing to
#   divide by (no spend this month; no spend last month to the same day), never 0.
package tollgate.lib.showback

# METADATA
# description: >-
#   line(l, total) is showback line l with share_percent (of total, this month to date), change_percent (on
#   the previous month to the same day) and trend ("new", "gone", "up", "down" or "flat" within half a percent).
line(l, total) := object.union(l, {
	"share_percent": _percent(l.month_to_date, total),
	"change_percent": change,
	"trend": _trend(l.month_to_date, l.previous_month_to_date, change),
}) if {
	change := _change(l.month_to_date, l.previous_month_to_date)
}

# METADATA
# description: lines(ls, total) is every line of ls with its share, change and trend, in the given order.
lines(ls, total) := [line(l, total) | some l in ls]

_percent(part, whole) := round((part * 1000) / whole) / 10 if whole > 0

else := null

_change(now, before) := round(((now - before) * 1000) / before) / 10 if before > 0

else := null

_trend(now, before, _) := "new" if {
	before <= 0
	now > 0
}

_trend(now, before, _) := "gone" if {
	before > 0
	now <= 0
}

_trend(now, before, change) := "up" if {
	now > 0
	before > 0
	change > 0.5
}

_trend(now, before, change) := "down" if {
	now > 0
	before > 0
	change < -0.5
}

_trend(now, before, change) := "flat" if {
	now > 0
	before > 0
	change >= -0.5
	change <= 0.5
}

_trend(now, before, _) := "none" if {
	now <= 0
	before <= 0
}
