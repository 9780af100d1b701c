# METADATA
# description: |
#   The model inventory (input.inventory: schemas/inventory.schema.json, keys as the user writes them) and
#   the deployments of its versions. A deployment is either a plan resource that names a model version
#   (Resource.model, from the tag tollgate.io/model: <id>@<version>) or a deployment record in the
#   inventory (what is deployed now). A record and a plan resource with the same address are one
#   deployment: the plan's facts win, and the record fills in what a plan cannot state (observed GPU
#   utilization, the machine type behind a Vertex endpoint). Every deployment has the same keys; a fact
#   nobody states is null.
package tollgate.lib.models

import data.tollgate.lib.config
import data.tollgate.lib.environment
import data.tollgate.lib.resources

# METADATA
# description: >-
#   given: an inventory was passed (tollgate check --inventory); undefined without one, and then every model
#   reference is unknown.
given if is_object(object.get(input, "inventory", null))

_listed := object.get(input, ["inventory", "models"], [])

# by_id: the loader rejects duplicate ids, so each id has one entry.
by_id[m.id] := m if some m in _listed

# _version_of(model, name) is the inventory entry of version name of model; undefined when there is none.
_version_of(model, name) := entry if {
	some entry in model.versions
	entry.version == name
}

# Serving platform by resource type prefix, and the cloud a platform implies.
_platform_prefixes := {
	"aws_sagemaker_": "sagemaker",
	"google_vertex_ai_": "vertex",
	"azurerm_machine_learning_": "azureml",
	"kubernetes_": "kubernetes",
}

_platform_clouds := {"sagemaker": "aws", "vertex": "gcp", "azureml": "azure"}

_platform_of_type(type) := _first([p |
	some prefix, p in _platform_prefixes
	startswith(type, prefix)
])

# _first(xs) is the first non-null value of xs, null when there is none.
_first(xs) := array.concat([x | some x in xs; x != null], [null])[0]

_hours_per_month := object.get(config.section("pricing", {}), "hours_per_month", 730)

# _records: every deployment the inventory lists, with the model and version it serves.
_records := [{"model": m.id, "version": v.version, "record": d} |
	some m in _listed
	some v in m.versions
	some d in object.get(v, "deployments", [])
]

# The loader rejects two records naming the same resource, so each address has one record.
_record_at[address] := entry.record if {
	some entry in _records
	address := entry.record.resource
}

# An array, not a set, of resources (see lib/resources): sets hash whole resources.
_referencing := [r |
	some r in resources.judged
	is_object(object.get(r, "model", null))
]

_planned_addresses contains r.address if some r in _referencing

_planned := [_planned_deployment(r) | some r in _referencing]

# A resource that no inventory record names (every one when no inventory is given) takes its facts from the plan
# alone: what the record would add is null or the default, so none of it is looked up.
_planned_deployment(r) := _from_resource(r, record) if {
	record := _record_at[r.address]
} else := _from_plan(r)

_recorded := [_from_record(entry) |
	some entry in _records
	not object.get(entry.record, "resource", null) in _planned_addresses
]

# METADATA
# description: >-
#   deployments is every model deployment to judge, planned ones first, then inventory records no plan resource
#   covers (see the package description); a fact nobody states is null.
deployments := array.concat(_planned, _recorded)

_from_plan(r) := {
	"resource": r.address,
	"source": "plan",
	"model": r.model.id,
	"version": object.get(r.model, "version", null),
	"environment": environment.name(r),
	"cloud": r.provider,
	"platform": _platform_of_type(r.type),
	"region": resources.field(r, "region"),
	"instance_type": resources.field(r, ["compute", "instanceType"]),
	"replicas": resources.field(r, ["compute", "instanceCount"]),
	"hours_per_month": _hours_per_month,
	"gpu_utilization": null,
	"gpu_memory_utilization": null,
	"customer_managed_key": resources.field(r, ["encryption", "customerManagedKey"]),
	"digest": null,
}

# A planned resource with its inventory record: the plan's facts first, the record's where the plan has none.
_from_resource(r, rec) := object.union(plan, {
	"platform": _first([plan.platform, object.get(rec, "platform", null)]),
	"region": _first([plan.region, object.get(rec, "region", null)]),
	"instance_type": _first([plan.instance_type, object.get(rec, "instance_type", null)]),
	"replicas": _first([plan.replicas, object.get(rec, "replicas", null)]),
	"hours_per_month": object.get(rec, "hours_per_month", _hours_per_month),
	"gpu_utilization": object.get(rec, "gpu_utilization", null),
	"gpu_memory_utilization": object.get(rec, "gpu_memory_utilization", null),
	"customer_managed_key": _first([plan.customer_managed_key, object.get(rec, "customer_managed_key", null)]),
	"digest": object.get(rec, "digest", null),
}) if {
	plan := _from_plan(r)
}

_from_record(entry) := {
	"resource": object.get(entry.record, "resource", _record_name(entry)),
	"source": "inventory",
	"model": entry.model,
	"version": entry.version,
	"environment": lower(entry.record.environment),
	"cloud": object.get(entry.record, "cloud", object.get(_platform_clouds, entry.record.platform, null)),
	"platform": entry.record.platform,
	"region": entry.record.region,
	"instance_type": object.get(entry.record, "instance_type", null),
	"replicas": object.get(entry.record, "replicas", null),
	"hours_per_month": object.get(entry.record, "hours_per_month", _hours_per_month),
	"gpu_utilization": object.get(entry.record, "gpu_utilization", null),
	"gpu_memory_utilization": object.get(entry.record, "gpu_memory_utilization", null),
	"customer_managed_key": object.get(entry.record, "customer_managed_key", null),
	"digest": object.get(entry.record, "digest", null),
}

# A record without a resource address is named after what it serves and where: fraud@7/prod/sagemaker/us-east-1.
_record_name(entry) := concat("/", [
	concat("@", [entry.model, entry.version]),
	lower(entry.record.environment),
	entry.record.platform,
	entry.record.region,
])

# METADATA
# scope: document
# description: >-
#   label(d) names the served version in messages, "fraud-detector@7"; the model id alone when the version is
#   not known.
label(d) := concat("@", [d.model, d.version]) if is_string(d.version)

label(d) := d.model if not is_string(d.version)

# METADATA
# description: >-
#   known(d): d's model and version are in the inventory, so model_of(d) and version_entry(d) are defined.
known(d) if version_entry(d)

# METADATA
# description: model_of(d) is the inventory entry of the model d serves; undefined when the inventory does not list it.
model_of(d) := by_id[d.model]

# METADATA
# description: >-
#   version_entry(d) is the inventory entry of the version d serves; undefined when its model or version is not
#   listed.
version_entry(d) := _version_of(model_of(d), d.version)

# ── Weight memory ────────────────────────────────────────────────────────────────────────────────

# Bytes per parameter of each precision (see memory_gib).
_bytes_per_parameter := {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1, "int4": 0.5}

# METADATA
# description: >-
#   precision_bits is the width in bits of each precision ("fp32" to "int4"), to order precisions: fp16 and bf16
#   are the same size.
precision_bits := {"fp32": 32, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "int4": 4}

_gib := 1073741824

# METADATA
# description: >-
#   memory_gib(parameters, precision, overhead) is the accelerator memory in GiB a model needs: its weights
#   (parameters × bytes per parameter at precision) times an overhead factor for KV cache, activations and
#   runtime; undefined for an unknown precision.
memory_gib(parameters, precision, overhead) := ((parameters * _bytes_per_parameter[precision]) * overhead) / _gib
