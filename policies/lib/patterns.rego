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
	# Most look-ups name an entry exactly (an allowed region, model or environment): an equal entry decides at
	# once, with one syntax test of the value, instead of every entry being matched (wasm evaluates every entry
	# and every clause of _matches, with no early exit). An equal entry with glob syntax is a glob ("a?" matches
	# itself, "[ab]" does not), so it goes to the per-entry match below.
	v := lower(value)
	v in [lower(pattern) | some pattern in patterns]
	_literal(v)
} else if {
	v := lower(value)
	some pattern in patterns
	_matches(lower(pattern), v)
}

# _literal(text): text has none of the characters with a meaning in glob.match patterns (wildcards, classes,
# alternatives, escapes). One clause per character: a builtin call each, cheaper than iterating a list of them.
_literal(text) if not _has_syntax(text)

_has_syntax(text) if contains(text, "*")

_has_syntax(text) if contains(text, "?")

_has_syntax(text) if contains(text, "[")

_has_syntax(text) if contains(text, "]")

_has_syntax(text) if contains(text, "{")

_has_syntax(text) if contains(text, "}")

_has_syntax(text) if contains(text, "\\")

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
