# METADATA
# description: |
#   The environment a resource belongs to, and that environment's settings (config.environments[env]).
#   Environment = the first tag among environment_tag_keys, else input.context.defaultEnvironment, else
#   config default_environment, else "default"; always lower-cased so it matches config keys.
package tollgate.lib.environment

import data.tollgate.lib.config
import data.tollgate.lib.tags

tag_keys := config.section("environment_tag_keys", ["environment", "env"])

# name(r): the first non-empty candidate, in order of precedence (a list, not an else chain).
name(r) := lower([n |
	some n in [
		tags.first(r, tag_keys),
		object.get(input, ["context", "defaultEnvironment"], null),
		config.section("default_environment", null),
		"default",
	]
	is_string(n)
	n != ""
][0])

# settings(r) is config.environments[name(r)], {} when the environment is not configured.
settings(r) := object.get(config.section("environments", {}), name(r), {})

# setting(r, path) is one setting (path: key or array of keys), null when not configured.
setting(r, path) := object.get(settings(r), path, null)
