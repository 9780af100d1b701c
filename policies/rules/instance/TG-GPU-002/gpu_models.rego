# METADATA
# title: GPU models are allowed in the environment
# description: >-
#   Environments restrict accelerator classes (T4/L4 for development, A100/H100 only where training
#   budgets and quotas are approved). Environments with no allowed_models are not restricted.
# custom:
#   id: TG-GPU-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Pick an instance type (or Kubernetes node selector / GPU resource) whose accelerator is in
#     environments.<env>.gpu.allowed_models, e.g. g6 (L4) instead of p5 (H100) in development.
package tollgate.rules.instance["TG-GPU-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.environment
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.patterns
import data.tollgate.lib.resources

_allowed(r) := environment.setting(r, ["gpu", "allowed_models"])

# _judged: [resource, its allowed models, one of its machine shapes] for every shape of every resource whose
# environment lists allowed models, for the three clauses that judge shapes: each resource's list is looked up
# once and its shapes listed once.
_judged := [[r, allowed, v] |
	some r in resources.with_compute
	allowed := _allowed(r)
	is_array(allowed)
	some v in resources.variants(r)
]

_evidence(r, v, model, allowed) := {
	"compute.accelerator.model": model,
	"compute.instanceType": v.instanceType,
	"environment": environment.name(r),
	"allowed_models": allowed,
}

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

_active if environment.configured(["gpu", "allowed_models"])

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per accelerator of every machine shape (each guest_accelerator block, each instance
#   type of a node group, each production variant) whose model is not in the environment's gpu.allowed_models;
#   indeterminate when a model, a shape's accelerators or the environment is unknown until apply.
findings contains finding.new(r, message, _evidence(r, v, a.model, allowed)) if {
	_active
	some [r, allowed, v] in _judged
	some a in object.get(v, "accelerators", [])
	is_string(a.model)
	not patterns.any_match(allowed, a.model)
	message := messages.text([
		r.address, " uses ", messages.quote(a.model), " accelerators", messages.variant_type(v),
		", which environment ", messages.quote(environment.name(r)), " does not allow (allowed: ",
		messages.list(allowed), ")",
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v, null, allowed)) if {
	_active
	some [r, allowed, v] in _judged
	some a in object.get(v, "accelerators", [])
	a.model == null
	message := messages.text([
		"accelerator model of ", r.address, messages.variant_type(v),
		" is unknown until apply, so it cannot be checked against environment ",
		messages.quote(environment.name(r)), " (allowed: ", messages.list(allowed), ")",
	])
}

# An instance type that is unknown, or that the table does not know, may carry any accelerator.
findings contains finding.indeterminate(r, message, _evidence(r, v, null, allowed)) if {
	_active
	some [r, allowed, v] in _judged
	not resources.accelerators_known(v)
	message := messages.text([
		messages.unknown_accelerators(r, v), ": they cannot be checked against environment ",
		messages.quote(environment.name(r)), " (allowed: ", messages.list(allowed), ")",
	])
}

# A resource whose environment tag is unknown until apply is not judged as the default environment.
findings contains finding.indeterminate(r, message, {"environment": null, "unknown": environment.unknown_why(r)}) if {
	_active
	some r in resources.with_compute
	environment.unknown(r)
	message := messages.text([
		"environment of ", r.address, " is unknown until apply (", environment.unknown_why(r),
		"), so its allowed accelerator models cannot be chosen",
	])
}
