# METADATA
# description: |
#   Finding constructors. A rule's findings set holds {resource, message, indeterminate, evidence}
#   (optionally severity / remediation overrides); decision.rego adds rule, severity, remediation and
#   applies enforcement and exemptions.
package tollgate.lib.finding

# METADATA
# description: >-
#   new(r, message, evidence) is the finding that r (any object with an address) breaks the rule: {resource,
#   message, indeterminate: false, evidence}.
new(r, message, evidence) := {
	"resource": r.address,
	"message": message,
	"indeterminate": false,
	"evidence": evidence,
}

# METADATA
# description: >-
#   indeterminate(r, message, evidence) is the finding that the rule cannot decide r until apply (indeterminate:
#   true, always a warning); never a silent pass.
indeterminate(r, message, evidence) := {
	"resource": r.address,
	"message": message,
	"indeterminate": true,
	"evidence": evidence,
}
