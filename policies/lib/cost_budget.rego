# METADATA
# description: |
#   Budgets (config.budgets) checked against spend and the plan, for TG-BUD-001 (warn) and TG-BUD-002 (deny).
#   For each budget, once per evaluation:
#     spend     input.spend entry whose budget is the budget's name (month-to-date, forecast, days left);
#     scope     the plan's resources whose tags match every scope key: team and project tags (keys and values
#               case-insensitive), environment through lib/environment (a resource whose environment is
#               unknown until apply is unknown scope, not the default environment); account never matches a plan
#               resource (it only selects spend); an empty scope matches everything;
#     delta     the sum of cost.monthlyDelta over the scope, prorated to the rest of the month:
#               delta × daysLeft / daysInMonth;
#     projected monthToDate + forecastRemaining + prorated delta, against amount × warn_at and amount × deny_at
#               (compared in whole cents).
#   Unknown is not zero: missing spend, an unknown month-to-date, a currency that differs from the budget's or
#   spend without a month length make the budget indeterminate. An unknown forecast still denies when spend and
#   plan alone reach the deny threshold, and is indeterminate otherwise. Unpriced resources in scope and
#   resources whose scope tags are unknown until apply are counted and named, not treated as $0.
#   summaries publishes every budget's figures (null where unknown) for the decision's facts, so renderers
#   display what the rules computed instead of computing it again.
package tollgate.lib.cost_budget

import data.tollgate.lib.config
import data.tollgate.lib.cost
import data.tollgate.lib.environment
import data.tollgate.lib.exemptions
import data.tollgate.lib.money
import data.tollgate.lib.tags

_configured := [b |
	some b in config.section("budgets", [])
	is_string(b.name)
	is_number(b.amount)
	b.amount > 0
]

# METADATA
# description: >-
#   outcome(s) is what became of budget s (an evaluation or its summary): {rule, enforcement, exempted}, the
#   budget-area rule that reported it (the first by id), that rule's enforcement and whether an active exemption
#   covers it; rule and enforcement are null and exempted false when no rule reported it. Not private rules of
#   the facts package, which the decision reads as one document: there they were evaluated for every input, those
#   without budgets too, only to be left out of the facts.
outcome(s) := object.get(_outcomes, resource(s).address, {"rule": null, "enforcement": null, "exempted": false})

# _reports: [resource, rule id] for each budget-area finding (a few per budget), walked like the decision walks
# findings, so a custom budget rule's reports count too.
_reports contains [f.resource, id] if {
	some id, rule in data.tollgate.rules.budget
	some f in rule.findings
}

# An exemption applies as in the decision: not to a rule that is off, not to an unexemptible finding. A rule's
# enforcement is looked up only for its findings.
_exempted contains [f.resource, id] if {
	some id, rule in data.tollgate.rules.budget
	some f in rule.findings
	config.enforcement(id) != "off"
	object.get(f, "exemptible", true) == true
	exemptions.for_finding(id, f.resource)
}

# _outcomes: per reported resource, the first rule (by id) that reported it, its enforcement and exemption.
_outcomes[address] := {"rule": id, "enforcement": config.enforcement(id), "exempted": [address, id] in _exempted} if {
	some [address, _] in _reports
	id := sort([rule | some [resource, rule] in _reports; resource == address])[0]
}

# METADATA
# description: >-
#   evaluations is one object per configured budget ({name, status, message, evidence, ...}), computed once and
#   shared by both gates. status is "deny", "warn", "ok" or "indeterminate" (the budget cannot be checked).
evaluations := [_evaluate(b) | some b in _configured]

# METADATA
# description: >-
#   summaries is one object per configured budget, in config order, with the figures the gates compared and
#   their verdict (also for budgets no gate reports on), for the decision's facts.budgets. Amounts are rounded
#   to cents; a figure that is not known is null, never 0.
summaries := [_summary(e) | some e in evaluations]

_summary(e) := {
	"name": e.name,
	"scope": e.scope,
	"amount": e.amount,
	"currency": e.currency,
	"warn_at": e.warn_at,
	"deny_at": e.deny_at,
	"warn_threshold": money.rounded(e.amount * e.warn_at),
	"deny_threshold": money.rounded(e.amount * e.deny_at),
	"month_to_date": _spend_figure(e.spend, "monthToDate"),
	"forecast_remaining": _spend_figure(e.spend, "forecastRemaining"),
	"forecast_is_run_rate": _run_rate(_sources(e.spend)),
	"days_left": _spend_figure(e.spend, "daysLeft"),
	"days_in_month": _spend_figure(e.spend, "daysInMonth"),
	"spend_sources": _sources(e.spend),
	"plan_estimated": _estimated,
	"plan_monthly_delta": _plan_monthly(e),
	"plan_prorated_delta": _plan_prorated(e),
	"unpriced_resources": count(e.plan.unpriced),
	"unknown_scope_resources": count(e.plan.unknown_scope),
	"projected": object.get(e, ["figures", "projected"], null),
	"percent_of_amount": object.get(e, ["figures", "percent_of_amount"], null),
	"status": e.status,
	"message": e.message,
}

_spend_figure(s, key) := s[key] if is_number(s[key])

else := null

_sources(s) := s.sources if is_array(s.sources)

else := []

# billing/spend-summary.ts names a run-rate projection among the sources when no forecast rows were given.
_run_rate(sources) if {
	some source in sources
	startswith(source, "run-rate")
}

else := false

# The plan's monthly change in scope, and its part in the rest of the month: null when the plan was not priced
# (or the month's length is unknown), not $0.
_plan_monthly(e) := money.rounded(e.plan.monthly_delta) if cost.estimated

else := null

_plan_prorated(e) := money.rounded((e.plan.monthly_delta * e.spend.daysLeft) / e.spend.daysInMonth) if {
	cost.estimated
	_month_known(e.spend)
} else := null

# METADATA
# scope: document
# description: >-
#   indeterminate_rule is the id of the gate that reports a budget it cannot check, once: "TG-BUD-002" (deny),
#   or "TG-BUD-001" when TG-BUD-002 is off.
default indeterminate_rule := "TG-BUD-002"

indeterminate_rule := "TG-BUD-001" if config.enforcement("TG-BUD-002") == "off"

default _estimated := false

_estimated if cost.estimated

# METADATA
# description: >-
#   resource(e) is the finding resource for budget evaluation e, {"address": "budget:<name>"}.
resource(e) := {"address": concat(":", ["budget", e.name])}

_evaluate(b) := object.union(facts, _verdict(facts)) if facts := _facts(b)

_facts(b) := {
	"name": b.name,
	"scope": scope,
	"label": concat("", ["budget \"", b.name, "\" (", _scope_label(scope), ")"]),
	"amount": b.amount,
	"currency": currency,
	"warn_at": object.get(b, "warn_at", 0.8),
	"deny_at": object.get(b, "deny_at", 1),
	"spend": array.concat([s | some s in object.get(input, "spend", []); s.budget == b.name], [null])[0],
	"plan": _plan(scope, currency),
} if {
	scope := _scope(b)
	currency := object.get(b, "currency", "USD")
}

_scope(b) := b.scope if is_object(b.scope)

_scope(b) := {} if not is_object(object.get(b, "scope", null))

_scope_keys := ["team", "project", "environment", "account"]

_scope_label(scope) := "everything" if count(scope) == 0

_scope_label(scope) := concat(", ", pairs) if {
	count(scope) > 0
	pairs := [concat("=", [key, scope[key]]) | some key in _scope_keys; is_string(scope[key])]
}

# _plan(scope, currency): the plan's share of the budget. monthly_delta sums the priced resources in scope.
_plan(scope, currency) := {
	"monthly_delta": sum([r.cost.monthlyDelta | some r in members; is_number(r.cost.monthlyDelta)]),
	"unpriced": sort([r.address | some r in members; not is_number(r.cost.monthlyDelta)]),
	"other_currency": sort([r.address | some r in members; cost.currency(r) != currency]),
	"unknown_scope": sort([f.resource.address | some f in _unknown_tags; _scope_unknown(f, want)]),
} if {
	want := _wanted(scope)
	keys := [key | some key, _ in want]
	members := [f.resource | some f in _scope_facts; json.filter(f.values, keys) == want]
}

# _scope_facts: for every priced resource, once per evaluation, the values budgets scope on (lower-cased)
# and the scope tags unknown until apply. Budgets then match each resource with one json.filter and an
# object comparison instead of a tag lookup per key (wasm has no indexing or memoization).
_scope_facts := [{"resource": r, "values": _scope_values(r), "unknown": _unknown_keys(r)} | some r in cost.priced]

_unknown_tags := [f | some f in _scope_facts; count(f.unknown) > 0]

# A resource whose environment is unknown until apply has no environment to match: it is not judged as the
# default environment, and a budget scoped on an environment counts it as unknown scope, never as a member.
_scope_values(r) := object.union(_tag_values(r), _environment_value(r))

_environment_value(r) := {"environment": environment.name(r)} if not environment.unknown(r)

_environment_value(r) := {} if environment.unknown(r)

_tag_values(r) := {key: lower(value) |
	some key in ["team", "project"]
	value := tags.first(r, [key])
	is_string(value)
}

_unknown_keys(r) := {key | some key in ["team", "project"]; tags.any_unknown(r, [key])} | _unknown_environment(r)

_unknown_environment(r) := {"environment"} if environment.unknown(r)

_unknown_environment(r) := set() if not environment.unknown(r)

# _wanted(scope): the scope's values lower-cased; account stays as given and no resource has it, so a scope
# with an account matches no plan resource.
_wanted(scope) := {key: lower(value) | some key, value in scope; is_string(value)}

# METADATA
# description: >-
#   in_scope(r, scope): r matches every key of a budget scope (team and project tags and environment,
#   case-insensitive; a scope with an account matches no plan resource). For custom policies; the budgets use
#   _scope_facts.
in_scope(r, scope) if {
	want := _wanted(scope)
	json.filter(_scope_values(r), [key | some key, _ in want]) == want
}

# _scope_unknown(f, want): the resource is not known to be in scope only because a scope tag is unknown until
# apply: every wanted key matches or is unknown, and at least one is unknown.
_scope_unknown(f, want) if {
	object.get(want, "account", null) == null
	count([key | some key, value in want; f.values[key] == value]) < count(want)
	every key, value in want {
		_matches_or_unknown(f, key, value)
	}
}

_matches_or_unknown(f, key, value) if f.values[key] == value

_matches_or_unknown(f, key, _) if key in f.unknown

# _verdict(f): the first reason the budget cannot be checked, else the projection.
_verdict(f) := _undecided(f, _no_spend) if {
	f.spend == null
} else := _undecided(f, "month-to-date spend is unknown (no spend data covers its scope)") if {
	f.spend.monthToDate == null
} else := _undecided(f, concat("", ["its spend data is in ", sc, " but the budget is in ", f.currency, ", and currencies are not converted"])) if {
	sc := object.get(f.spend, "currency", "USD")
	sc != f.currency
} else := _undecided(f, concat("", [
	_resources_text(count(f.plan.other_currency)), " in scope ", _are(count(f.plan.other_currency)),
	" priced in another currency than the budget's ", f.currency, ", and currencies are not converted",
])) if {
	count(f.plan.other_currency) > 0
} else := _undecided(f, "its spend data has no month length (daysLeft, daysInMonth)") if {
	not _month_known(f.spend)
} else := _projection(f)

default _no_spend := "spend data is missing (no spend data was given)"

_no_spend := "spend data is missing (the spend data has no entry for this budget)" if is_array(input.spend)

_month_known(s) if {
	is_number(s.daysLeft)
	is_number(s.daysInMonth)
	s.daysInMonth > 0
}

_undecided(f, reason) := {
	"status": "indeterminate",
	"message": concat("", [
		f.label, ": ", reason, ", so it cannot be checked; unknown spend is not treated as ",
		money.amount(0, f.currency), _plan_note(f), _notes(f),
	]),
	"evidence": object.union(_base_evidence(f), {"spend": f.spend}),
}

# The plan's monthly change, for budgets that cannot be projected.
_plan_note(f) := concat("", [" (the plan changes the scope's monthly cost by ", money.amount(f.plan.monthly_delta, f.currency), ")"]) if {
	cost.estimated
}

_plan_note(_) := " (the plan was not priced)" if not cost.estimated

_projection(f) := {
	"status": status,
	"message": concat("", [f.label, ": ", _arithmetic(f, p), _threshold_text(f, p, status), _notes(f)]),
	# The projection and its percentage of the amount as the message writes it (one decimal).
	"figures": {
		"projected": money.rounded(p.projected),
		"percent_of_amount": round((p.projected / f.amount) * 1000) / 10,
	},
	"evidence": object.union(_base_evidence(f), {
		"month_to_date": f.spend.monthToDate,
		"forecast_remaining": f.spend.forecastRemaining,
		"days_left": f.spend.daysLeft,
		"days_in_month": f.spend.daysInMonth,
		"plan_prorated_delta": money.rounded(p.prorated),
		"projected": money.rounded(p.projected),
		"percent_of_amount": money.rounded((p.projected / f.amount) * 100),
		"spend_sources": object.get(f.spend, "sources", []),
	}),
} if {
	p := _figures(f)
	status := _status(f, p)
}

_figures(f) := {
	"prorated": prorated,
	"projected": (f.spend.monthToDate + forecast) + prorated,
	"warn_threshold": f.amount * f.warn_at,
	"deny_threshold": f.amount * f.deny_at,
} if {
	prorated := (f.plan.monthly_delta * f.spend.daysLeft) / f.spend.daysInMonth
	forecast := _forecast(f.spend)
}

# An unknown forecast adds nothing, so the projection is a lower bound (spend to come is never negative).
_forecast(s) := s.forecastRemaining if is_number(s.forecastRemaining)

_forecast(s) := 0 if not is_number(s.forecastRemaining)

_status(f, p) := "deny" if {
	money.at_least(p.projected, p.deny_threshold)
} else := "indeterminate" if {
	not is_number(f.spend.forecastRemaining)
} else := "warn" if {
	money.at_least(p.projected, p.warn_threshold)
} else := "ok"

_arithmetic(f, p) := concat("", [
	"spent ", money.amount(f.spend.monthToDate, f.currency),
	" + ", _forecast_text(f),
	" + ", _delta_text(f, p),
	" = ", _bound_word(f), money.amount(p.projected, f.currency),
	", ", money.percent(p.projected / f.amount), " of ", money.amount(f.amount, f.currency),
])

_forecast_text(f) := concat(" ", ["forecast", money.amount(f.spend.forecastRemaining, f.currency)]) if {
	is_number(f.spend.forecastRemaining)
}

_forecast_text(f) := "forecast unknown" if not is_number(f.spend.forecastRemaining)

_bound_word(f) := "" if is_number(f.spend.forecastRemaining)

_bound_word(f) := "at least " if not is_number(f.spend.forecastRemaining)

_delta_text(f, p) := concat("", [
	"plan delta ", money.amount(p.prorated, f.currency),
	" (×", format_int(f.spend.daysLeft, 10), "/", format_int(f.spend.daysInMonth, 10),
	" of ", money.amount(f.plan.monthly_delta, f.currency), ")",
]) if {
	cost.estimated
}

_delta_text(_, _) := "plan delta not estimated (the plan was not priced)" if not cost.estimated

_threshold_text(f, p, "deny") := concat("", [
	" — ", _relation(p.projected, p.deny_threshold), " the ", money.percent(f.deny_at), " deny threshold",
])

_threshold_text(f, p, "warn") := concat("", [
	" — ", _relation(p.projected, p.warn_threshold), " the ", money.percent(f.warn_at), " warning threshold",
])

_threshold_text(f, _, "ok") := concat("", [" — under the ", money.percent(f.warn_at), " warning threshold"])

_threshold_text(f, p, "indeterminate") := concat("", [
	"; the forecast for the rest of the month is unknown, so the ", money.percent(f.deny_at),
	" deny threshold cannot be checked", _already_warn(f, p),
])

_already_warn(f, p) := concat("", [" (already over the ", money.percent(f.warn_at), " warning threshold)"]) if {
	money.at_least(p.projected, p.warn_threshold)
}

_already_warn(_, p) := "" if not money.at_least(p.projected, p.warn_threshold)

_relation(x, threshold) := "at" if money.cents(x) == money.cents(threshold)

_relation(x, threshold) := "over" if money.cents(x) != money.cents(threshold)

# Notes on what the figures leave out.
_notes(f) := concat("", [
	_note(count(f.plan.unpriced), " in scope ", " unpriced (not in the plan delta)"),
	_note(count(f.plan.unknown_scope), " whose scope tags are unknown until apply ", " not counted"),
])

_note(0, _, _) := ""

_note(n, middle, tail) := concat("", ["; ", _resources_text(n), middle, _are(n), tail]) if n > 0

_resources_text(1) := "1 resource"

_resources_text(n) := concat(" ", [format_int(n, 10), "resources"]) if n != 1

_are(1) := "is"

_are(n) := "are" if n != 1

# Evidence lists name at most ten resources; the counts are complete.
_base_evidence(f) := {
	"budget": f.name,
	"scope": f.scope,
	"amount": f.amount,
	"currency": f.currency,
	"warn_at": f.warn_at,
	"deny_at": f.deny_at,
	"warn_threshold": money.rounded(f.amount * f.warn_at),
	"deny_threshold": money.rounded(f.amount * f.deny_at),
	"plan_monthly_delta": money.rounded(f.plan.monthly_delta),
	"plan_estimated": _estimated,
	"unpriced_resources": count(f.plan.unpriced),
	"unpriced_examples": array.slice(f.plan.unpriced, 0, 10),
	"unknown_scope_resources": count(f.plan.unknown_scope),
	"unknown_scope_examples": array.slice(f.plan.unknown_scope, 0, 10),
}
