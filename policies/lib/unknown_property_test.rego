# METADATA
# description: |
#   Property: for every built-in resource rule and every resource kind it reads, making the attribute it needs
#   unknown (null, listed in resource.unknown) turns its verdict into indeterminate: never a pass, never a
#   violation. Each case is a resource the rule judges a violation; the same resource with the attribute
#   unknown must give findings, all indeterminate.
package tollgate.lib.unknown_property_test

_config := {
	"default_environment": "dev",
	"environments": {"dev": {
		"gpu": {"max_per_instance": 1, "allowed_models": ["T4"]},
		"instance_families": {"deny": ["p5", "a3", "NDisr*"]},
		"allowed_regions": ["us-east-1"],
	}},
	"rules": {"TG-TAG-001": {"parameters": {"required": {"team": []}}}},
}

_compute(provider, instance_type, family, model) := {
	"address": concat(".", [provider, "r"]),
	"type": "x",
	"provider": provider,
	"kind": "compute",
	"action": "create",
	"region": "eu-west-9",
	"taggable": true,
	"tags": {"environment": "dev"},
	"compute": {
		"role": "instance",
		"instanceType": instance_type,
		"family": family,
		"instanceCount": 1,
		"accelerator": {"model": model, "count": 8, "memoryGiB": 80},
		"variants": [{
			"instanceType": instance_type,
			"family": family,
			"instanceCount": 1,
			"accelerators": [{"model": model, "count": 8, "memoryGiB": 80}],
		}],
	},
	"unknown": [],
}

# [rule area, rule id, resource, unknown version of the resource]
_cases := [[area, id, r, u] |
	some provider, shape in {
		"aws": ["p5.48xlarge", "p5"],
		"gcp": ["a3-highgpu-8g", "a3"],
		"azure": ["Standard_ND96isr_H100_v5", "NDisr_H100_v5"],
		"kubernetes": ["p5.48xlarge", "p5"],
	}
	r := _compute(provider, shape[0], shape[1], "H100")
	some [area, id, u] in [
		["instance", "TG-GPU-001", json.patch(r, [
			{"op": "replace", "path": "/compute/variants/0/accelerators/0/count", "value": null},
			{"op": "replace", "path": "/compute/accelerator/count", "value": null},
		])],
		["instance", "TG-GPU-001", json.patch(r, [{"op": "replace", "path": "/compute/variants/0/accelerators", "value": null}])],
		["instance", "TG-GPU-002", json.patch(r, [
			{"op": "replace", "path": "/compute/variants/0/accelerators/0/model", "value": null},
			{"op": "replace", "path": "/compute/accelerator/model", "value": null},
		])],
		["instance", "TG-GPU-002", json.patch(r, [{"op": "replace", "path": "/compute/variants/0/accelerators", "value": null}])],
		["instance", "TG-INS-001", json.patch(r, [
			{"op": "replace", "path": "/compute/variants/0/instanceType", "value": null},
			{"op": "replace", "path": "/compute/variants/0/family", "value": null},
			{"op": "replace", "path": "/compute/instanceType", "value": null},
			{"op": "replace", "path": "/compute/family", "value": null},
			{"op": "replace", "path": "/unknown", "value": ["instance_type"]},
		])],
		["region", "TG-REG-001", json.patch(r, [
			{"op": "replace", "path": "/region", "value": null},
			{"op": "replace", "path": "/unknown", "value": ["region"]},
		])],
		["tagging", "TG-TAG-001", json.patch(r, [{"op": "replace", "path": "/tags", "value": null}])],
		# An unknown environment tag: environment-dependent rules are indeterminate, not judged as "dev".
		["instance", "TG-GPU-002", json.patch(r, [{"op": "replace", "path": "/tags", "value": null}])],
		["instance", "TG-INS-001", json.patch(r, [{"op": "replace", "path": "/tags", "value": null}])],
		["region", "TG-REG-001", json.patch(r, [{"op": "replace", "path": "/tags", "value": null}])],
	]

	# A Kubernetes object states no region attribute that could be unknown: its region comes from node
	# labels or the cluster's configured region, and one that names neither is not regional.
	not _region_of_kubernetes(provider, id)
]

_region_of_kubernetes("kubernetes", "TG-REG-001")

_findings(area, id, r) := found if {
	found := data.tollgate.rules[area][id].findings with input as {"resources": [r]} with data.tollgate.config as _config
}

_violates(area, id, r) if {
	some f in _findings(area, id, object.union(r, {"tags": {"environment": "dev"}}))
	f.indeterminate == false
}

_only_indeterminate(area, id, u) if {
	found := _findings(area, id, u)
	count(found) > 0
	every f in found {
		f.indeterminate == true
	}
}

_not_violating contains [id, r.provider] if {
	some [area, id, r, _] in _cases
	not _violates(area, id, r)
}

_not_indeterminate contains [id, u.provider] if {
	some [area, id, _, u] in _cases
	not _only_indeterminate(area, id, u)
}

test_every_case_violates_when_known if {
	count(_not_violating) == 0
}

test_unknown_attribute_is_indeterminate_never_pass_or_violation if {
	count(_not_indeterminate) == 0
}

test_cases_cover_every_provider if {
	count(_cases) == 38
}
