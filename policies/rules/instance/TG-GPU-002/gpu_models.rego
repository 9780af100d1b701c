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

allowed(r) := environment.setting(r, ["gpu", "allowed_models"])

evidence(r) := {
	"compute.accelerator.model": r.compute.accelerator.model,
	"compute.instanceType": r.compute.instanceType,
	"environment": environment.name(r),
	"allowed_models": allowed(r),
}

# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if environment.configured(["gpu", "allowed_models"])

findings contains finding.new(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_array(allowed(r))
	is_string(r.compute.accelerator.model)
	not patterns.any_match(allowed(r), r.compute.accelerator.model)
	message := sprintf("%s uses %s accelerators%s, which environment %s does not allow (allowed: %s)", [
		r.address, messages.quote(r.compute.accelerator.model), messages.instance_type(r),
		messages.quote(environment.name(r)), messages.list(allowed(r)),
	])
}

findings contains finding.indeterminate(r, message, evidence(r)) if {
	_active
	some r in resources.with_compute
	is_array(allowed(r))
	is_object(r.compute.accelerator)
	r.compute.accelerator.model == null
	message := sprintf("accelerator model of %s%s is unknown until apply, so it cannot be checked against environment %s (allowed: %s)", [
		r.address, messages.instance_type(r), messages.quote(environment.name(r)), messages.list(allowed(r)),
	])
}
