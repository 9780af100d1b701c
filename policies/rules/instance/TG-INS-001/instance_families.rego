# METADATA
# title: Instance families are allowed in the environment
# description: >-
#   Environments restrict which machine families may run there: no GPU families in dev, no previous
#   generations in production, only families with reserved capacity. A denied family always fails; when
#   an allow list is configured, any family not on it fails.
# custom:
#   id: TG-INS-001
#   severity: medium
#   enforcement: deny
#   remediation: >-
#     Choose an instance type from a family allowed for the environment (environments.<env>.instance_families
#     in tollgate.yaml), e.g. replace p3.8xlarge by a g5 or p4d type where p3 is denied.
package tollgate.rules.instance["TG-INS-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.environment
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.patterns
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

deny_list(r) := object.get(environment.settings(r), ["instance_families", "deny"], [])

allow_list(r) := object.get(environment.settings(r), ["instance_families", "allow"], [])

restricted(r) if count(deny_list(r)) > 0

restricted(r) if count(allow_list(r)) > 0

evidence(r) := {
	"compute.instanceType": r.compute.instanceType,
	"compute.family": r.compute.family,
	"environment": environment.name(r),
	"allow": allow_list(r),
	"deny": deny_list(r),
}

# Deny wins over allow: a family on both lists is denied.
# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if environment.configured(["instance_families", "deny"])

_active if environment.configured(["instance_families", "allow"])

findings contains finding.new(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_string(r.compute.family)
	patterns.any_match(deny_list(r), r.compute.family)
	message := sprintf("%s uses instance type %s of family %s, which environment %s denies (denied: %s)", [
		r.address, messages.quote(r.compute.instanceType), messages.quote(r.compute.family),
		messages.quote(environment.name(r)), messages.list(deny_list(r)),
	])
}

findings contains finding.new(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_string(r.compute.family)
	count(allow_list(r)) > 0
	not patterns.any_match(allow_list(r), r.compute.family)
	not patterns.any_match(deny_list(r), r.compute.family)
	message := sprintf("%s uses instance type %s of family %s, which is not among the families environment %s allows (allowed: %s)", [
		r.address, messages.quote(r.compute.instanceType), messages.quote(r.compute.family),
		messages.quote(environment.name(r)), messages.list(allow_list(r)),
	])
}

findings contains finding.indeterminate(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	r.compute.instanceType == null
	restricted(r)
	message := sprintf("instance type of %s is unknown until apply, so its family cannot be checked against environment %s (%s)", [
		r.address, messages.quote(environment.name(r)), unknown.why(r, "instance_type"),
	])
}

# A known instance type whose family the model could not derive: not a pass.
findings contains finding.indeterminate(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_string(r.compute.instanceType)
	r.compute.family == null
	restricted(r)
	message := sprintf("instance family of %s (instance type %s) could not be determined, so it cannot be checked against environment %s", [
		r.address, messages.quote(r.compute.instanceType), messages.quote(environment.name(r)),
	])
}
