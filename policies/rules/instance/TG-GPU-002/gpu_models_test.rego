package tollgate.rules.instance["TG-GPU-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.instance["TG-GPU-002"] as rule

_gpu_instance(model) := {
	"address": "aws_instance.notebook",
	"type": "aws_instance",
	"kind": "compute",
	"action": "create",
	"tags": {"environment": "dev"},
	"compute": {"instanceType": "p5.48xlarge", "family": "p5", "accelerator": {"model": model, "count": 8}},
	"unknown": [],
}

_config := {"environments": {"dev": {"gpu": {"allowed_models": ["T4", "L4"]}}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_disallowed_model_is_finding if {
	_findings(_gpu_instance("H100"), _config) == {{
		"resource": "aws_instance.notebook",
		"message": "aws_instance.notebook uses \"H100\" accelerators (instance type \"p5.48xlarge\"), which environment \"dev\" does not allow (allowed: \"L4\", \"T4\")",
		"indeterminate": false,
		"evidence": {
			"compute.accelerator.model": "H100",
			"compute.instanceType": "p5.48xlarge",
			"environment": "dev",
			"allowed_models": ["T4", "L4"],
		},
	}}
}

test_allowed_model_passes_case_insensitively if {
	count(_findings(_gpu_instance("l4"), _config)) == 0
}

test_any_model_passes_when_no_config if {
	count(_findings(_gpu_instance("H100"), {})) == 0
}

test_unknown_model_is_indeterminate_when_restricted if {
	some f in _findings(_gpu_instance(null), _config)
	f.indeterminate == true
	f.message == "accelerator model of aws_instance.notebook (instance type \"p5.48xlarge\") is unknown until apply, so it cannot be checked against environment \"dev\" (allowed: \"L4\", \"T4\")"
}

test_no_accelerator_passes_when_restricted if {
	r := object.union(_gpu_instance("H100"), {"compute": {"accelerator": null}})
	count(_findings(r, _config)) == 0
}

_with_variants(variants) := object.union(_gpu_instance("T4"), {"compute": {"variants": variants}})

test_forbidden_model_in_second_variant_is_finding if {
	r := _with_variants([
		{"instanceType": "g4dn.xlarge", "family": "g4dn", "instanceCount": 1, "accelerators": [{"model": "T4", "count": 1}]},
		{"instanceType": "p5.48xlarge", "family": "p5", "instanceCount": 1, "accelerators": [{"model": "H100", "count": 8}]},
	])
	found := _findings(r, _config)
	count(found) == 1
	some f in found
	contains(f.message, "uses \"H100\" accelerators (instance type \"p5.48xlarge\")")
}

test_forbidden_second_guest_accelerator_is_finding if {
	r := _with_variants([{"instanceType": "n1-standard-8", "family": "n1", "instanceCount": 1, "accelerators": [
		{"model": "T4", "count": 1},
		{"model": "A100", "count": 2},
	]}])
	some f in _findings(r, _config)
	contains(f.message, "\"A100\"")
}

test_unknown_type_is_indeterminate if {
	r := _with_variants([{"instanceType": "x9.large", "family": "x9", "instanceCount": 1, "accelerators": null}])
	some f in _findings(r, _config)
	f.indeterminate == true
	contains(f.message, "instance type \"x9.large\"")
}
