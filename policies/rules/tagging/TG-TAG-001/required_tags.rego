# METADATA
# title: Cost-allocation tags are present with allowed values
# description: >-
#   Spend can only be attributed to a team, cost centre and environment if every taggable resource carries
#   those tags. Tags unknown until apply are indeterminate; missing tags and values outside the allowed
#   list are findings.
# custom:
#   id: TG-TAG-001
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Add the missing tags (AWS/Azure `tags`, GCP `labels`, Kubernetes labels), ideally once through the AWS
#     provider's `default_tags` or a shared locals map, with values from the allowed list.
#   parameters:
#     required:
#       description: >-
#         Map of required tag key to allowed values; an empty list accepts any non-empty value. Values are
#         compared case-insensitively ("Prod" is "prod"); keys exactly, except on Azure, whose tag names are
#         case-insensitive.
#       default: {"team": [], "cost-center": [], "environment": []}
package tollgate.rules.tagging["TG-TAG-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

default _required := {}

_required := required if {
	required := config.param("TG-TAG-001", "required")
	is_object(required)
}

# An array, not a set: see resources.judged.
_taggable := [r | some r in resources.judged; r.taggable == true]

# _value(r, key) is the tag's non-empty value; undefined when missing or empty. Keys are matched exactly, as
# AWS, GCP and Kubernetes store them (GCP label keys are lower case by rule); Azure treats tag names
# case-insensitively, so on Azure "Team" is the "team" tag (learn.microsoft.com, "Use tags to organize your
# Azure resources": tag names are case-insensitive for operations). One rule with else: the case-folded search
# runs only when the exact key has no value, and most resources carry their tags under the exact key.
_value(r, key) := v if {
	v := r.tags[key]
	is_string(v)
	v != ""
} else := _folded(r, key)[0] if {
	r.provider == "azure"
	count(_folded(r, key)) > 0
}

# The values of the tags whose name equals key but for case, in the order of the names (deterministic).
_folded(r, key) := [v |
	some name in sort([name | some name, _ in r.tags])
	lower(name) == lower(key)
	v := r.tags[name]
	is_string(v)
	v != ""
]

# _allowed_value(v, allowed): v is in the allowed list, compared case-insensitively: people and providers write
# "Prod", "prod" and "PROD" for one environment, and the environment and classification a resource belongs to
# are read case-insensitively too.
_allowed_value(v, allowed) if {
	some a in allowed
	is_string(a)
	lower(a) == lower(v)
}

# The taggable resources with known tags that lack a value for some required key, each with those keys split
# into the unknown until apply and the missing: found in one pass over the resources, for the findings below
# (most resources lack none), and each key's unknown-ness looked up once.
_gaps := [[r, missing, unknown_keys] |
	some r in _taggable
	is_object(r.tags)
	absent := {key | some key, _ in _required; not _value(r, key)}
	count(absent) > 0
	unknown_keys := {key | some key in absent; unknown.tag(r, key)}
	missing := absent - unknown_keys
]

# object.keys is not in the wasm target; a set rule is.
_required_keys contains key if some key, _ in _required

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per taggable resource missing required tags (every missing key in one finding) and
#   one per required tag whose value is not in its allowed list; indeterminate when the tags, or the values of
#   required tags, are unknown until apply. An array, as per_resource_rules allows: no two of its findings are
#   equal (each names its resource, and each clause below says something else of it).
findings := [f | some clause in [_unknown_tags, _unknown_values, _missing, _disallowed]; some f in clause]

_unknown_tags := [finding.indeterminate(r, message, {"tags": null, "required": sort(_required_keys)}) |
	count(_required_keys) > 0
	some r in _taggable
	not is_object(r.tags)
	message := messages.text([
		"tags of ", r.address, " are unknown until apply, so required tags ", messages.list(_required_keys),
		" cannot be checked (", unknown.why(r, "tags"), ")",
	])
]

_unknown_values := [finding.indeterminate(r, message, {"unknown": sort(keys), "required": sort(_required_keys)}) |
	some [r, _, keys] in _gaps
	count(keys) > 0
	message := messages.text(["values of tags ", messages.list(keys), " on ", r.address, " are unknown until apply"])
]

# All missing keys in one finding, so one fix covers them.
_missing := [finding.new(r, message, {"missing": sort(keys), "tags": r.tags}) |
	some [r, keys, _] in _gaps
	count(keys) > 0
	message := messages.text([r.address, " is missing required tags ", messages.list(keys)])
]

# The keys with allowed values first: with none (the default), the resources are not iterated at all.
_disallowed := [finding.new(r, message, {"tag": key, "value": v, "allowed": allowed}) |
	some key, allowed in _required
	count(allowed) > 0
	some r in _taggable
	v := _value(r, key)
	not _allowed_value(v, allowed)
	message := messages.text([
		r.address, " has tag ", key, " = ", messages.quote(v), ", which is not an allowed value (allowed: ",
		messages.list(allowed), ")",
	])
]
