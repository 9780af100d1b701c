# METADATA
# description: |
#   Matching of configured lists (regions, instance families, GPU models) against resource values.
#   Entries are case-insensitive glob patterns with no delimiters: "europe-*" matches "europe-west4",
#   "p5*" matches "p5" and "p5e"; an entry without wildcards must match exactly.
#   The wasm build compiles a glob into a regular expression on every glob.match call, so the common shapes
#   are matched without it: an entry with no glob syntax by equality, "prefix*" by startswith and "*suffix"
#   by endswith; only other entries reach glob.match. The decision is the same either way.
package tollgate.lib.patterns

# METADATA
# description: >-
#   any_match(patterns, value): value matches at least one entry of patterns (case-insensitive globs); undefined
#   when none does.
any_match(patterns, value) if {
	some pattern in patterns
	_matches(lower(pattern), lower(value))
}

# Characters with a meaning in glob.match patterns (wildcards, classes, alternatives, escapes), each replaced by
# nothing: a text without them is left unchanged by strings.replace_n (one builtin call, not one per character).
_syntax := {"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": ""}

_literal(text) if strings.replace_n(_syntax, text) == text

# _matches(pattern, value): both lower-cased already. The cheap string tests come before _literal.
_matches(pattern, value) if {
	pattern == value
	_literal(pattern)
}

_matches(pattern, value) if {
	endswith(pattern, "*")
	prefix := substring(pattern, 0, count(pattern) - 1)
	startswith(value, prefix)
	_literal(prefix)
}

_matches(pattern, value) if {
	startswith(pattern, "*")
	suffix := substring(pattern, 1, -1)
	endswith(value, suffix)
	_literal(suffix)
}

_matches(pattern, value) if {
	not _literal(pattern)
	not _affix(pattern)
	glob.match(pattern, [], value)
}

# _affix(pattern): "prefix*" or "*suffix" with a literal prefix or suffix, matched above without glob.match.
_affix(pattern) if {
	endswith(pattern, "*")
	_literal(substring(pattern, 0, count(pattern) - 1))
}

_affix(pattern) if {
	startswith(pattern, "*")
	_literal(substring(pattern, 1, -1))
}
