# METADATA
# title: Encrypted transport uses a minimum TLS version
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996); endpoints serving model APIs and
#   data must refuse them. A TLS endpoint whose minimum version is unknown until apply is indeterminate.
# custom:
#   id: TG-ENC-003
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Raise the minimum TLS version: aws_lb_listener `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"`,
#     azurerm_storage_account `min_tls_version = "TLS1_2"`, google_compute_ssl_policy
#     `min_tls_version = "TLS_1_2"`, CloudFront `minimum_protocol_version = "TLSv1.2_2021"`.
#   parameters:
#     min_version:
#       description: Lowest acceptable TLS version, "1.0" to "1.3" (null turns the check off).
#       default: "1.2"
package tollgate.rules.encryption["TG-ENC-003"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

_attributes := {
	"aws_lb_listener": "ssl_policy",
	"aws_alb_listener": "ssl_policy",
	"aws_api_gateway_domain_name": "security_policy",
	"aws_elasticsearch_domain": "domain_endpoint_options",
	"aws_opensearch_domain": "domain_endpoint_options",
	"azurerm_storage_account": "min_tls_version",
	"azurerm_app_service": "site_config",
	"google_compute_ssl_policy": "min_tls_version",
}

_attribute(r) := object.get(_attributes, r.type, "transport.minTlsVersion")

# YAML may give the parameter as a number (min_version: 1.2) or a string ("1.2").
_minimum := minimum if {
	minimum := config.param("TG-ENC-003", "min_version")
	is_number(minimum)
}

_minimum := to_number(config.param("TG-ENC-003", "min_version")) if _version(config.param("TG-ENC-003", "min_version"))

# _version(v): v is a dotted version to_number can read ("1.2"); anything else is not compared.
_version(v) if regex.match(`^[0-9]+(\.[0-9]+)?$`, v)

_tls_protocols := {"HTTPS", "TLS"}

# The minimum versions the endpoints state, each judged once here rather than once per endpoint: endpoints share a
# few versions, and a regular expression and a decimal comparison cost more than a look-up in a set of short strings.
_stated_versions contains version if {
	some r in resources.with_transport
	version := r.transport.minTlsVersion
	is_string(version)
}

_below_minimum_versions contains version if {
	some version in _stated_versions
	_version(version)
	to_number(version) < _minimum
}

_incomparable_versions contains version if {
	some version in _stated_versions
	not _version(version)
}

# min_version as the messages show it.
_minimum_text := messages.show(config.param("TG-ENC-003", "min_version"))

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per endpoint whose minimum TLS version is below min_version; indeterminate when a
#   TLS endpoint's minimum version is unknown until apply or cannot be compared. Empty when min_version is null or
#   not a version.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_below_minimum, _unknown_version, _incomparable]; some f in clause]

_below_minimum := [finding.new(r, message, evidence) |
	some r in resources.with_transport
	version := r.transport.minTlsVersion
	version in _below_minimum_versions
	message := messages.text([
		r.address, " allows TLS ", version, ", below the minimum TLS ", _minimum_text, " (",
		messages.detail(r, _attribute(r), version), ")",
	])
	evidence := {"transport.minTlsVersion": version, "min_version": _minimum, "attribute": _attribute(r)}
]

_unknown_version := [finding.indeterminate(r, message, evidence) |
	some r in resources.with_transport
	r.transport.protocol in _tls_protocols
	r.transport.minTlsVersion == null
	_minimum
	message := messages.text([
		"minimum TLS version of ", r.transport.protocol, " endpoint ", r.address, " is unknown until apply (",
		unknown.why(r, _attribute(r)), ")",
	])
	evidence := {"transport.protocol": r.transport.protocol, "transport.minTlsVersion": null, "min_version": _minimum}
]

# A version the model could not normalise cannot be compared: say so rather than pass it.
_incomparable := [finding.indeterminate(r, message, evidence) |
	some r in resources.with_transport
	version := r.transport.minTlsVersion
	version in _incomparable_versions
	_minimum
	message := messages.text([
		"minimum TLS version ", messages.quote(version), " of ", r.address, " cannot be compared with TLS ",
		_minimum_text,
	])
	evidence := {"transport.minTlsVersion": version, "min_version": _minimum}
]
