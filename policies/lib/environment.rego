# METADATA
# description: |
#   The environment a resource belongs to, and that environment's settings (config.environments[env]).
#   Environment = the first tag among environment_tag_keys, else input.context.defaultEnvironment, else
#   config default_environment, else "default"; always lower-cased so it matches config keys.
package tollgate.lib.environment

import data.tollgate.lib.config
import data.tollgate.lib.tags
import data.tollgate.lib.unknown as unknown_values

tag_keys := config.section("environment_tag_keys", ["environment", "env"])

# name(r): the first non-empty candidate, in order of precedence (a list, not an else chain).
# The environment of every resource, computed once per evaluation: rules ask for it per resource, and
# wasm has no rule indexing or function memoization, so a per-call lookup over tags is costly on large plans.
names[r.address] := _name(r) if some r in input.resources

name(r) := names[r.address]

# A resource that is not in the input (a custom policy's synthesised one) is named directly.
name(r) := _name(r) if not names[r.address]

_name(r) := lower([n |
	some n in [
		tags.first(r, tag_keys),
		object.get(input, ["context", "defaultEnvironment"], null),
		config.section("default_environment", null),
		"default",
	]
	is_string(n)
	n != ""
][0])

# unknown(r): the resource's environment is unknown until apply: its tags are unknown, or an environment tag
# key has a value unknown until apply and no earlier key names one. Such a resource is not judged as the
# default environment: settings(r) is {} and the rules that need an environment report indeterminate.
unknown(r) if r.tags == null

unknown(r) if {
	is_object(r.tags)
	not is_string(tags.first(r, tag_keys))
	some key in tag_keys
	unknown_values.tag(r, key)
}

# unknown_why(r) names what is unknown, for messages: "tags.environment is unknown until apply".
unknown_why(r) := unknown_values.why(r, "tags") if r.tags == null

unknown_why(r) := concat(", ", [unknown_values.why(r, concat(".", ["tags", key])) |
	some key in tag_keys
	unknown_values.tag(r, key)
]) if {
	is_object(r.tags)
}

# settings(r) is config.environments[name(r)], {} when the environment is not configured or unknown.
settings(r) := object.get(config.section("environments", {}), name(r), {}) if not unknown(r)

settings(r) := {} if unknown(r)

# setting(r, path) is one setting (path: key or array of keys), null when not configured.
setting(r, path) := object.get(settings(r), path, null)

# configured(path) holds when some environment sets path; rules that need it skip all work otherwise.
configured(path) if {
	some settings in config.section("environments", {})
	object.get(settings, path, null) != null
}
