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

_deny_list(r) := object.get(environment.settings(r), ["instance_families", "deny"], [])

_allow_list(r) := object.get(environment.settings(r), ["instance_families", "allow"], [])

_restricted(r) if count(_deny_list(r)) > 0

_restricted(r) if count(_allow_list(r)) > 0

_evidence(r, v) := {
	"compute.instanceType": v.instanceType,
	"compute.family": v.family,
	"environment": environment.name(r),
	"allow": _allow_list(r),
	"deny": _deny_list(r),
}

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

_active if environment.configured(["instance_families", "deny"])

_active if environment.configured(["instance_families", "allow"])

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per machine shape of a compute resource (each of an EKS node group's instance_types,
#   each production variant) whose family the environment denies, or does not allow when it has an allow list;
#   indeterminate when the instance type, its family or the environment is unknown.
findings contains finding.new(r, message, _evidence(r, v)) if {
	_active
	some r in resources.with_compute
	some v in resources.variants(r)
	is_string(v.family)
	patterns.any_match(_deny_list(r), v.family)
	message := messages.text([
		r.address, " uses instance type ", messages.quote(v.instanceType), " of family ",
		messages.quote(v.family), ", which environment ", messages.quote(environment.name(r)),
		" denies (denied: ", messages.list(_deny_list(r)), ")",
	])
}

findings contains finding.new(r, message, _evidence(r, v)) if {
	_active
	some r in resources.with_compute
	some v in resources.variants(r)
	is_string(v.family)
	count(_allow_list(r)) > 0
	not patterns.any_match(_allow_list(r), v.family)
	not patterns.any_match(_deny_list(r), v.family)
	message := messages.text([
		r.address, " uses instance type ", messages.quote(v.instanceType), " of family ",
		messages.quote(v.family), ", which is not among the families environment ",
		messages.quote(environment.name(r)), " allows (allowed: ", messages.list(_allow_list(r)), ")",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v)) if {
	_active
	some r in resources.with_compute
	_restricted(r)
	some v in resources.variants(r)
	v.instanceType == null
	message := messages.text([
		"instance type of ", r.address,
		" is unknown until apply, so its family cannot be checked against environment ",
		messages.quote(environment.name(r)), " (", unknown.why(r, "instance_type"), ")",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v)) if {
	_active
	some r in resources.with_compute
	_restricted(r)
	some v in resources.variants(r)
	is_string(v.instanceType)
	v.family == null
	message := messages.text([
		"instance family of ", r.address, " (instance type ", messages.quote(v.instanceType),
		") could not be determined, so it cannot be checked against environment ",
		messages.quote(environment.name(r)),
	])
}

# A resource whose environment tag is unknown until apply is not judged as the default environment.
findings contains finding.indeterminate(r, message, {"environment": null, "unknown": environment.unknown_why(r)}) if {
	_active
	some r in resources.with_compute
	environment.unknown(r)
	message := messages.text([
		"environment of ", r.address, " is unknown until apply (", environment.unknown_why(r),
		"), so its allowed instance families cannot be chosen",
	])
}
