# METADATA
# description: |
#   The environment a resource belongs to, and that environment's settings (config.environments[env]).
#   Environment = the first tag among environment_tag_keys, else input.context.defaultEnvironment, else
#   config default_environment, else "default"; always lower-cased so it matches config keys.
package tollgate.lib.environment

import data.tollgate.lib.config
import data.tollgate.lib.resources
import data.tollgate.lib.tags
import data.tollgate.lib.unknown as unknown_values

_tag_keys := config.section("environment_tag_keys", ["environment", "env"])

# name(r): the first non-empty candidate, in order of precedence (a list, not an else chain).
# The environment of every resource, computed once per evaluation: rules ask for it per resource, and
# wasm has no rule indexing or function memoization, so a per-call lookup over tags is costly on large plans.
names[r.address] := _name(resources.owner(r)) if some r in input.resources

# METADATA
# scope: document
# description: >-
#   name(r) is r's lower-cased environment: the first non-empty environment tag, else
#   input.context.defaultEnvironment, else config default_environment, else "default"; never null (see unknown).
name(r) := n if {
	# A resource that is not in the input (a custom policy's synthesised one) is named directly, in the else:
	# the look-up is made once per call, not once for each of two clauses.
	n := names[r.address]
} else := _name(r)

_name(r) := lower(n) if {
	# tags.first gives a non-empty string or null.
	n := tags.first(r, _tag_keys)
	is_string(n)
} else := lower(_untagged)

# The environment of a resource without an environment tag, the same for every resource: chosen once per
# evaluation, not once per resource.
_untagged := [n |
	some n in [
		object.get(input, ["context", "defaultEnvironment"], null),
		config.section("default_environment", null),
		"default",
	]
	is_string(n)
	n != ""
][0]

# METADATA
# scope: document
# description: >-
#   unknown(r): r's environment is unknown until apply: its tags are unknown (null), or an environment tag's value
#   is unknown and no known environment tag names one. Such a resource is not judged as the default environment:
#   settings(r) is {} and the rules that need an environment report indeterminate. Undefined otherwise.
unknown(r) if r.tags == null

# The unknown-tag check comes first: it is cheap and rarely holds, so the tag lookup is skipped for most resources.
unknown(r) if {
	is_object(r.tags)
	_some_tag_unknown(r)
	not is_string(tags.first(r, _tag_keys))
}

# Most resources have no unknown attribute at all: their empty list is seen once instead of once per tag key.
_some_tag_unknown(r) if {
	count(object.get(r, "unknown", [])) > 0
	some key in _tag_keys
	unknown_values.tag(r, key)
}

# METADATA
# scope: document
# description: >-
#   unknown_why(r) names what makes r's environment unknown, for messages: "tags.environment is unknown until
#   apply" (several joined with ", "); meant for resources where unknown(r) holds.
unknown_why(r) := unknown_values.why(r, "tags") if r.tags == null

unknown_why(r) := concat(", ", [unknown_values.why(r, concat(".", ["tags", key])) |
	some key in _tag_keys
	unknown_values.tag(r, key)
]) if {
	is_object(r.tags)
}

# METADATA
# scope: document
# description: >-
#   settings(r) is config.environments[name(r)]; {} when that environment is not configured or r's environment
#   is unknown until apply (see unknown). One rule with else, so that unknown(r) is evaluated once per call, not
#   once for each of two clauses: every environment setting of every compute resource is read through here.
settings(r) := {} if {
	unknown(r)
} else := object.get(config.section("environments", {}), name(r), {})

# METADATA
# description: >-
#   setting(r, path) is one setting of r's environment (path: a key or an array of keys); null when it is not
#   configured or the environment is unknown.
setting(r, path) := object.get(settings(r), path, null)

# METADATA
# description: >-
#   configured(path) holds when some configured environment gives path a non-null value; undefined otherwise, so
#   rules that need the setting skip all work.
configured(path) if {
	some settings in config.section("environments", {})
	object.get(settings, path, null) != null
}
