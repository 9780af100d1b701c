# METADATA
# description: |
#   tollgate.yaml (data.tollgate.config) and rule metadata (data.tollgate.meta.rules, extracted at build
#   time from each rule's METADATA block). Every key may be absent: these helpers supply the defaults, so
#   rules never reach into data.tollgate directly.
package tollgate.lib.config

# Referencing data.tollgate as a whole would make every rule depend on data.tollgate.rules (a cycle),
# so each document is read by its own path, with a default for when it is absent.
default _document := {}

_document := data.tollgate.config

default _meta_rules := {}

_meta_rules := data.tollgate.meta.rules

# Used when a rule has no METADATA (custom rules) or meta was not generated.
_fallback := {"severity": "medium", "enforcement": "deny", "remediation": "", "title": "", "parameters": {}}

# METADATA
# description: section(key, value) is the top-level section key of tollgate.yaml, or value when the section is absent.
section(key, value) := object.get(_document, key, value)

# _rule_meta(id) is the extracted METADATA of rule id, {} when there is none.
_rule_meta(id) := object.get(_meta_rules, id, {})

# _meta_field(id, name) is a METADATA field of rule id, falling back to the custom-rule default. The fallback is
# read only when the METADATA lacks the field: a default argument is evaluated on every call, and this is called
# for every rule of every evaluation.
_meta_field(id, name) := value if {
	value := _meta_rules[id][name]
} else := _fallback[name]

# METADATA
# description: >-
#   param(id, name) is config.rules[id].parameters[name] when set (even to null), else the parameter's default
#   in rule id's METADATA; null when neither exists.
param(id, name) := value if {
	# The configured value (even null) when there is one, else the default: the default is looked up only when
	# needed, where object.get(_document, path, default) would look it up on every call.
	value := _document.rules[id].parameters[name]
} else := object.get(_rule_meta(id), ["parameters", name, "default"], null)

# METADATA
# description: >-
#   enforcement(id) is rule id's enforcement, "deny", "warn" or "off": tollgate.yaml first, then
#   the rule's METADATA, then "deny".
enforcement(id) := value if {
	# As in param: the METADATA is read only when the config states no enforcement.
	value := _document.rules[id].enforcement
} else := _meta_field(id, "enforcement")

# METADATA
# description: >-
#   severity(id) is the severity in rule id's METADATA; "medium" when it states none (a custom
#   rule without METADATA).
severity(id) := _meta_field(id, "severity")

# METADATA
# description: remediation(id) is the remediation text in rule id's METADATA; "" when it states none.
remediation(id) := _meta_field(id, "remediation")
