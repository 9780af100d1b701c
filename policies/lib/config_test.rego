package tollgate.lib.config_test

import data.tollgate.lib.config

_meta := {"rules": {"TG-X-001": {
	"severity": "high",
	"enforcement": "warn",
	"remediation": "fix",
	"parameters": {"limit": {"description": "d", "default": 4}},
}}}

test_param_is_meta_default_when_not_configured if {
	config.param("TG-X-001", "limit") == 4 with data.tollgate.meta as _meta with data.tollgate.config as {}
}

test_param_is_config_value_when_configured if {
	cfg := {"rules": {"TG-X-001": {"parameters": {"limit": 2}}}}
	config.param("TG-X-001", "limit") == 2 with data.tollgate.meta as _meta with data.tollgate.config as cfg
}

test_param_is_null_when_configured_null if {
	cfg := {"rules": {"TG-X-001": {"parameters": {"limit": null}}}}
	config.param("TG-X-001", "limit") == null with data.tollgate.meta as _meta with data.tollgate.config as cfg
}

test_param_is_false_when_configured_false if {
	cfg := {"rules": {"TG-X-001": {"parameters": {"limit": false}}}}
	config.param("TG-X-001", "limit") == false with data.tollgate.meta as _meta with data.tollgate.config as cfg
}

# Another rule's parameters, or a rules section that states no parameters, leave the METADATA default.
test_param_is_meta_default_when_other_rules_configured if {
	cfg := {"rules": {"TG-X-001": {"enforcement": "warn"}, "TG-X-002": {"parameters": {"limit": 2}}}}
	config.param("TG-X-001", "limit") == 4 with data.tollgate.meta as _meta with data.tollgate.config as cfg
}

test_param_is_null_when_meta_missing if {
	config.param("TG-X-001", "limit") == null with data.tollgate.meta as {} with data.tollgate.config as {}
}

test_enforcement_is_meta_when_config_states_only_parameters if {
	cfg := {"rules": {"TG-X-001": {"parameters": {"limit": 2}}}}
	config.enforcement("TG-X-001") == "warn" with data.tollgate.meta as _meta with data.tollgate.config as cfg
}

test_enforcement_is_config_then_meta_then_deny if {
	config.enforcement("TG-X-001") == "off" with data.tollgate.meta as _meta
		with data.tollgate.config as {"rules": {"TG-X-001": {"enforcement": "off"}}}
	config.enforcement("TG-X-001") == "warn" with data.tollgate.meta as _meta with data.tollgate.config as {}
	config.enforcement("TG-X-001") == "deny" with data.tollgate.meta as {} with data.tollgate.config as {}
}

test_severity_and_remediation_default_when_meta_missing if {
	config.severity("TG-X-001") == "medium" with data.tollgate.meta as {}
	config.remediation("TG-X-001") == "" with data.tollgate.meta as {}
}

test_severity_and_enforcement_default_when_meta_lacks_them if {
	meta := {"rules": {"TG-X-001": {"remediation": "fix"}}}
	config.severity("TG-X-001") == "medium" with data.tollgate.meta as meta
	config.enforcement("TG-X-001") == "deny" with data.tollgate.meta as meta with data.tollgate.config as {}
	config.remediation("TG-X-001") == "fix" with data.tollgate.meta as meta
}

test_severity_and_remediation_from_meta if {
	config.severity("TG-X-001") == "high" with data.tollgate.meta as _meta
	config.remediation("TG-X-001") == "fix" with data.tollgate.meta as _meta
}

test_section_default_when_config_missing if {
	config.section("environments", {}) == {} with data.tollgate.config as {}
}
