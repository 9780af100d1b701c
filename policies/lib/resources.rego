# METADATA
# description: Selectors over input.resources (the normalised Resource model of src/model/resource.ts).
package tollgate.lib.resources

# Deletions never reach the input; "read" (data sources) changes nothing, so it is not judged.
judged_actions := {"create", "update", "replace", "no-op"}

# These selectors are arrays, not sets: a set of resources would hash and compare every whole
# resource object on insertion, which dominates evaluation time on large plans (wasm has no indexing).
judged := [r | some r in input.resources; r.action in judged_actions]

# data_stores hold data at rest: storage and databases.
data_stores := [r | some r in judged; r.kind in {"storage", "database"}]

with_compute := [r | some r in judged; is_object(r.compute)]

# with_encryption: anything that states its at-rest encryption, compute included (an instance's volumes).
with_encryption := [r | some r in judged; is_object(r.encryption)]

with_transport := [r | some r in judged; is_object(r.transport)]

# field(r, path) is the value at path in r, null when absent: "absent" and "unknown" are both null in the model.
field(r, path) := object.get(r, path, null)

# Providers whose resources live in a region; kind "other" (IAM, DNS, ...) is often global, so a missing
# region is only suspicious on the kinds below.
_regional_providers := {"aws", "gcp", "azure"}

_regional_kinds := {"compute", "storage", "database", "transport"}

# regional(r): r has a region, known or not (a null region on it means "unknown", not "global").
regional(r) if is_string(field(r, "region"))

regional(r) if {
	r.provider in _regional_providers
	r.kind in _regional_kinds
}

# variants(r) are the machine shapes of r's compute, every element of a list-valued attribute
# (compute.variants: EKS instance_types, SageMaker production variants, a workload's pod templates); for
# input without variants, the compute itself. Rules judge every variant, so the second element counts too.
variants(r) := r.compute.variants if _has_variants(r)

variants(r) := [{
	"instanceType": field(r, ["compute", "instanceType"]),
	"family": field(r, ["compute", "family"]),
	"instanceCount": field(r, ["compute", "instanceCount"]),
	"accelerators": _summary_accelerators(r),
}] if {
	is_object(r.compute)
	not _has_variants(r)
}

_has_variants(r) if {
	is_array(r.compute.variants)
	count(r.compute.variants) > 0
}

_summary_accelerators(r) := [r.compute.accelerator] if is_object(r.compute.accelerator)

_summary_accelerators(r) := [] if not is_object(field(r, ["compute", "accelerator"]))

# accelerators_known(v): the accelerators of variant v are known (a list, maybe empty); they are
# unknown (null) when its instance type is unknown until apply or missing from the instance-type table.
accelerators_known(v) if is_array(v.accelerators)

# accelerator_count(v) is the number of accelerators on one instance of variant v, every kind together;
# null when one kind's count is unknown. Undefined when the accelerators themselves are unknown.
accelerator_count(v) := sum([a.count | some a in v.accelerators]) if {
	is_array(v.accelerators)
	every a in v.accelerators {
		is_number(a.count)
	}
}

accelerator_count(v) := null if {
	is_array(v.accelerators)
	some a in v.accelerators
	not is_number(a.count)
}
