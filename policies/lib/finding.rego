# METADATA
# description: |
#   Finding constructors. A rule's findings set holds {resource, message, indeterminate, evidence}
#   (optionally severity / remediation overrides); decision.rego adds rule, severity, remediation and
#   applies enforcement and exemptions.
package tollgate.lib.finding

# new(r, message, evidence): r breaks the rule.
new(r, message, evidence) := {
	"resource": r.address,
	"message": message,
	"indeterminate": false,
	"evidence": evidence,
}

# indeterminate(r, message, evidence): the rule cannot decide until apply; never a silent pass.
indeterminate(r, message, evidence) := {
	"resource": r.address,
	"message": message,
	"indeterminate": true,
	"evidence": evidence,
}
