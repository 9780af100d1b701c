package tollgate.rules.config["TG-CFG-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.config["TG-CFG-001"] as rule

_exemption(rule_id, expires) := {
	"rule": rule_id,
	"resource": "module.legacy.**",
	"reason": "migration",
	"owner": "data-platform",
	"expires": expires,
}

_findings(exemptions) := found if {
	found := rule.findings with input as {"context": {"now": "2025-06-01T09:30:00Z"}, "resources": []}
		with data.tollgate.config as {"exemptions": exemptions}
}

test_expired_exemption_is_finding if {
	e := _exemption("TG-ENC-002", "2025-05-31")
	_findings([e]) == {{
		"resource": "module.legacy.**",
		"message": "exemption from TG-ENC-002 for \"module.legacy.**\" (owner data-platform) expired on 2025-05-31",
		"indeterminate": false,
		"exemptible": false,
		"evidence": {"exemption": e, "today": "2025-06-01"},
	}}
}

test_exemption_expiring_today_passes if {
	count(_findings([_exemption("TG-ENC-002", "2025-06-01")])) == 0
}

test_future_exemption_passes if {
	count(_findings([_exemption("TG-ENC-002", "2026-01-31")])) == 0
}

test_wildcard_rule_is_named_all_rules_when_expired if {
	some f in _findings([_exemption("*", "2024-01-01")])
	startswith(f.message, "exemption from all rules for")
}

test_exemption_without_expiry_is_finding if {
	some f in _findings([object.remove(_exemption("TG-ENC-002", ""), ["expires"])])
	f.message == "exemption from TG-ENC-002 for \"module.legacy.**\" (owner data-platform) has no expiry date, so it never applies"
}

test_no_exemptions_pass_when_no_config if {
	count(rule.findings) == 0 with input as {"context": {"now": "2025-06-01T00:00:00Z"}, "resources": []}
		with data.tollgate.config as {}
}
