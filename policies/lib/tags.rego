# METADATA
# description: Tag lookups shared by environment and classification.
package tollgate.lib.tags

import data.tollgate.lib.unknown

# known(r): tags are known (the model has null when they are unknown until apply).
known(r) if is_object(r.tags)

# first(r, keys) is the value of the first tag among keys (in keys' order, key compared case-insensitively
# because "Environment" and "environment" are both common) with a non-empty value; null when none.
first(r, keys) := array.concat(_values(r, keys), [null])[0] if is_object(r.tags)

first(r, _) := null if not is_object(r.tags)

# _values(r, keys) are the non-empty values of the tags named in keys, in keys' order.
_values(r, keys) := [v |
	some key in keys
	some tag_key, v in r.tags
	lower(tag_key) == lower(key)
	is_string(v)
	v != ""
]

# any_unknown(r, keys): tags are unknown, or one of keys has a value unknown until apply.
any_unknown(r, _) if not known(r)

any_unknown(r, keys) if {
	some key in keys
	unknown.tag(r, key)
}
