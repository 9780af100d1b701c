# METADATA
# description: |
#   The only clock: input.context.now (RFC 3339, set by the CLI and pinned in tests). There are no time.*
#   builtins in the wasm target, and decisions must be reproducible, so dates are compared as
#   "YYYY-MM-DD" strings, which order correctly as text.
package tollgate.lib.clock

# METADATA
# description: >-
#   today is the evaluation date, "YYYY-MM-DD" from input.context.now. Undefined when the input has no clock;
#   exemptions and approvals dated against it then never count (fail closed).
today := substring(input.context.now, 0, 10) if {
	is_string(input.context.now)
	count(input.context.now) >= 10
}
