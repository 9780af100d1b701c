# METADATA
# description: |
#   Exemptions (config.exemptions): {rule, resource, reason, owner, expires}.
#   rule is a rule id or "*" (any rule). resource is a glob on the resource address with "." as the
#   delimiter: "*" matches within one address segment, "**" across segments, "?" one character; "[" and
#   "]" are literal (addresses contain them: aws_instance.web[0]), so:
#     aws_s3_bucket.*        every root-module aws_s3_bucket (aws_s3_bucket.logs, aws_s3_bucket.x[0])
#     module.legacy.**       everything inside module.legacy, nested modules included
#     module.legacy.*        NOT module.legacy.aws_s3_bucket.logs (that address has two more segments)
#     aws_instance.web[*]    every instance of aws_instance.web
#   A for_each key containing "." (aws_s3_bucket.b["a.b"]) spans segments; match it with "**".
#   An exemption is active while expires (YYYY-MM-DD) >= today; it applies through its expiry date.
#   An exemption with no expires, or evaluated without input.context.now, is never active (fail closed).
package tollgate.lib.exemptions

import data.tollgate.lib.clock
import data.tollgate.lib.config

# METADATA
# description: configured is the list of exemptions in tollgate.yaml, in config order; [] when there are none.
configured := config.section("exemptions", [])

# _glob_matches(pattern, address): see the package description for the pattern language.
_glob_matches(pattern, address) if glob.match(_literal_brackets(pattern), ["."], address)

# glob.match treats [...] as a character class; addresses use brackets for count/for_each keys.
_literal_brackets(pattern) := replace(replace(pattern, "[", "\\["), "]", "\\]")

# _covers(e, id, address): exemption e names rule id (or "*") and its pattern matches address.
_covers(e, id, address) if {
	e.rule in {id, "*"}
	_glob_matches(e.resource, address)
}

# _active(e): e has not expired. Same-day expiry still applies.
_active(e) if {
	is_string(e.expires)
	e.expires >= clock.today
}

# METADATA
# description: >-
#   expired(e): exemption e's expires date is before today; undefined when e has no expires string or the input
#   has no clock.
expired(e) if {
	is_string(e.expires)
	substring(e.expires, 0, 10) < clock.today
}

# METADATA
# description: >-
#   for_finding(id, address) is the first active exemption (config order) whose rule is id or "*" and whose
#   pattern matches address; undefined when none covers the finding.
for_finding(id, address) := [e |
	some e in configured
	_active(e)
	_covers(e, id, address)
][0]
