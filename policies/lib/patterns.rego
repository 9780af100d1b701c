# METADATA
# description: |
#   Matching of configured lists (regions, instance families, GPU models) against resource values.
#   Entries are case-insensitive glob patterns with no delimiters: "europe-*" matches "europe-west4",
#   "p5*" matches "p5" and "p5e"; an entry without wildcards must match exactly.
package tollgate.lib.patterns

# METADATA
# description: >-
#   any_match(patterns, value): value matches at least one entry of patterns (case-insensitive globs); undefined
#   when none does.
any_match(patterns, value) if {
	some pattern in patterns
	glob.match(lower(pattern), [], lower(value))
}
