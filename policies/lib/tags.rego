# METADATA
# description: Tag lookups shared by environment and classification.
package tollgate.lib.tags

import data.tollgate.lib.unknown

# _known(r): tags are known (the model has null when they are unknown until apply).
_known(r) if is_object(r.tags)

# METADATA
# scope: document
# description: >-
#   first(r, keys) is the value of the first tag among keys (in keys' order, keys compared case-insensitively) with
#   a non-empty string value; null when none has one or r's tags are unknown until apply.
first(r, keys) := value if {
	is_object(r.tags)
	value := array.concat(_values(r, keys), [null])[0]
} else := null

# _values(r, keys) are the non-empty values of the tags named in keys, in keys' order (a key's tags in the tags'
# order). Each tag key and each key is lower-cased once, not once per pair of them.
_values(r, keys) := values if {
	candidates := [[lower(tag_key), v] | some tag_key, v in r.tags; is_string(v); v != ""]
	values := [v |
		some key in keys
		wanted := lower(key)
		some [tag_key, v] in candidates
		tag_key == wanted
	]
}

# METADATA
# scope: document
# description: >-
#   any_unknown(r, keys) holds when r's tags are unknown until apply (null), or the value of one of keys is;
#   undefined otherwise.
any_unknown(r, _) if not _known(r)

any_unknown(r, keys) if {
	some key in keys
	unknown.tag(r, key)
}
