# METADATA
# description: |
#   The data classification of a resource (first tag among classification_tag_keys, lower-cased) and its
#   settings (config.classifications[class]). Unlike environment there is no default: an unclassified
#   resource has classification null and no classification rules apply to it.
package tollgate.lib.classification

import data.tollgate.lib.config
import data.tollgate.lib.resources
import data.tollgate.lib.tags

_tag_keys := config.section("classification_tag_keys", ["data-classification", "data_classification", "classification"])

# The classification of every resource, computed once per evaluation (see environment.names).
names[r.address] := _name(resources.owner(r)) if some r in input.resources

# METADATA
# scope: document
# description: >-
#   name(r) is r's lower-cased classification (the first classification tag set); null when r has none or its
#   tags are unknown until apply (see unknown).
name(r) := n if {
	# A resource that is not in the input (a custom policy's synthesised one) is named directly, in the else:
	# the look-up is made once per call, not once for each of two clauses.
	n := names[r.address]
} else := _name(r)

# tags.first gives a non-empty string or null.
_name(r) := lower(value) if {
	value := tags.first(r, _tag_keys)
	is_string(value)
} else := null

# METADATA
# description: >-
#   unknown(r): r's classification cannot be read until apply (tags unknown, or a classification tag's value
#   unknown) and no known classification tag decides it.
unknown(r) if {
	name(r) == null
	tags.any_unknown(r, _tag_keys)
}

# METADATA
# scope: document
# description: >-
#   settings(r) is config.classifications[name(r)]; {} when r is unclassified or its classification is not
#   configured.
settings(r) := object.get(config.section("classifications", {}), class, {}) if {
	# name(r) is a string or null: one rule with else finds it once per call.
	class := name(r)
	is_string(class)
} else := {}

# METADATA
# description: >-
#   configured(key) is the set of classifications whose settings give key (e.g. "allowed_regions") a non-null
#   value; empty when none does.
configured(key) := {class |
	some class, s in config.section("classifications", {})
	object.get(s, key, null) != null
}
