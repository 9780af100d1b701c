package tollgate_test

import data.tollgate

# One stub rule in area "test"; its metadata and the config vary per test.
_finding := {"resource": "aws_ebs_volume.scratch", "message": "not encrypted", "indeterminate": false, "evidence": {"a": 1}}

_rules(findings) := {"test": {"TG-TST-001": {"findings": findings}}}

_meta := {"rules": {"TG-TST-001": {"severity": "high", "enforcement": "deny", "remediation": "encrypt it", "parameters": {}}}}

_input := {"context": {"now": "2025-06-01T12:00:00Z"}, "resources": []}

_decision(findings, meta, config) := d if {
	d := tollgate.decision with tollgate.rules as _rules(findings)
		with tollgate.meta as meta
		with tollgate.config as config
		with input as _input
}

# With no budgets configured and no recommendations, the facts are empty.
_no_facts := {"budgets": [], "savings": {"recommendations": 0, "monthly_savings_usd": 0}}

_exemption(rule, resource, expires) := {"rule": rule, "resource": resource, "reason": "legacy", "owner": "ana", "expires": expires}

_violation := {
	"rule": "TG-TST-001",
	"severity": "high",
	"resource": "aws_ebs_volume.scratch",
	"message": "not encrypted",
	"remediation": "encrypt it",
	"indeterminate": false,
	"evidence": {"a": 1},
}

test_finding_is_violation_when_enforcement_deny if {
	_decision({_finding}, _meta, {}) == {
		"violations": [_violation],
		"warnings": [],
		"recommendations": [],
		"exempted": [],
		"facts": _no_facts,
	}
}

test_finding_is_warning_when_meta_enforcement_warn if {
	meta := {"rules": {"TG-TST-001": object.union(_meta.rules["TG-TST-001"], {"enforcement": "warn"})}}
	d := _decision({_finding}, meta, {})
	d.violations == []
	d.warnings == [_violation]
}

test_finding_is_warning_when_config_enforcement_warn if {
	d := _decision({_finding}, _meta, {"rules": {"TG-TST-001": {"enforcement": "warn"}}})
	d.violations == []
	d.warnings == [_violation]
}

test_finding_is_violation_when_config_overrides_meta_warn if {
	meta := {"rules": {"TG-TST-001": object.union(_meta.rules["TG-TST-001"], {"enforcement": "warn"})}}
	d := _decision({_finding}, meta, {"rules": {"TG-TST-001": {"enforcement": "deny"}}})
	d.violations == [_violation]
}

test_finding_is_dropped_when_enforcement_off if {
	d := _decision({_finding}, _meta, {"rules": {"TG-TST-001": {"enforcement": "off"}}})
	d == {"violations": [], "warnings": [], "recommendations": [], "exempted": [], "facts": _no_facts}
}

test_indeterminate_finding_is_warning_when_enforcement_deny if {
	d := _decision({object.union(_finding, {"indeterminate": true})}, _meta, {})
	d.violations == []
	d.warnings == [object.union(_violation, {"indeterminate": true})]
}

test_finding_is_violation_with_defaults_when_meta_missing if {
	d := _decision({_finding}, {}, {})
	d.violations == [object.union(_violation, {"severity": "medium", "remediation": ""})]
}

test_finding_overrides_severity_and_remediation if {
	d := _decision({object.union(_finding, {"severity": "critical", "remediation": "now"})}, _meta, {})
	d.violations == [object.union(_violation, {"severity": "critical", "remediation": "now"})]
}

test_finding_is_exempted_when_exemption_active if {
	config := {"exemptions": [_exemption("TG-TST-001", "aws_ebs_volume.*", "2025-06-01")]}
	d := _decision({_finding}, _meta, config)
	d.violations == []
	d.exempted == [{"rule": "TG-TST-001", "resource": "aws_ebs_volume.scratch", "reason": "legacy", "owner": "ana", "expires": "2025-06-01"}]
}

test_finding_is_exempted_when_wildcard_rule_exemption_active if {
	d := _decision({_finding}, _meta, {"exemptions": [_exemption("*", "**", "2025-12-31")]})
	count(d.exempted) == 1
}

test_finding_is_violation_when_exemption_expired if {
	d := _decision({_finding}, _meta, {"exemptions": [_exemption("TG-TST-001", "aws_ebs_volume.*", "2025-05-31")]})
	d.violations == [_violation]
	d.exempted == []
}

test_finding_is_violation_when_exemption_names_other_rule if {
	d := _decision({_finding}, _meta, {"exemptions": [_exemption("TG-TST-002", "aws_ebs_volume.*", "2025-12-31")]})
	d.violations == [_violation]
}

test_finding_is_violation_when_exemption_pattern_misses if {
	d := _decision({_finding}, _meta, {"exemptions": [_exemption("TG-TST-001", "aws_s3_bucket.*", "2025-12-31")]})
	d.violations == [_violation]
}

test_unexemptible_finding_is_enforced_when_exemption_active if {
	d := _decision({object.union(_finding, {"exemptible": false})}, _meta, {"exemptions": [_exemption("*", "**", "2025-12-31")]})
	d.violations == [_violation]
	d.exempted == []
}

test_off_wins_over_exemption if {
	config := {
		"rules": {"TG-TST-001": {"enforcement": "off"}},
		"exemptions": [_exemption("TG-TST-001", "**", "2025-12-31")],
	}
	_decision({_finding}, _meta, config).exempted == []
}

test_every_finding_is_reported_once if {
	b := object.union(_finding, {"resource": "b.x", "message": "m"})
	a2 := object.union(_finding, {"resource": "a.x", "message": "z"})
	a1 := object.union(_finding, {"resource": "a.x", "message": "a"})
	d := _decision({b, a2, a1}, _meta, {})
	count(d.violations) == 3
	{[v.resource, v.message] | some v in d.violations} == {["a.x", "a"], ["a.x", "z"], ["b.x", "m"]}
}

_compact(findings, meta, config) := d if {
	d := tollgate.compact_decision with tollgate.rules as _rules(findings)
		with tollgate.meta as meta
		with tollgate.config as config
		with input as _input
}

test_compact_decision_states_each_rules_settings_once if {
	other := object.union(_finding, {"resource": "aws_ebs_volume.other", "message": "also not encrypted"})
	d := _compact({_finding, other}, _meta, {})
	d.rules == {"TG-TST-001": {"severity": "high", "remediation": "encrypt it"}}
	count(d.violations) == 2
	every item in d.violations {
		item in {["TG-TST-001", _finding], ["TG-TST-001", other]}
	}
}

test_compact_item_keeps_the_findings_own_severity_and_remediation if {
	own := object.union(_finding, {"severity": "critical", "remediation": "now"})
	d := _compact({own}, _meta, {})
	d.violations == [["TG-TST-001", own]]
	d.rules == {"TG-TST-001": {"severity": "high", "remediation": "encrypt it"}}
}

test_compact_decision_has_no_settings_when_rules_find_nothing if {
	d := _compact(set(), _meta, {})
	d.rules == {}
	d.violations == []
}

test_compact_decision_leaves_out_settings_of_rules_off if {
	d := _compact({_finding}, _meta, {"rules": {"TG-TST-001": {"enforcement": "off"}}})
	d.rules == {}
}

test_decision_spells_out_the_compact_items if {
	indeterminate := object.union(_finding, {"resource": "aws_ebs_volume.unknown", "indeterminate": true})
	own := object.union(_finding, {"resource": "aws_ebs_volume.own", "severity": "low"})
	findings := {_finding, indeterminate, own}
	compact := _compact(findings, _meta, {})
	count(compact.violations) == 2
	count(compact.warnings) == 1
	d := _decision(findings, _meta, {})
	{v | some v in d.violations} == {_violation, object.union(_violation, {"resource": "aws_ebs_volume.own", "severity": "low"})}
	d.warnings == [object.union(_violation, {"resource": "aws_ebs_volume.unknown", "indeterminate": true})]
	object.remove(d, ["violations", "warnings"]) == object.remove(compact, ["violations", "warnings", "rules"])
}

test_finding_without_message_or_resource_is_not_reported if {
	d := _decision({{"resource": "aws_ebs_volume.x"}, {"message": "no resource"}, _finding}, _meta, {})
	d.violations == [_violation]
}

test_finding_without_indeterminate_or_evidence_gets_their_defaults if {
	bare := {"resource": "aws_ebs_volume.scratch", "message": "not encrypted"}
	d := _decision({bare}, _meta, {})
	d.violations == [object.union(object.remove(_violation, ["evidence"]), {"evidence": {}})]
}

test_recommendations_pass_through_with_rule if {
	rec := {"resource": "aws_instance.x", "message": "use spot", "monthly_savings_usd": 12.5, "evidence": {}}
	d := tollgate.decision with tollgate.rules as {"savings": {"TG-SAV-001": {"recommendations": {rec}}}}
		with tollgate.meta as {}
		with tollgate.config as {}
		with input as _input
	d.recommendations == [object.union(rec, {"rule": "TG-SAV-001"})]
}

test_savings_fact_sums_recommendations_in_cents_when_rules_recommend if {
	rec := {"resource": "aws_instance.x", "message": "use spot", "evidence": {}}
	rules := {"savings": {
		"TG-SAV-001": {"recommendations": {
			object.union(rec, {"monthly_savings_usd": 0.105}),
			object.union(rec, {"resource": "aws_instance.y", "monthly_savings_usd": 1234.5}),
		}},
		"TG-SAV-002": {"recommendations": {object.union(rec, {"monthly_savings_usd": "n/a"})}},
	}}
	d := tollgate.decision with tollgate.rules as rules
		with tollgate.meta as {}
		with tollgate.config as {}
		with input as _input
	d.facts.savings == {"recommendations": 3, "monthly_savings_usd": 1234.61}
}

test_savings_fact_leaves_out_rules_when_off if {
	rec := {"resource": "aws_instance.x", "message": "use spot", "monthly_savings_usd": 10, "evidence": {}}
	d := tollgate.decision with tollgate.rules as {"savings": {"TG-SAV-001": {"recommendations": {rec}}}}
		with tollgate.meta as {}
		with tollgate.config as {"rules": {"TG-SAV-001": {"enforcement": "off"}}}
		with input as _input
	d.facts.savings == {"recommendations": 0, "monthly_savings_usd": 0}
}

test_facts_are_published_without_private_rules_when_facts_package_has_them if {
	d := tollgate.decision with tollgate.facts as {"gpu_hours": 12, "_helper": [1]}
		with tollgate.config as {}
		with input as _input
	d.facts == {"gpu_hours": 12, "savings": {"recommendations": 0, "monthly_savings_usd": 0}}
}

test_decision_is_empty_when_no_resources if {
	d := tollgate.decision with input as _input with tollgate.config as {}
	d == {"violations": [], "warnings": [], "recommendations": [], "exempted": [], "facts": _no_facts}
}

test_built_in_rule_is_violation_end_to_end if {
	volume := {
		"address": "aws_ebs_volume.scratch", "type": "aws_ebs_volume", "kind": "storage", "action": "create",
		"region": "us-east-1", "tags": {"team": "ml", "cost-center": "cc-1", "environment": "dev"}, "taggable": true,
		"encryption": {"atRest": false, "customerManagedKey": false, "keyId": null}, "unknown": [],
		"values": {"encrypted": false},
	}
	d := tollgate.decision with input as {"context": {"now": "2025-06-01T00:00:00Z"}, "resources": [volume]}
		with tollgate.config as {}
	[[v.rule, v.message] | some v in d.violations] == [["TG-ENC-001", "aws_ebs_volume.scratch is not encrypted at rest (encrypted = false)"]]
}

test_expired_exemption_is_warned_and_not_applied_end_to_end if {
	volume := {
		"address": "aws_ebs_volume.scratch", "type": "aws_ebs_volume", "kind": "storage", "action": "create",
		"tags": {"team": "ml", "cost-center": "cc-1", "environment": "dev"}, "taggable": true,
		"encryption": {"atRest": false}, "unknown": [], "values": {},
	}
	d := tollgate.decision with input as {"context": {"now": "2025-06-01T00:00:00Z"}, "resources": [volume]}
		with tollgate.config as {"exemptions": [_exemption("*", "**", "2025-01-01")]}
	[v.rule | some v in d.violations] == ["TG-ENC-001"]
	[[w.rule, w.severity] | some w in d.warnings] == [["TG-CFG-001", "low"]]
}

# Slices: one per-resource rule (TG-ENC-001) beside a whole-plan stub rule (TG-TST-001), each with one finding,
# one of them exempted.
_split_rules := {
	"encryption": {"TG-ENC-001": {"findings": {object.union(_finding, {"resource": "aws_ebs_volume.data"})}}},
	"test": {"TG-TST-001": {"findings": {_finding}, "recommendations": {{"resource": "r", "monthly_savings_usd": 2.5}}}},
}

_split_meta := {"rules": object.union(_meta.rules, {"TG-ENC-001": _meta.rules["TG-TST-001"]})}

_split_config := {"exemptions": [_exemption("TG-ENC-001", "aws_ebs_volume.data", "2025-12-31")]}

test_resource_findings_holds_only_per_resource_rules if {
	d := tollgate.resource_findings with tollgate.rules as _split_rules
		with tollgate.meta as _split_meta
		with tollgate.config as _split_config
		with input as _input
	d == {
		"violations": [],
		"warnings": [],
		"exempted": [{"rule": "TG-ENC-001", "resource": "aws_ebs_volume.data", "reason": "legacy", "owner": "ana", "expires": "2025-12-31"}],
		"recommendations": [],
		"savings": {"recommendations": 0, "monthly_savings_usd": 0},
		"rules": {"TG-ENC-001": {"severity": "high", "remediation": "encrypt it"}},
	}
}

# A per-resource recommendation rule (TG-SAV-SPOT) beside a whole-plan one (TG-TST-001).
_split_recommending_rules := object.union(_split_rules, {"savings": {"TG-SAV-SPOT": {"recommendations": {
	{"resource": "aws_instance.a", "monthly_savings_usd": 1.25},
	{"resource": "aws_instance.b", "monthly_savings_usd": 0.1},
}}}})

_split_recommending_meta := {"rules": object.union(_split_meta.rules, {"TG-SAV-SPOT": _meta.rules["TG-TST-001"]})}

test_resource_findings_holds_per_resource_recommendations_with_their_savings if {
	d := tollgate.resource_findings with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with input as _input
	count(d.recommendations) == 2
	every r in d.recommendations {
		r.rule == "TG-SAV-SPOT"
	}
	d.savings == {"recommendations": 2, "monthly_savings_usd": 1.35}
}

test_resource_findings_leaves_out_recommendations_of_rules_off if {
	d := tollgate.resource_findings with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with tollgate.config as {"rules": {"TG-SAV-SPOT": {"enforcement": "off"}}}
		with input as _input
	d.recommendations == []
	d.savings == {"recommendations": 0, "monthly_savings_usd": 0}
}

test_plan_decision_leaves_out_per_resource_recommendations if {
	d := tollgate.plan_decision with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with input as _input
	d.recommendations == [{"resource": "r", "monthly_savings_usd": 2.5, "rule": "TG-TST-001"}]
	d.facts.savings == {"recommendations": 1, "monthly_savings_usd": 2.5}
}

test_plan_decision_and_resource_findings_make_the_recommendations_and_savings if {
	whole := tollgate.decision with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with input as _input
	plan := tollgate.plan_decision with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with input as _input
	slice := tollgate.resource_findings with tollgate.rules as _split_recommending_rules
		with tollgate.meta as _split_recommending_meta
		with input as _input
	count(whole.recommendations) == count(plan.recommendations) + count(slice.recommendations)
	every r in array.concat(plan.recommendations, slice.recommendations) {
		r in whole.recommendations
	}
	whole.facts.savings.recommendations == plan.facts.savings.recommendations + slice.savings.recommendations
	whole.facts.savings.monthly_savings_usd == plan.facts.savings.monthly_savings_usd + slice.savings.monthly_savings_usd
}

test_plan_decision_leaves_out_per_resource_rules if {
	d := tollgate.plan_decision with tollgate.rules as _split_rules
		with tollgate.meta as _split_meta
		with tollgate.config as _split_config
		with input as _input
	d.violations == [["TG-TST-001", _finding]]
	d.rules == {"TG-TST-001": {"severity": "high", "remediation": "encrypt it"}}
	d.exempted == []
	d.recommendations == [{"resource": "r", "monthly_savings_usd": 2.5, "rule": "TG-TST-001"}]
	d.facts.savings == {"recommendations": 1, "monthly_savings_usd": 2.5}
}

test_plan_decision_and_resource_findings_make_the_decision if {
	whole := tollgate.compact_decision with tollgate.rules as _split_rules
		with tollgate.meta as _split_meta
		with tollgate.config as _split_config
		with input as _input
	plan := tollgate.plan_decision with tollgate.rules as _split_rules
		with tollgate.meta as _split_meta
		with tollgate.config as _split_config
		with input as _input
	slice := tollgate.resource_findings with tollgate.rules as _split_rules
		with tollgate.meta as _split_meta
		with tollgate.config as _split_config
		with input as _input
	every key in ["violations", "warnings", "exempted"] {
		count(whole[key]) == count(plan[key]) + count(slice[key])
		every item in array.concat(plan[key], slice[key]) {
			item in whole[key]
		}
	}
	object.union(plan.rules, slice.rules) == whole.rules
	whole.recommendations == plan.recommendations
	whole.facts == plan.facts
}

test_per_resource_rules_are_built_in_rules if {
	every area, ids in tollgate.per_resource_rules {
		every id in ids {
			# A set, or an array when no two findings can be equal (see per_resource_rules).
			type_name(tollgate.rules[area][id].findings) in {"set", "array"}
		}
	}
}

test_per_resource_recommendation_rules_are_built_in_rules if {
	every area, ids in tollgate.per_resource_recommendation_rules {
		every id in ids {
			is_set(tollgate.rules[area][id].recommendations)
		}
	}
}

# Batched evaluation: each element gets the decision of its input alone, with the real rules.

_volume(name, at_rest) := {
	"address": sprintf("aws_ebs_volume.%s", [name]),
	"type": "aws_ebs_volume",
	"kind": "storage",
	"action": "create",
	"encryption": {"atRest": at_rest},
	"unknown": [],
	"values": {"encrypted": at_rest},
}

_batch_input(resources) := {"context": {"now": "2025-06-01T12:00:00Z"}, "resources": resources}

test_batch_decisions_are_each_inputs_own_decision if {
	open := _batch_input([_volume("open", false)])
	closed := _batch_input([_volume("closed", true)])
	first := tollgate.compact_decision with input as open
	second := tollgate.compact_decision with input as closed
	alone := [first, second]
	batched := tollgate.batch_decisions with input as {"batch": [
		{"input": open, "preloaded": []},
		{"input": closed, "preloaded": []},
	]}
	batched == alone

	# The two inputs decide differently, so a batch that judged one input twice would not pass.
	count(alone[0].violations) == 1
	count(alone[1].violations) == 0
}

test_batch_preloaded_fields_are_read_from_data if {
	resources := [_volume("open", false), _volume("closed", true)]
	alone := tollgate.compact_decision with input as _batch_input(resources)
	batched := tollgate.batch_decisions with input as {"batch": [{"input": {"context": {"now": "2025-06-01T12:00:00Z"}}, "preloaded": ["resources"]}]}
		with tollgate.preloaded as {"resources": resources}
	batched == [alone]
	count(alone.violations) == 1
}

test_batch_of_nothing_is_empty if {
	d := tollgate.batch_decisions with input as {"batch": []}
	d == []
}

# The narrowed view of the resources for plan_decision.

# Under opa test the rules' test packages (TG-...-NNN_test) sit beside them in data.tollgate.rules; a bundle has none.
test_plan_view_is_defined_for_the_built_in_rules if {
	rules := {area: {id: rule | some id, rule in area_rules; not endswith(id, "_test")} |
		some area, area_rules in tollgate.rules
	} with input as {}
	v := tollgate.plan_view with tollgate.rules as rules with input as {}
	v == {"resource_fields": tollgate.plan_view_fields, "facts": {"budgets", "estimates", "freshness", "showback", "savings"}}
}

test_plan_view_is_defined_when_every_rule_is_listed if {
	tollgate.plan_view with tollgate.rules as {
		"encryption": {"TG-ENC-001": {"findings": set()}},
		"savings": {"TG-SAV-SPOT": {"recommendations": set()}},
	}
		with tollgate.meta as {"rules": {"TG-ENC-001": {"area": "encryption"}}}
		with input as {}
}

test_plan_view_is_undefined_when_the_policy_defines_another_rule if {
	not tollgate.plan_view with tollgate.rules as _split_rules
		with tollgate.meta as {"rules": {}}
		with input as {}
}

test_plan_view_is_undefined_when_metadata_documents_another_rule if {
	not tollgate.plan_view with tollgate.rules as {"savings": {"TG-SAV-SPOT": {"recommendations": set()}}}
		with tollgate.meta as {"rules": {"TG-ACME-001": {"area": "savings"}}}
		with input as {}
}

test_plan_view_is_undefined_when_a_listed_id_is_in_another_area if {
	not tollgate.plan_view with tollgate.rules as {"custom": {"TG-SAV-SPOT": {"findings": set()}}}
		with tollgate.meta as {"rules": {}}
		with input as {}
}

test_plan_view_is_undefined_when_the_policy_publishes_another_fact if {
	not tollgate.plan_view with tollgate.facts as {"budgets": [], "cost_per_team": {}}
		with input as {}
}

test_plan_view_rules_are_built_in_whole_plan_rules if {
	every area, ids in tollgate.plan_view_rules {
		every id in ids {
			tollgate.rules[area][id]
			not id in object.get(tollgate.per_resource_rules, area, set())
		}
	}
}
