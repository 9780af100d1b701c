# METADATA
# title: Daily spend stays near what the weekly cycle and monthly charges lead to expect
# description: >-
#   Nightly report only (input.subject "report"). Each node of the spend tree (team, with untagged spend as the
#   team "(untagged)"; its clouds; their services; their resources) has its daily spend compared with what was
#   expected for that day: the mean of the same weekday over the `baseline_weeks` weeks before (so a busy
#   Monday is compared with Mondays), plus a monthly charge when the same day of the previous month rose above
#   its own weekdays by at least `min_increase` (a support fee or a commitment billed on the 1st is expected
#   again, by the amount it rose then). A day whose spend exceeds the expectation by more than
#   `threshold_percent` and by at least `min_increase` (in the billing currency) is anomalous, at any level: a
#   service spike hidden in a flat team total is found. One anomaly per event: the topmost anomalous node of a
#   day tells it (a service spike that lifts its team is the team's anomaly), consecutive days are one
#   anomaly, attributed on its peak day to the deepest level that explains most (more than half) of the
#   increase, with that share. Every day since the last report is judged (or since `report --since`); with
#   neither, the last `lookback_days`. A day with fewer than `min_baseline_weeks` same weekdays of history is
#   not judged.
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

# Anomalous node days, by path and days ago: every level (team, cloud, service, resource) is judged against
# its own baseline, so a spike hidden in a flat team total (another service dropped that day) is found.
_hits[n.path][p.days_ago] := {"point": p, "expected": e, "increase": p.cost - e} if {
	some n in _nodes
	some p in n.points
	_judged(p)
	e := _expected(p)
	e > 0
	p.cost - e >= _param("min_increase")
	((p.cost - e) * 100) / e > _param("threshold_percent")
}

# _covered(path, d): a node above path is anomalous the same day, so that anomaly already tells of this one.
_covered(path, d) if {
	some i in numbers.range(1, count(path) - 1)
	i >= 1
	i < count(path)
	_hits[array.slice(path, 0, i)][d]
}

# The topmost anomalous node of each day: one anomaly per event, however many levels it lifted.
_roots[path][d] := hit if {
	some path, hits in _hits
	some d, hit in hits
	not _covered(path, d)
}

# An event starts on a root day whose day before was not one; it runs while the days are.
_events[[path, start]] := run if {
	some path, hits in _roots
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

_children[array.slice(n.path, 0, count(n.path) - 1)] contains n if {
	some n in _nodes
	count(n.path) > 1
}

# _child(path, day): the child of path with the largest increase on day, as {path, increase}; undefined when none rose.
_child(path, day) := {"path": best, "increase": top} if {
	rises := [[n.path, _increase(p)] |
		some n in _children[path]
		some p in n.points
		p.day == day
	]
	top := max([r[1] | some r in rises])
	top > 0
	best := sort([r[0] | some r in rises; r[1] == top])[0]
}

# _explains(path, day, rise): the child of path that explains most (more than half) of rise.
_explains(path, day, rise) := c if {
	c := _child(path, day)
	c.increase * 2 > rise
}

# _attribution(path, day, rise): the chain below path, down to the deepest level that explains most of rise.
_attribution(path, day, rise) := [c, s, r] if {
	c := _explains(path, day, rise)
	s := _explains(c.path, day, rise)
	r := _explains(s.path, day, rise)
} else := [c, s] if {
	c := _explains(path, day, rise)
	s := _explains(c.path, day, rise)
} else := [c] if {
	c := _explains(path, day, rise)
} else := []

# _level(path): the level of the tree a node is at.
_level(path) := ["team", "cloud", "service", "resource"][count(path) - 1]

# _deepest(root, chain): the node the anomaly is attributed to, as {path, increase}.
_deepest(root, chain) := chain[count(chain) - 1] if count(chain) > 0

_deepest(root, chain) := root if count(chain) == 0

# METADATA
# description: >-
#   Findings of this rule, one per anomaly: consecutive days where a node is anomalous and no node above it
#   is (resource "spend:team:<team>" for a team, "spend:<level>:<team>/<cloud>/…" below), with the expected
#   spend, the increase and the deepest level that explains most of it, with its share; none outside the
#   nightly report.
findings contains {
	"resource": _resource(path),
	"message": _message(path, run, peak, chain, at),
	"indeterminate": false,
	"evidence": object.union(_evidence(path, run, peak, chain, at), {"judged_since": _input.judged_since}),
} if {
	some key, run in _events
	path := key[0]
	top := max([h.increase | some h in run])
	peak := [h | some h in run; h.increase == top][0]
	root := {"path": path, "increase": peak.increase}
	chain := _attribution(path, peak.point.day, peak.increase)
	at := _deepest(root, chain)
}

_evidence(path, run, peak, chain, at) := {
	"level": _level(path),
	"path": path,
	"day": run[0].point.day,
	"days": [h.point.day | some h in run],
	"peak_day": peak.point.day,
	"cost": peak.point.cost,
	"expected": money.rounded(peak.expected),
	"weekly_baseline": money.rounded(_baseline(peak.point.weeks)),
	"monthly_recurring": money.rounded(_recurring(peak.point)),
	"increase": money.rounded(peak.increase),
	"increase_percent": round((peak.increase * 100) / peak.expected),
	"attribution": {_level(c.path): {"name": c.path[count(c.path) - 1], "increase": money.rounded(c.increase)} | some c in chain},
	"attributed_to": {
		"level": _level(at.path),
		"path": at.path,
		"increase": money.rounded(at.increase),
		"share_percent": round((at.increase * 100) / peak.increase),
	},
}

_resource(path) := concat(":", ["spend", "team", path[0]]) if count(path) == 1

_resource(path) := concat(":", ["spend", _level(path), concat("/", path)]) if count(path) > 1

_message(path, run, peak, chain, at) := concat("", [
	_subject(path), " spend ", _when(run, peak), " was ", _amount(peak.point.cost), ", ",
	format_int(round((peak.increase * 100) / peak.expected), 10), "% above the ", _amount(peak.expected), " expected",
	_expectation(peak), _where(chain, at, peak),
])

_subject(path) := concat("", ["team ", path[0]]) if count(path) == 1

_subject(path) := concat("", ["team ", path[0], "'s ", _level(path), " ", concat(" → ", array.slice(path, 1, count(path)))]) if {
	count(path) > 1
}

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

_where(chain, _, _) := "" if count(chain) == 0

_where(chain, at, peak) := concat("", [
	"; ", format_int(round((at.increase * 100) / peak.increase), 10), "% of the increase is at the ",
	_level(at.path), " level: ", concat(" → ", array.slice(at.path, 1, count(at.path))),
	" (+", _amount(at.increase), ")",
]) if {
	count(chain) > 0
}

_amount(x) := money.amount(x, object.get(input, ["report", "currency"], "USD"))
