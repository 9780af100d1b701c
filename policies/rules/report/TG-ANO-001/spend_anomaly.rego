# METADATA
# title: Daily spend stays near what the weekly cycle and monthly charges lead to expect
# description: >-
#   Nightly report only (input.subject "report"). Each team's daily spend (untagged spend is the team
#   "(untagged)") is compared with what was expected for that day: the mean of the same weekday over the
#   `baseline_weeks` weeks before (so a busy Monday is compared with Mondays), plus a monthly charge when the
#   same day of the previous month rose above its own weekdays by at least `min_increase` (a support fee or a
#   commitment billed on the 1st is expected again, by the amount it rose then). A day whose spend exceeds the expectation by more than
#   `threshold_percent` and by at least `min_increase` (in the billing currency) is anomalous. Consecutive
#   anomalous days of a team are one anomaly, attributed down the tree to the cloud, service and resource
#   with the largest increase on its peak day. Every day since the last report is judged (or since
#   `report --since`); with neither, the last `lookback_days`. A day with fewer than `min_baseline_weeks`
#   same weekdays of history is not judged.
# custom:
#   id: TG-ANO-001
#   severity: medium
#   enforcement: warn
#   report_section: anomalies
#   remediation: >-
#     Find what started that day (the resource the anomaly names, the team's jobs) and stop it or explain it;
#     raise `threshold_percent` or `min_increase` for teams whose spend is spiky by design.
#   parameters:
#     threshold_percent:
#       description: How far above the expected spend, in percent, a day's spend must be.
#       default: 50
#     min_increase:
#       description: Smallest increase over the expected spend, in the billing currency, worth reporting.
#       default: 100
#     lookback_days:
#       description: How many recent days are judged when the history knows no earlier report and no --since is given.
#       default: 7
#     baseline_weeks:
#       description: How many weeks of the same weekday the expected spend is the mean of (at most 8).
#       default: 4
#     min_baseline_weeks:
#       description: Fewest same weekdays with history a day needs to be judged.
#       default: 2
package tollgate.rules.report["TG-ANO-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.money

_id := "TG-ANO-001"

_param(name) := config.param(_id, name)

_input := object.get(input, ["report", "anomaly"], {"judge_from": null, "judged_since": "lookback", "nodes": []})

_nodes := _input.nodes if input.subject == "report"

_teams := [n | some n in _nodes; count(n.path) == 1]

_judged(p) if {
	is_string(_input.judge_from)
	p.day >= _input.judge_from
}

_judged(p) if {
	not is_string(_input.judge_from)
	p.days_ago <= _param("lookback_days")
}

# _baseline(weeks): the mean of the first baseline_weeks same weekdays the history has.
_baseline(weeks) := sum(known) / count(known) if {
	known := [w | some i, w in weeks; i < _param("baseline_weeks"); is_number(w)]
	count(known) >= _param("min_baseline_weeks")
}

# _recurring(p): how far the same day of the previous month rose above its own weekdays, when that rise was
# a charge (at least min_increase); 0 otherwise.
_recurring(p) := _month_rise(p) if _monthly_charge(p)

_recurring(p) := 0 if not _monthly_charge(p)

_monthly_charge(p) if _month_rise(p) >= _param("min_increase")

_month_rise(p) := p.month_ago.cost - _baseline(p.month_ago.weeks) if is_object(p.month_ago)

# _expected(p): the day's expected spend; undefined without enough history.
_expected(p) := _baseline(p.weeks) + _recurring(p)

# Anomalous team days, by team and days ago.
_hits[n.path[0]][p.days_ago] := {"point": p, "expected": e, "increase": p.cost - e} if {
	some n in _teams
	some p in n.points
	_judged(p)
	e := _expected(p)
	e > 0
	p.cost - e >= _param("min_increase")
	((p.cost - e) * 100) / e > _param("threshold_percent")
}

# An event starts on an anomalous day whose day before was not anomalous; it runs while the days are.
_events[[team, start]] := run if {
	some team, hits in _hits
	some start, _ in hits
	object.get(hits, start + 1, null) == null
	ends := {x |
		some x, _ in hits
		x <= start
		count({y | some y, _ in hits; y >= x; y <= start}) == (start - x) + 1
	}
	run := [object.get(hits, a, null) | some a in numbers.range(start, min(ends))]
}

# _increase(p): a child node's increase on a day; all of its cost when it has no baseline (it is new).
_increase(p) := p.cost - _expected(p)

_increase(p) := p.cost if not _expected(p)

# _child(path, day): the child of path with the largest increase on day, as {path, increase}; undefined when none rose.
_child(path, day) := {"path": best, "increase": top} if {
	rises := [[n.path, _increase(p)] |
		some n in _nodes
		count(n.path) == count(path) + 1
		array.slice(n.path, 0, count(path)) == path
		some p in n.points
		p.day == day
	]
	top := max([r[1] | some r in rises])
	top > 0
	best := sort([r[0] | some r in rises; r[1] == top])[0]
}

# _attribution(team, day): the chain of largest increases below the team, as far down as it goes.
_attribution(team, day) := [c, s, r] if {
	c := _child([team], day)
	s := _child(c.path, day)
	r := _child(s.path, day)
} else := [c, s] if {
	c := _child([team], day)
	s := _child(c.path, day)
} else := [c] if {
	c := _child([team], day)
} else := []

_names := ["cloud", "service", "resource"]

# METADATA
# description: >-
#   Findings of this rule, one per anomaly: consecutive anomalous days of a team's spend (resource
#   "spend:team:<team>"), with the expected spend, the increase and where it came from; none outside the
#   nightly report.
findings contains {
	"resource": concat(":", ["spend", "team", team]),
	"message": _message(team, run, peak, chain),
	"indeterminate": false,
	"evidence": {
		"day": run[0].point.day,
		"days": [h.point.day | some h in run],
		"peak_day": peak.point.day,
		"cost": peak.point.cost,
		"expected": money.rounded(peak.expected),
		"weekly_baseline": money.rounded(_baseline(peak.point.weeks)),
		"monthly_recurring": money.rounded(_recurring(peak.point)),
		"increase": money.rounded(peak.increase),
		"increase_percent": round((peak.increase * 100) / peak.expected),
		"attribution": {_names[i]: {"name": c.path[i + 1], "increase": money.rounded(c.increase)} | some i, c in chain},
		"judged_since": _input.judged_since,
	},
} if {
	some key, run in _events
	team := key[0]
	top := max([h.increase | some h in run])
	peak := [h | some h in run; h.increase == top][0]
	chain := _attribution(team, peak.point.day)
}

_message(team, run, peak, chain) := concat("", [
	"team ", team, " spend ", _when(run, peak), " was ", _amount(peak.point.cost), ", ",
	format_int(round((peak.increase * 100) / peak.expected), 10), "% above the ", _amount(peak.expected), " expected",
	_expectation(peak), _where(chain),
])

_when(run, _) := concat("", ["on ", run[0].point.day]) if count(run) == 1

_when(run, peak) := concat("", [
	"from ", run[0].point.day, " to ", run[count(run) - 1].point.day, " (", format_int(count(run), 10),
	" days) peaked on ", peak.point.day, " and",
]) if {
	count(run) > 1
}

_expectation(peak) := concat("", [" (the same weekday over the last ", format_int(_param("baseline_weeks"), 10), " weeks)"]) if {
	_recurring(peak.point) == 0
}

_expectation(peak) := concat("", [
	" (the same weekday over the last ", format_int(_param("baseline_weeks"), 10), " weeks, plus ",
	_amount(_recurring(peak.point)), " billed monthly on this day)",
]) if {
	_recurring(peak.point) > 0
}

_where(chain) := "" if count(chain) == 0

_where(chain) := concat("", ["; most of the increase is ", concat(" → ", [c.path[count(c.path) - 1] | some c in chain]), " (+", _amount(chain[count(chain) - 1].increase), ")"]) if {
	count(chain) > 0
}

_amount(x) := money.amount(x, object.get(input, ["report", "currency"], "USD"))
