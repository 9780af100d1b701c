package tollgate.rules.encryption["TG-ENC-004_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.encryption["TG-ENC-004"] as rule

_listener(protocol, port, values) := {
	"address": "aws_lb_listener.web",
	"type": "aws_lb_listener",
	"kind": "transport",
	"action": "create",
	"transport": {"protocol": protocol, "minTlsVersion": null, "httpsOnly": null, "port": port},
	"unknown": [],
	"values": values,
}

_storage(https_only) := {
	"address": "azurerm_storage_account.data",
	"type": "azurerm_storage_account",
	"kind": "storage",
	"action": "update",
	"transport": {"protocol": null, "minTlsVersion": "1.2", "httpsOnly": https_only, "port": null},
	"unknown": [],
	"values": {"https_traffic_only_enabled": https_only},
}

_redirect(protocol) := {"default_action": [{"type": "redirect", "redirect": [{"protocol": protocol, "port": "443"}]}]}

_findings(r) := found if {
	found := rule.findings with input as {"resources": [r]}
}

test_http_listener_is_finding_when_forwarding if {
	_findings(_listener("HTTP", 80, {"default_action": [{"type": "forward"}]})) == [{
		"resource": "aws_lb_listener.web",
		"message": "aws_lb_listener.web serves plain-text HTTP on port 80 and does not redirect to HTTPS",
		"indeterminate": false,
		"evidence": {"transport.protocol": "HTTP", "transport.port": 80},
	}]
}

test_http_listener_passes_when_redirecting_to_https if {
	count(_findings(_listener("HTTP", 80, _redirect("HTTPS")))) == 0
}

test_http_listener_is_finding_when_redirecting_to_http if {
	count(_findings(_listener("HTTP", 80, _redirect("HTTP")))) == 1
}

test_http_listener_is_finding_when_no_default_action if {
	count(_findings(_listener("HTTP", 8080, {}))) == 1
}

test_http_listener_is_indeterminate_when_default_action_unknown if {
	r := object.union(_listener("HTTP", 80, {}), {"unknown": ["default_action"]})
	some f in _findings(r)
	f.indeterminate == true
	f.message == "aws_lb_listener.web serves plain-text HTTP on port 80; whether it only redirects to HTTPS is unknown until apply (default_action is unknown until apply)"
}

test_tcp_listener_is_finding_when_port_80 if {
	some f in _findings(_listener("TCP", 80, {}))
	f.message == "aws_lb_listener.web serves plain-text TCP on port 80 and does not redirect to HTTPS"
}

test_tcp_listener_passes_when_other_port if {
	count(_findings(_listener("TCP", 5432, {}))) == 0
}

test_https_listener_passes if {
	count(_findings(_listener("HTTPS", 443, {}))) == 0
}

test_storage_is_finding_when_https_only_false if {
	some f in _findings(_storage(false))
	f.message == "azurerm_storage_account.data accepts unencrypted connections (https_traffic_only_enabled = false)"
}

test_storage_passes_when_https_only_true if {
	count(_findings(_storage(true))) == 0
}

test_storage_passes_when_https_only_unknown if {
	count(_findings(_storage(null))) == 0
}

test_listener_is_indeterminate_when_protocol_unknown if {
	r := object.union(_listener(null, null, {}), {"unknown": ["protocol"]})
	some f in _findings(r)
	f.indeterminate == true
	f.message == "whether aws_lb_listener.web accepts plain-text HTTP is unknown until apply (protocol is unknown until apply)"
}

_bucket(https_only, unknown) := {
	"address": "aws_s3_bucket.data",
	"type": "aws_s3_bucket",
	"kind": "storage",
	"action": "create",
	"transport": {"protocol": null, "minTlsVersion": null, "httpsOnly": https_only, "port": null},
	"unknown": unknown,
	"values": {"bucket": "acme-data"},
}

test_bucket_without_secure_transport_policy_is_finding if {
	_findings(_bucket(false, [])) == [{
		"resource": "aws_s3_bucket.data",
		"message": "aws_s3_bucket.data accepts unencrypted connections (no bucket policy denies requests with aws:SecureTransport = false)",
		"indeterminate": false,
		"evidence": {"transport.httpsOnly": false, "attribute": "policy"},
	}]
}

test_bucket_with_secure_transport_policy_passes if {
	count(_findings(_bucket(true, []))) == 0
}

test_bucket_is_indeterminate_when_its_policy_is_unknown if {
	_findings(_bucket(null, ["policy"])) == [{
		"resource": "aws_s3_bucket.data",
		"message": "whether aws_s3_bucket.data refuses plain-text connections is unknown until apply (policy is unknown until apply)",
		"indeterminate": true,
		"evidence": {"transport.httpsOnly": null, "attribute": "policy"},
	}]
}

test_storage_account_is_indeterminate_when_https_flag_unknown if {
	r := object.union(_storage(null), {"unknown": ["https_traffic_only_enabled"]})
	some f in _findings(r)
	f.indeterminate == true
}

test_bucket_policy_companion_is_not_judged_alone if {
	policy := {
		"address": "aws_s3_bucket_policy.data",
		"type": "aws_s3_bucket_policy",
		"kind": "other",
		"action": "create",
		"transport": {"protocol": null, "minTlsVersion": null, "httpsOnly": false, "port": null},
		"unknown": [],
		"values": {},
		"companionOf": null,
	}
	count(_findings(policy)) == 0
}
