# METADATA
# description: |
#   Unknown-value handling. The model turns "unknown until apply" into null and lists the raw attribute
#   paths in resource.unknown ("kms_key_id", "tags.team"), so a rule can say why a value is missing.
package tollgate.lib.unknown

# METADATA
# description: >-
#   attribute(r, path) holds when the provider attribute at path (raw, e.g. "kms_key_id" or "tags.team") is
#   listed in r.unknown, i.e. unknown until apply; undefined when it is not listed or r has no unknown list.
attribute(r, path) if path in r.unknown

# METADATA
# description: >-
#   tag(r, key) holds when the value of r's tag key is unknown until apply (attribute "tags.<key>"); undefined
#   when the tag is known or absent.
tag(r, key) if attribute(r, concat(".", ["tags", key]))

# METADATA
# scope: document
# description: >-
#   why(r, path) says why the attribute at path has no value, for messages: "<path> is unknown until apply"
#   when it is, else "<path> is not set in the plan". Always defined.
why(r, path) := concat(" ", [path, "is unknown until apply"]) if {
	# One rule with else: r's unknown list is searched once, not once per clause.
	attribute(r, path)
} else := concat(" ", [path, "is not set in the plan"])
