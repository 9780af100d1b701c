# METADATA
# description: Selectors over input.resources (the normalised Resource model of src/model/resource.ts).
package tollgate.lib.resources

# Deletions never reach the input; "read" (data sources) changes nothing, so it is not judged.
_judged_actions := {"create", "update", "replace", "no-op"}

# These selectors are arrays, not sets: a set of resources would hash and compare every whole
# resource object on insertion, which dominates evaluation time on large plans (wasm has no indexing).

# METADATA
# description: >-
#   judged is the array of input resources whose action is create, update, replace or no-op (deletions never
#   reach the input; data sources, "read", are left out), companions left out: a resource that configures
#   another (companionOf, an S3 bucket policy) is judged through the resource it configures, not on its own.
judged := [r |
	some r in input.resources
	r.action in _judged_actions
	not companion(r)
]

# METADATA
# description: >-
#   companion(r) holds when r configures another resource (r.companionOf is present, the parent's address or
#   null when the plan does not tell which); undefined otherwise.
companion(r) if object.get(r, "companionOf", false) != false

# The resources some companion configures, by address: only these are looked up, so plans without companions
# pay for one pass.
_parent_addresses contains c.companionOf if {
	some c in input.resources
	is_string(object.get(c, "companionOf", null))
}

_parents[p.address] := p if {
	some p in input.resources
	p.address in _parent_addresses
}

# METADATA
# scope: document
# description: >-
#   owner(r) is the resource whose environment and classification r has: the resource a companion configures
#   when it is in the input, else r itself.
owner(r) := parent if {
	# One rule with else: most resources are no companion, and their parent is looked up once, not twice.
	parent := _parents[r.companionOf]
} else := r

# METADATA
# description: data_stores is the array of judged resources that hold data at rest (kind storage or database).
data_stores := [r | some r in judged; r.kind in _data_kinds]

# A rule, not a literal in the comprehension: wasm builds a literal set again for every resource.
_data_kinds := {"storage", "database"}

# METADATA
# description: with_compute is the array of judged resources that carry a compute object.
with_compute := [r | some r in judged; is_object(r.compute)]

# METADATA
# description: >-
#   with_encryption is the array of judged resources that carry an encryption object, compute included (an
#   instance's volumes).
with_encryption := [r | some r in judged; is_object(r.encryption)]

# METADATA
# description: with_transport is the array of judged resources that carry a transport object.
with_transport := [r | some r in judged; is_object(r.transport)]

# METADATA
# description: >-
#   field(r, path) is the value at path (a key or an array of keys) in r; null when absent, and "absent" and
#   "unknown until apply" are both null in the model.
field(r, path) := object.get(r, path, null)

# Providers whose resources live in a region; kind "other" (IAM, DNS, ...) is often global, so a missing
# region is only suspicious on the kinds below.
_regional_providers := {"aws", "gcp", "azure"}

_regional_kinds := {"compute", "storage", "database", "transport"}

# METADATA
# scope: document
# description: >-
#   regional(r) holds when r has a region, known or not: its region is a string, or it is an AWS, GCP or Azure
#   resource of a regional kind, where a null region means unknown until apply, not global.
regional(r) if is_string(field(r, "region"))

regional(r) if {
	r.provider in _regional_providers
	r.kind in _regional_kinds
}

# METADATA
# scope: document
# description: >-
#   variants(r) is the array of machine shapes of r's compute (compute.variants: EKS instance_types, SageMaker
#   production variants, pod templates), every one to be judged; without variants, one built from the compute
#   itself. Undefined when r has no compute.
variants(r) := r.compute.variants if {
	# One rule with else: wasm evaluates every clause of a function, so two clauses tested _has_variants twice.
	_has_variants(r)
} else := [{
	"instanceType": field(r, ["compute", "instanceType"]),
	"family": field(r, ["compute", "family"]),
	"instanceCount": field(r, ["compute", "instanceCount"]),
	"accelerators": _summary_accelerators(r),
}] if {
	is_object(r.compute)
}

_has_variants(r) if {
	is_array(r.compute.variants)
	count(r.compute.variants) > 0
}

_summary_accelerators(r) := [r.compute.accelerator] if {
	is_object(r.compute.accelerator)
} else := []

# METADATA
# description: >-
#   accelerators_known(v) holds when the accelerators of variant v are known (an array, maybe empty); undefined
#   when they are null: its instance type is unknown until apply or missing from the instance-type table.
accelerators_known(v) if is_array(v.accelerators)

# METADATA
# scope: document
# description: >-
#   accelerator_count(v) is the number of accelerators on one instance of variant v, every kind together; null
#   when one kind's count is unknown, undefined when the accelerators themselves are unknown.
accelerator_count(v) := sum([a.count | some a in v.accelerators]) if {
	is_array(v.accelerators)
	every a in v.accelerators {
		is_number(a.count)
	}
} else := null if {
	# Some kind's count is not a number.
	is_array(v.accelerators)
}
