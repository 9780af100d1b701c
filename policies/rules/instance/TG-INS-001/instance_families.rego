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

# _judged: [resource, its environment's deny and allow lists, one of its machine shapes] for every shape of every
# resource with compute, for the four clauses that judge shapes: each resource's lists are looked up once.
_judged := [[r, lists, v] |
	some r in resources.with_compute
	settings := environment.settings(r)
	lists := {
		"deny": object.get(settings, ["instance_families", "deny"], []),
		"allow": object.get(settings, ["instance_families", "allow"], []),
	}
	some v in resources.variants(r)
]

_restricted(lists) if count(lists.deny) > 0

_restricted(lists) if count(lists.allow) > 0

_evidence(r, v, lists) := {
	"compute.instanceType": v.instanceType,
	"compute.family": v.family,
	"environment": environment.name(r),
	"allow": lists.allow,
	"deny": lists.deny,
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
findings contains finding.new(r, message, _evidence(r, v, lists)) if {
	_active
	some [r, lists, v] in _judged
	is_string(v.family)
	patterns.any_match(lists.deny, v.family)
	message := messages.text([
		r.address, " uses instance type ", messages.quote(v.instanceType), " of family ",
		messages.quote(v.family), ", which environment ", messages.quote(environment.name(r)),
		" denies (denied: ", messages.list(lists.deny), ")",
	])
}

findings contains finding.new(r, message, _evidence(r, v, lists)) if {
	_active
	some [r, lists, v] in _judged
	is_string(v.family)
	count(lists.allow) > 0
	not patterns.any_match(lists.allow, v.family)
	not patterns.any_match(lists.deny, v.family)
	message := messages.text([
		r.address, " uses instance type ", messages.quote(v.instanceType), " of family ",
		messages.quote(v.family), ", which is not among the families environment ",
		messages.quote(environment.name(r)), " allows (allowed: ", messages.list(lists.allow), ")",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v, lists)) if {
	_active
	some [r, lists, v] in _judged
	_restricted(lists)
	v.instanceType == null
	message := messages.text([
		"instance type of ", r.address,
		" is unknown until apply, so its family cannot be checked against environment ",
		messages.quote(environment.name(r)), " (", unknown.why(r, "instance_type"), ")",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v, lists)) if {
	_active
	some [r, lists, v] in _judged
	_restricted(lists)
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
