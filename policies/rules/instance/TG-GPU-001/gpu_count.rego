# METADATA
# title: GPUs per instance stay within the environment's limit
# description: >-
#   Large multi-GPU machines cost tens of dollars an hour each; environments cap the accelerators per
#   instance or node (e.g. one GPU in dev) so experiments do not silently claim 8-GPU nodes.
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

# limits(r) are the limits that apply, by where they come from; the lowest one wins.
limits(r) := {source: limit |
	some source, limit in {
		sprintf("environment %s", [messages.quote(environment.name(r))]): environment.setting(r, ["gpu", "max_per_instance"]),
		"rule parameter max_per_instance": config.param("TG-GPU-001", "max_per_instance"),
	}
	is_number(limit)
}

limit(r) := min({l | some l in limits(r)}) if count(limits(r)) > 0

# binding(r) names the source(s) of the lowest limit.
binding(r) := concat(" and ", sort([source | some source, l in limits(r); l == limit(r)]))

# model(r) names the accelerator for messages: "A100 accelerators", or "accelerators" when the model is unknown.
model(r) := concat(" ", [r.compute.accelerator.model, "accelerators"]) if is_string(r.compute.accelerator.model)

model(r) := "accelerators" if not is_string(r.compute.accelerator.model)

evidence(r) := {
	"compute.accelerator.model": r.compute.accelerator.model,
	"compute.accelerator.count": r.compute.accelerator.count,
	"compute.instanceType": r.compute.instanceType,
	"environment": environment.name(r),
	"max_per_instance": limit(r),
}

# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if environment.configured(["gpu", "max_per_instance"])

_active if is_number(config.param("TG-GPU-001", "max_per_instance"))

findings contains finding.new(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_number(r.compute.accelerator.count)
	r.compute.accelerator.count > limit(r)
	message := sprintf("%s has %s %s per instance%s, over the limit of %s set by %s", [
		r.address, messages.show(r.compute.accelerator.count), model(r),
		messages.instance_type(r), messages.show(limit(r)), binding(r),
	])
}

findings contains finding.indeterminate(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_object(r.compute.accelerator)
	r.compute.accelerator.count == null
	message := sprintf("number of %s of %s is unknown until apply, so it cannot be checked against the limit of %s set by %s", [
		model(r), r.address, messages.show(limit(r)), binding(r),
	])
}
