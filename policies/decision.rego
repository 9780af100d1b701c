# METADATA
# title: Tollgate decision
# description: |
#   The one entrypoint (tollgate/decision). Walks data.tollgate.rules[area][id].findings and
#   .recommendations, so a rule is added by adding its folder, never by editing this file. For each finding:
#     enforcement = config.rules[id].enforcement, else the rule's METADATA enforcement, else "deny";
#     "off" drops it; an active exemption moves it to exempted; indeterminate or "warn" makes it a warning;
#     anything else (deny) a violation.
#   The lists are arrays built by comprehension, not sets, and are not sorted here: on large plans wasm
#   spends most of its time hashing and sorting whole finding objects. The caller sorts them (Tollgate's
#   engine orders by resource, rule and message), so output stays deterministic.
#   facts holds what the policies computed, keyed by name, for renderers to display without computing it
#   again: data.tollgate.facts (policies/facts/, e.g. budgets) and savings, the recommendations' total.
package tollgate

import data.tollgate.lib.billing_usage
import data.tollgate.lib.config
import data.tollgate.lib.exemptions
import data.tollgate.lib.money

# METADATA
# description: |
#   The decision as documented (schemas/decision.schema.json): compact_decision with each finding's item spelled
#   out in full, {rule, severity, resource, message, remediation, indeterminate, evidence}.
# entrypoint: true
decision := _spelled_out(compact_decision)

# METADATA
# description: |
#   The decision as Tollgate's engine reads it: the same lists, with each violation and warning as [rule id, the
#   finding as its rule stated it], and each of those rules' settings stated once, in rules: {id: {severity,
#   remediation}}. A finding's item is the rule's whole finding, so a severity or remediation the finding states
#   itself is in it and wins over its rule's; the engine fills what an item leaves out from rules[id], which is
#   what decision spells out. The remediation text is the same for every finding of a rule and was two fifths
#   of a finding's bytes: written, parsed and hashed once per rule rather than once per finding.
# entrypoint: true
compact_decision := {
	"violations": _judged_reported.violations,
	"warnings": _judged_reported.warnings,
	"recommendations": _recommendations,
	"exempted": _judged_reported.exempted,
	"facts": object.union(_published, {"savings": _savings}),
	"rules": _settings(_reporting_rules),
}

# A compact decision with its violations and warnings as full items (decision).
_spelled_out(compact) := object.union(object.remove(compact, ["rules"]), {
	"violations": [_full_item(item, compact.rules) | some item in compact.violations],
	"warnings": [_full_item(item, compact.rules) | some item in compact.warnings],
})

_full_item([id, f], rules) := {
	"rule": id,
	"severity": object.get(f, "severity", rules[id].severity),
	"resource": f.resource,
	"message": f.message,
	"remediation": object.get(f, "remediation", rules[id].remediation),
	"indeterminate": object.get(f, "indeterminate", false),
	"evidence": object.get(f, "evidence", {}),
}

# The facts package is read by its own path (data.tollgate as a whole would include the decision itself);
# its private rules (named _...) are helpers, not facts.
# (Iterating the package itself in a partial rule compiles to invalid wasm with OPA 1.22; a value is fine.)
default _published := {}

_published := object.remove(published, [name | some name, _ in published; startswith(name, "_")]) if {
	published := data.tollgate.facts
}

# _savings: how many recommendations the decision has and their monthly savings in USD, summed in whole cents
# so the total matches the sum of the amounts shown.
_savings := _savings_of(_recommendations)

_savings_of(recommendations) := {
	"recommendations": count(recommendations),
	"monthly_savings_usd": sum([money.cents(r.monthly_savings_usd) |
		some r in recommendations
		is_number(r.monthly_savings_usd)
	]) / 100,
}

# _reporting_rules holds [id, findings] for every rule that found something and is not off. The findings are read
# as data.tollgate.rules[area][id].findings, not through the package value, so a rule's other rules are only
# evaluated when its findings need them, and a rule replaced below (plan_decision) not at all.
_reporting_rules := [[id, findings] |
	some area, id
	findings := data.tollgate.rules[area][id].findings

	# Most rules find nothing in most inputs: their settings are not looked up at all.
	count(findings) > 0
	config.enforcement(id) != "off"
]

# Each finding of those rules as [id, finding]: the finding itself, not a copy with the rule's settings added (an
# object built for every finding, and hashed again when the result set is built).
_reported(rules) := [[id, f] |
	some [id, findings] in rules
	some f in findings
	_reportable(f)
]

# A finding that names no resource or states no message is not reported (its item could not be built before
# items were compact); any value counts, as the reader takes it.
_reportable(f) if {
	_ = f.resource
	_ = f.message
}

# Each reporting rule's severity and remediation from the config and the METADATA, looked up once per rule.
_settings(rules) := {id: {"severity": config.severity(id), "remediation": config.remediation(id)} |
	some [id, _] in rules
}

_judged_reported := _judged(_reported(_reporting_rules))

# _judged splits reported findings: an exempted finding keeps the exemption's reason, owner and expiry, so
# reviewers see who accepted what; the others are warnings or violations. Each finding's exemption is looked up
# once, and each rule's enforcement once, whatever the number of findings.
_judged(reported) := _enforced(reported, []) if {
	# One rule with else: without exemptions in the config (most runs) no finding is looked up.
	count(exemptions.configured) == 0
} else := _enforced(enforced, exempted) if {
	looked_up := [[item, _exemption(item)] | some item in reported]
	exempted := [{
		"rule": id,
		"resource": f.resource,
		"reason": object.get(e, "reason", ""),
		"owner": object.get(e, "owner", ""),
		"expires": e.expires,
	} |
		some [[id, f], e] in looked_up
		e != null
	]
	enforced := [item | some [item, e] in looked_up; e == null]
}

# _enforced(enforced, exempted): the findings no exemption covers as warnings and violations, beside the exempted.
_enforced(enforced, exempted) := {"exempted": exempted, "warnings": warnings, "violations": violations} if {
	warned := {id | some id in {id | some [id, _] in enforced}; config.enforcement(id) == "warn"}
	warnings := [item | some item in enforced; _warning(item, warned)]
	violations := [item | some item in enforced; not _warning(item, warned)]
}

# The active exemption covering a finding its rule lets be exempted (exemptible, true unless the finding says
# otherwise); null when none does.
default _exemption(_) := null

_exemption([id, f]) := exemptions.for_finding(id, f.resource) if object.get(f, "exemptible", true) == true

# Undecidable findings are always warnings: unknown is never a pass and never a false violation.
_warning([_, f], _) if f.indeterminate == true

_warning([id, _], warned) if id in warned

_recommendations := [object.union(rec, {"rule": id}) |
	some area, id
	recommendations := data.tollgate.rules[area][id].recommendations
	count(recommendations) > 0
	config.enforcement(id) != "off"
	some rec in recommendations
]

# METADATA
# description: |
#   The rules whose findings each judge one resource by itself (its own fields, the config and the context,
#   never another resource), by area. On a large plan Tollgate's engine evaluates their findings over slices
#   of the resources (resource_findings) and everything else once over the whole plan (plan_decision), and
#   joins the two: the decision is the same as one evaluation, and no heap fills with every finding at once.
#   A rule not listed here is whole-plan, so a new rule is always judged with the whole plan in view; a
#   listed rule's findings must also be replaced in plan_decision below. A listed rule may give its findings as
#   an array when no two of them can be equal (one per resource and clause, each naming its resource): a set
#   hashes and compares every whole finding it adds and iterates, most of a slice's cost per finding.
per_resource_rules := {
	"encryption": {"TG-ENC-001", "TG-ENC-002", "TG-ENC-003", "TG-ENC-004"},
	"instance": {"TG-GPU-001", "TG-GPU-002", "TG-INS-001"},
	"region": {"TG-REG-001", "TG-REG-002"},
	"savings": {"TG-SAV-CKPT"},
	"tagging": {"TG-TAG-001"},
}

# METADATA
# description: |
#   The rules whose recommendations on a plan each judge one resource by itself (its own fields and cost, the
#   config and the context, never another resource), by area: evaluated over the slices with the per-resource
#   findings, their share of the savings fact summed in whole cents by Tollgate's engine, as for a report's
#   per_usage_rules. On a plan their billed-spend recommendations (input.report) have nothing to judge. A
#   listed rule's recommendations must also be replaced in plan_decision below.
per_resource_recommendation_rules := {"savings": {"TG-SAV-COMMIT", "TG-SAV-SPOT"}}

# METADATA
# description: |
#   The violations, warnings and exemptions of the per-resource rules, and the recommendations of the
#   per-resource recommendation rules with what they add to the savings fact, for an input whose resources are
#   one slice of the plan's (every other field as in the whole input); items and rules as in compact_decision.
# entrypoint: true
resource_findings := object.union(_judged(_reported(_per_resource_reporting_rules)), {
	"recommendations": _per_resource_recommendations,
	"savings": _savings_of(_per_resource_recommendations),
	"rules": _settings(_per_resource_reporting_rules),
})

_per_resource_reporting_rules := [[id, findings] |
	some area, ids in per_resource_rules
	some id in ids
	findings := data.tollgate.rules[area][id].findings
	count(findings) > 0
	config.enforcement(id) != "off"
]

_per_resource_recommendations := [object.union(rec, {"rule": id}) |
	some area, ids in per_resource_recommendation_rules
	some id in ids
	config.enforcement(id) != "off"
	some rec in data.tollgate.rules[area][id].recommendations
]

# METADATA
# description: |
#   The decision with the findings of the per-resource rules and the recommendations of the per-resource
#   recommendation rules left out (they come from resource_findings over the slices, and the engine adds the
#   slices' savings to facts.savings); every other finding, recommendation and fact is here, as in
#   compact_decision.
# entrypoint: true
plan_decision := d if {
	d := compact_decision with data.tollgate.rules.encryption["TG-ENC-001"].findings as set()
		with data.tollgate.rules.encryption["TG-ENC-002"].findings as set()
		with data.tollgate.rules.encryption["TG-ENC-003"].findings as set()
		with data.tollgate.rules.encryption["TG-ENC-004"].findings as set()
		with data.tollgate.rules.instance["TG-GPU-001"].findings as set()
		with data.tollgate.rules.instance["TG-GPU-002"].findings as set()
		with data.tollgate.rules.instance["TG-INS-001"].findings as set()
		with data.tollgate.rules.region["TG-REG-001"].findings as set()
		with data.tollgate.rules.region["TG-REG-002"].findings as set()
		with data.tollgate.rules.savings["TG-SAV-CKPT"].findings as set()
		with data.tollgate.rules.tagging["TG-TAG-001"].findings as set()
		with data.tollgate.rules.savings["TG-SAV-COMMIT"].recommendations as set()
		with data.tollgate.rules.savings["TG-SAV-SPOT"].recommendations as set()
}

# METADATA
# description: |
#   The rules not in per_resource_rules whose reads of input.resources are all within plan_view_fields, by
#   area: every built-in whole-plan rule. plan_view is defined only when the bundle has no other rule.
plan_view_rules := {
	"budget": {"TG-BUD-001", "TG-BUD-002"},
	"config": {"TG-CFG-001"},
	"report": {"TG-ANO-001", "TG-CFG-002", "TG-RPT-001", "TG-RPT-002"},
	"review": {"TG-REV-001", "TG-REV-002", "TG-REV-003", "TG-REV-004", "TG-REV-005", "TG-REV-006"},
	"savings": {"TG-SAV-COMMIT", "TG-SAV-IDLE", "TG-SAV-QUANT", "TG-SAV-SPOT"},
}

# METADATA
# description: |
#   The fields of a resource that the whole-plan rules (plan_view_rules) and the facts read, directly or
#   through the library: a field given true is kept whole, one given an array keeps only those keys of its
#   object. Left out: the raw planned values, the prior state, the transport, the source location, the names,
#   the machine shapes and accelerators (compute.variants, compute.accelerator) and the cost's sources and
#   unpriced reasons, which only per-resource rules and renderers read.
plan_view_fields := {
	"address": true,
	"type": true,
	"provider": true,
	"kind": true,
	"action": true,
	"region": true,
	"tags": true,
	"unknown": true,
	"compute": ["role", "instanceType", "instanceCount", "spot", "checkpointing"],
	"encryption": ["customerManagedKey"],
	"model": true,
	"companionOf": true,
	"cost": ["currency", "monthlyBefore", "monthlyAfter", "monthlyDelta", "hourlyOnDemand", "hourlySpot", "instances", "hoursPerMonth"],
}

# METADATA
# description: |
#   What Tollgate's engine may narrow each resource to in the input of plan_decision on a plan judged in slices:
#   {"resource_fields": plan_view_fields, "facts": the facts a decision may publish}. Parsing the input is most
#   of the whole-plan evaluation's time, and a resource's raw planned values and cost sources are a third of its
#   text. Defined only when every rule of the bundle (by its METADATA and by the rules the policy defines) is
#   per-resource or one of plan_view_rules, and every fact is a built-in one: a bundle compiled with other rules
#   or facts (--policy) gets the whole input, since they may read any field. A fact of its own that an input
#   without resources leaves undefined is caught afterwards: the engine judges the whole input again when the
#   narrowed decision publishes a fact not listed here.
# entrypoint: true
plan_view := {"resource_fields": plan_view_fields, "facts": (plan_view_facts | {"savings"})} if {
	every rule in _bundle_rules {
		_narrowed_reads(rule)
	}
	every name in _fact_names {
		_built_in_fact(name)
	}
}

# The rules of the bundle as [area, id]: those the policy defines (for an input without resources) and those
# its METADATA documents (data.tollgate.meta, written at build time, whatever an input defines). Comprehensions
# in complete rules: iterating a package in a partial rule compiles to invalid wasm (see _published).
_bundle_rules := {[area, id] | some area, id; data.tollgate.rules[area][id]} | {[rule.area, id] |
	some id, rule in data.tollgate.meta.rules
}

_narrowed_reads([area, id]) if id in per_resource_rules[area]

_narrowed_reads([area, id]) if id in plan_view_rules[area]

default _fact_names := set()

# (object.keys is not a builtin of the wasm target.)
# regal ignore:use-object-keys
_fact_names := {name | some name, _ in facts} if facts := data.tollgate.facts

# METADATA
# description: |
#   The facts of policies/facts/ (published; only budgets reads resources, their cost and scope tags).
plan_view_facts := {"budgets", "estimates", "freshness", "showback"}

_built_in_fact(name) if name in plan_view_facts

# The private helper of policies/facts/ (freshness).
_built_in_fact("_freshness_status")

# METADATA
# description: |
#   The rules whose report recommendations each judge one billed resource of input.report.usage.resources by
#   itself (with the prepared per-provider sums, the config and the context, never another billed resource),
#   through billing_usage.offered. On a report with many billed resources Tollgate's engine evaluates them over
#   slices of those resources (usage_recommendations) and everything else once (report_decision), and joins
#   the two: the decision is the same as one evaluation, and no single evaluation's heap grows with every
#   recommendation (opa-wasm's allocator slows down as its heap fills, so one evaluation grows quadratically).
per_usage_rules := {"savings": {"TG-SAV-COMMIT", "TG-SAV-SPOT"}}

# METADATA
# description: |
#   The per-billed-resource recommendations of per_usage_rules only, for a report input whose usage resources
#   are one slice of the report's (every other field as in the whole input; commitments are judged in
#   report_decision), with what they add to the savings fact.
# entrypoint: true
usage_recommendations := {"recommendations": recommendations, "savings": _savings_of(recommendations)} if {
	recommendations := _usage_recommendations with billing_usage.commitments as []
}

_usage_recommendations := [object.union(rec, {"rule": id}) |
	some area, ids in per_usage_rules
	some id in ids
	config.enforcement(id) != "off"
	some rec in data.tollgate.rules[area][id].recommendations
]

# METADATA
# description: |
#   The report's decision with the per-billed-resource recommendations of per_usage_rules left out (they come
#   from usage_recommendations over the slices); everything else is here, as in compact_decision.
# entrypoint: true
report_decision := d if {
	d := compact_decision with billing_usage.offered as []
}

# METADATA
# description: |
#   The rules whose reads of the billed resources (input.report.usage.resources) in report_decision all go
#   through billing_usage.spend_of, by the keys of billing_usage.spend_keys, or through billing_usage.offered
#   (empty there), by area: every built-in rule (most read no billed resource at all). report_view is defined
#   only when the bundle has no other rule.
report_view_rules := {
	"budget": {"TG-BUD-001", "TG-BUD-002"},
	"config": {"TG-CFG-001"},
	"encryption": {"TG-ENC-001", "TG-ENC-002", "TG-ENC-003", "TG-ENC-004"},
	"instance": {"TG-GPU-001", "TG-GPU-002", "TG-INS-001"},
	"region": {"TG-REG-001", "TG-REG-002"},
	"report": {"TG-ANO-001", "TG-CFG-002", "TG-RPT-001", "TG-RPT-002"},
	"review": {"TG-REV-001", "TG-REV-002", "TG-REV-003", "TG-REV-004", "TG-REV-005", "TG-REV-006"},
	"savings": {"TG-SAV-CKPT", "TG-SAV-COMMIT", "TG-SAV-IDLE", "TG-SAV-QUANT", "TG-SAV-SPOT"},
	"tagging": {"TG-TAG-001"},
}

# METADATA
# description: |
#   What Tollgate's engine may narrow the billed resources to in the input of report_decision on a report judged
#   in slices: {"usage_keys": billing_usage.spend_keys, "facts": the facts a decision may publish}; the engine
#   keeps the billed resources whose id or model reference is one of the keys. They are most of a large report's
#   input (83,333 billed resources, 23 MiB of its 33 MiB at 5 million rows), and report_decision reads only those
#   an inventory deployment's spend is looked up by. The engine evaluates it over the input without its report
#   (the deployments are the inventory's and the plan's), and checks the keys again in report_view_decision.
#   Defined only when every rule of the bundle is one of report_view_rules and every fact a built-in one, as
#   plan_view: a bundle compiled with rules or facts of its own (--policy) gets the whole input.
# entrypoint: true
report_view := {"usage_keys": billing_usage.spend_keys, "facts": (plan_view_facts | {"savings"})} if {
	every rule in _bundle_rules {
		_report_view_reads(rule)
	}
	every name in _fact_names {
		_built_in_fact(name)
	}
}

_report_view_reads([area, id]) if id in report_view_rules[area]

# METADATA
# description: |
#   report_decision, with the keys its own spend look-ups used (billing_usage.spend_keys of this input): the engine
#   keeps a decision over the report view only when they are all keys of that view, and otherwise judges the
#   whole input, so a deployment that only the report defines cannot look up a billed resource left out.
# entrypoint: true
report_view_decision := {"decision": report_decision, "usage_keys": billing_usage.spend_keys}

# Batched evaluation -------------------------------------------------------------------------------------------

# METADATA
# description: |
#   The decision of every element of input.batch, in order, so that one evaluation judges many prepared
#   inputs (the audit's objects, the webhook's request). An element is {"input": a policy input,
#   "preloaded": names}: each named top-level field of its input is data.tollgate.preloaded[name], a fact
#   constant while a policy is loaded (the price catalog's accelerator offers, the model inventory) that is
#   passed once with the data instead of with every input. Each element is judged by the one decision, with
#   its input in place of the batch, so a batched decision is the decision of that input alone (as
#   compact_decision gives it).
# entrypoint: true
batch_decisions := [d |
	some item in input.batch

	# A with modifier applies to an expression of the body, never to the head, hence the assignment.
	# regal ignore:comprehension-term-assignment
	d := compact_decision with input as _complete(item)
]

_complete(item) := object.union(item.input, {name: data.tollgate.preloaded[name] | some name in item.preloaded})
