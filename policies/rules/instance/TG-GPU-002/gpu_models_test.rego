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
