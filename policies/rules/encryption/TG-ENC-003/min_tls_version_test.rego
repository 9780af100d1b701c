package tollgate.rules.encryption["TG-ENC-003_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.encryption["TG-ENC-003"] as rule

_listener(protocol, version) := {
	"address": "aws_lb_listener.api",
	"type": "aws_lb_listener",
	"kind": "transport",
	"action": "create",
	"transport": {"protocol": protocol, "minTlsVersion": version, "httpsOnly": null, "port": 443},
	"unknown": [],
	"values": {"ssl_policy": "ELBSecurityPolicy-2016-08"},
}

_findings(r) := found if {
	found := rule.findings with input as {"resources": [r]}
}

# Pinned so these tests do not depend on the generated METADATA default.
_meta := {"rules": {"TG-ENC-003": {"parameters": {"min_version": {"default": "1.2"}}}}}

test_old_tls_is_finding_when_below_default_minimum if {
	_findings(_listener("HTTPS", "1.0")) == [{
		"resource": "aws_lb_listener.api",
		"message": "aws_lb_listener.api allows TLS 1.0, below the minimum TLS 1.2 (ssl_policy = \"ELBSecurityPolicy-2016-08\")",
		"indeterminate": false,
		"evidence": {"transport.minTlsVersion": "1.0", "min_version": 1.2, "attribute": "ssl_policy"},
	}] with data.tollgate.meta as _meta
}

test_tls_12_passes_when_default_minimum if {
	count(_findings(_listener("HTTPS", "1.2"))) == 0 with data.tollgate.meta as _meta
}

test_tls_12_is_finding_when_minimum_configured_as_number if {
	count(_findings(_listener("HTTPS", "1.2"))) == 1 with data.tollgate.config as {"rules": {"TG-ENC-003": {"parameters": {"min_version": 1.3}}}}
}

test_old_tls_passes_when_minimum_null if {
	count(_findings(_listener("HTTPS", "1.0"))) == 0 with data.tollgate.config as {"rules": {"TG-ENC-003": {"parameters": {"min_version": null}}}}
}

test_unknown_version_is_indeterminate_when_tls_endpoint if {
	r := object.union(_listener("HTTPS", null), {"unknown": ["ssl_policy"]})
	some f in _findings(r) with data.tollgate.meta as _meta
	f.indeterminate == true
	f.message == "minimum TLS version of HTTPS endpoint aws_lb_listener.api is unknown until apply (ssl_policy is unknown until apply)"
}

test_unknown_version_passes_when_plain_tcp if {
	count(_findings(_listener("TCP", null))) == 0 with data.tollgate.meta as _meta
}

test_unparseable_version_is_indeterminate if {
	some f in _findings(_listener("TLS", "TLS1_0")) with data.tollgate.meta as _meta
	f.indeterminate == true
	f.message == "minimum TLS version \"TLS1_0\" of aws_lb_listener.api cannot be compared with TLS 1.2"
}

test_unlisted_type_names_model_field_when_old_tls if {
	r := object.union(_listener("HTTPS", "1.1"), {"type": "custom_endpoint", "values": {}})
	some f in _findings(r) with data.tollgate.meta as _meta
	contains(f.message, "(transport.minTlsVersion = \"1.1\")")
}
