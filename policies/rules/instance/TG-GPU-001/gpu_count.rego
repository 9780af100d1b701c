# METADATA
# title: GPUs per instance stay within the environment's limit
# description: >-
#   Large multi-GPU machines cost tens of dollars an hour each; environments cap the accelerators per
#   instance or node (e.g. one GPU in dev) so experiments do not silently claim 8-GPU nodes. Every machine
#   shape is judged: each element of an EKS node group's instance_types, each SageMaker production variant,
#   every guest_accelerator block; a type the instance-type table does not know is indeterminate.
# custom:
#   id: TG-GPU-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Use a smaller instance type of the same family (p4d.24xlarge has 8 A100s; g5.xlarge has 1 A10G), lower the
#     GPU request (Kubernetes `nvidia.com/gpu`), or raise environments.<env>.gpu.max_per_instance with approval.
#   parameters:
#     max_per_instance:
#       description: >-
#         Global limit on accelerators per instance in every environment; null means none
#         (environments may still set their own).
#       default: null
package tollgate.rules.instance["TG-GPU-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.environment
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources

_parameter := config.param("TG-GPU-001", "max_per_instance")

# _limits(r): each limit set on r, by its source's name, for a finding's message.
_limits(r) := {source: limit |
	some source, limit in {
		concat("", ["environment ", messages.quote(environment.name(r))]): environment.setting(r, ["gpu", "max_per_instance"]),
		"rule parameter max_per_instance": _parameter,
	}
	is_number(limit)
}

# _limit(r): the lowest of those limits, found without naming their sources (only a finding's message needs them).
_limit(r) := min(limits) if {
	limits := {limit |
		some limit in [environment.setting(r, ["gpu", "max_per_instance"]), _parameter]
		is_number(limit)
	}
	count(limits) > 0
}

# _judged: [resource, its limit, one of its machine shapes] for every shape of every resource with a limit, for
# the three clauses that judge shapes: each resource's limit is found once and its shapes listed once.
_judged := [[r, limit, v] |
	some r in resources.with_compute
	limit := _limit(r)
	some v in resources.variants(r)
]

_binding(r) := concat(" and ", sort([source | some source, l in _limits(r); l == _limit(r)]))

# _model(v) names the accelerators of one machine shape: "A100 accelerators" when they are all one known
# model, else "accelerators".
_model(v) := concat(" ", [_models(v)[0], "accelerators"]) if {
	count(_models(v)) == 1
	is_string(_models(v)[0])
}

_model(v) := "accelerators" if not _single_model(v)

_models(v) := sort({a.model | some a in object.get(v, "accelerators", [])})

_single_model(v) if {
	count(_models(v)) == 1
	is_string(_models(v)[0])
}

_first_model(v) := v.accelerators[0].model if is_array(v.accelerators)

_first_model(v) := null if not is_array(v.accelerators)

_first_model(v) := null if count(object.get(v, "accelerators", [])) == 0

_evidence(r, v, limit) := {
	"compute.accelerator.model": _first_model(v),
	"compute.accelerator.count": resources.accelerator_count(v),
	"compute.instanceType": v.instanceType,
	"environment": environment.name(r),
	"max_per_instance": limit,
}

_unknown_evidence(r, v, limit) := {
	"compute.accelerator.model": null,
	"compute.accelerator.count": null,
	"compute.instanceType": v.instanceType,
	"environment": environment.name(r),
	"max_per_instance": limit,
}

# Whether some environment sets a limit: looked up once for _active and for the unknown environments below.
default _environment_limits := false

_environment_limits if environment.configured(["gpu", "max_per_instance"])

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

_active if _environment_limits

_active if is_number(_parameter)

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per machine shape of a compute resource with more accelerators per instance than
#   the lowest limit that applies (environment gpu.max_per_instance, parameter max_per_instance); indeterminate
#   when the count, the accelerators or the environment is unknown until apply.
findings contains finding.new(r, message, _evidence(r, v, limit)) if {
	_active
	some [r, limit, v] in _judged
	total := resources.accelerator_count(v)
	is_number(total)
	total > limit
	message := messages.text([
		r.address, " has ", messages.show(total), " ", _model(v), " per instance", messages.variant_type(v),
		", over the limit of ", messages.show(limit), " set by ", _binding(r),
	])
}

findings contains finding.indeterminate(r, message, _evidence(r, v, limit)) if {
	_active
	some [r, limit, v] in _judged
	resources.accelerator_count(v) == null
	message := messages.text([
		"number of ", _model(v), " of ", r.address,
		" is unknown until apply, so it cannot be checked against the limit of ", messages.show(limit),
		" set by ", _binding(r),
	])
}

# An instance type that is unknown, or that the table does not know, may carry any number of GPUs.
findings contains finding.indeterminate(r, message, _unknown_evidence(r, v, limit)) if {
	_active
	some [r, limit, v] in _judged
	not resources.accelerators_known(v)
	message := messages.text([
		messages.unknown_accelerators(r, v), ": they cannot be checked against the limit of ",
		messages.show(limit), " set by ", _binding(r),
	])
}

# A resource whose environment tag is unknown until apply is not judged as the default environment.
findings contains finding.indeterminate(r, message, {"environment": null, "unknown": environment.unknown_why(r)}) if {
	_environment_limits
	some r in resources.with_compute
	environment.unknown(r)
	message := messages.text([
		"environment of ", r.address, " is unknown until apply (", environment.unknown_why(r),
		"), so its GPU limit per instance cannot be chosen",
	])
}
