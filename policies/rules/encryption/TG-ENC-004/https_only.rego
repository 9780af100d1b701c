# METADATA
# title: Endpoints accept HTTPS only
# description: >-
#   Plain HTTP exposes credentials, prompts and model outputs on the wire. Listeners must serve HTTPS
#   (an HTTP listener that only redirects to HTTPS is fine) and storage and app endpoints must refuse
#   plain-text access.
# custom:
#   id: TG-ENC-004
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Serve HTTPS: aws_lb_listener `protocol = "HTTPS"` with a certificate, or make the HTTP listener's
#     default_action a redirect with `protocol = "HTTPS"`; azurerm_storage_account
#     `https_traffic_only_enabled = true`; azurerm_*_web_app `https_only = true`; S3 bucket policy
#     denying `aws:SecureTransport = false`.
package tollgate.rules.encryption["TG-ENC-004"] # regal ignore:prefer-snake-case

import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

_attributes := {
	"azurerm_storage_account": "https_traffic_only_enabled",
	"azurerm_linux_web_app": "https_only",
	"azurerm_windows_web_app": "https_only",
	"azurerm_app_service": "https_only",
	"azurerm_function_app": "https_only",
	"aws_s3_bucket": "policy",
}

_attribute(r) := object.get(_attributes, r.type, "transport.httpsOnly")

# What a false httpsOnly means where the provider attribute does not say it by itself: an S3 bucket answers
# plain HTTP unless a bucket policy (its own or an aws_s3_bucket_policy) denies aws:SecureTransport = false.
_details := {"aws_s3_bucket": "no bucket policy denies requests with aws:SecureTransport = false"}

_detail(r) := detail if {
	# One rule with else: wasm evaluates every clause of a function, and both clauses looked the type up.
	detail := _details[r.type]
} else := messages.detail(r, _attribute(r), false)

# Listener types whose default_action can be an HTTP-to-HTTPS redirect.
_redirecting_listeners := {"aws_lb_listener", "aws_alb_listener"}

# _plain(r): r's listener is plain text: HTTP, or TCP on port 80 (HTTP behind a layer-4 listener).
_plain(r) if r.transport.protocol == "HTTP"

_plain(r) if {
	r.transport.protocol == "TCP"
	r.transport.port == 80
}

# _redirects_to_https(r): every default action redirects to HTTPS, so nothing is served in plain text.
_redirects_to_https(r) if {
	r.type in _redirecting_listeners
	actions := object.get(r.values, "default_action", [])
	count(actions) > 0
	every action in actions {
		_https_redirect(action)
	}
}

_https_redirect(action) if {
	action.type == "redirect"
	some redirect in object.get(action, "redirect", [])
	redirect.protocol == "HTTPS"
}

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per endpoint that accepts plain-text connections (httpsOnly false, or an HTTP or
#   TCP port 80 listener that does not redirect every default action to HTTPS, or an S3 bucket no bucket policy
#   closes to plain HTTP); indeterminate when its redirect, its HTTPS-only setting (an unknown bucket policy), or
#   both its protocol and its HTTPS-only setting, are unknown until apply.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f |
	some clause in [_plain_text_allowed, _https_only_unknown, _plain_listeners, _redirect_unknown, _protocol_unknown]
	some f in clause
]

_plain_text_allowed := [finding.new(r, message, {"transport.httpsOnly": false, "attribute": _attribute(r)}) |
	some r in resources.with_transport
	r.transport.httpsOnly == false
	message := messages.text([r.address, " accepts unencrypted connections (", _detail(r), ")"])
]

# A store or endpoint whose HTTPS-only setting is unknown until apply (a bucket policy computed at apply, or one
# whose bucket the plan does not tell); plain listeners are judged below.
_https_only_unknown := [finding.indeterminate(r, message, {"transport.httpsOnly": null, "attribute": _attribute(r)}) |
	some r in resources.with_transport
	r.transport.httpsOnly == null
	not _plain(r)
	unknown.attribute(r, _attribute(r))
	message := messages.text([
		"whether ", r.address, " refuses plain-text connections is unknown until apply (",
		unknown.why(r, _attribute(r)), ")",
	])
]

# Plain listeners the normaliser could not settle (httpsOnly null); a known false is reported above, once.
_plain_listeners := [finding.new(r, message, evidence) |
	some r in resources.with_transport
	r.transport.httpsOnly != false
	_plain(r)
	not _redirects_to_https(r)
	not unknown.attribute(r, "default_action")
	message := messages.text([
		r.address, " serves plain-text ", r.transport.protocol, " on port ", messages.show(r.transport.port),
		" and does not redirect to HTTPS",
	])
	evidence := {"transport.protocol": r.transport.protocol, "transport.port": r.transport.port}
]

_redirect_unknown := [finding.indeterminate(r, message, evidence) |
	some r in resources.with_transport
	r.transport.httpsOnly != false
	_plain(r)
	not _redirects_to_https(r)
	unknown.attribute(r, "default_action")
	message := messages.text([
		r.address, " serves plain-text ", r.transport.protocol, " on port ", messages.show(r.transport.port),
		"; whether it only redirects to HTTPS is unknown until apply (", unknown.why(r, "default_action"),
		")",
	])
	evidence := {"transport.protocol": r.transport.protocol, "transport.port": r.transport.port}
]

# A listener or endpoint (kind transport) whose protocol and HTTPS-only setting are both unknown.
_protocol_unknown := [finding.indeterminate(r, message, {"transport.protocol": null, "transport.httpsOnly": null}) |
	some r in resources.with_transport
	r.kind == "transport"
	r.transport.protocol == null
	r.transport.httpsOnly == null
	message := messages.text([
		"whether ", r.address, " accepts plain-text HTTP is unknown until apply (",
		unknown.why(r, "protocol"), ")",
	])
]
