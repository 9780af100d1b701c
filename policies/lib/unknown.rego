# METADATA
# description: |
#   Unknown-value handling. The model turns "unknown until apply" into null and lists the raw attribute
#   paths in resource.unknown ("kms_key_id", "tags.team"), so a rule can say why a value is missing.
package tollgate.lib.unknown

# attribute(r, path): the provider attribute at path is unknown until apply.
attribute(r, path) if path in object.get(r, "unknown", [])

# tag(r, key): the value of tag key is unknown until apply.
tag(r, key) if attribute(r, concat(".", ["tags", key]))

# why(r, path) says why the attribute at path has no value, for messages.
why(r, path) := concat(" ", [path, "is unknown until apply"]) if attribute(r, path)

why(r, path) := concat(" ", [path, "is not set in the plan"]) if not attribute(r, path)
