package tollgate.rules.instance["TG-GPU-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.instance["TG-GPU-001"] as rule

_gpu_instance(model, gpus) := {
	"address": "aws_instance.trainer",
	"type": "aws_instance",
	"kind": "compute",
	"action": "create",
	"tags": {"environment": "dev"},
	"compute": {"instanceType": "p4d.24xlarge", "family": "p4d", "accelerator": {"model": model, "count": gpus}},
	"unknown": [],
}

_dev_limit(n) := {"environments": {"dev": {"gpu": {"max_per_instance": n}}}}

_global_limit(n) := {"rules": {"TG-GPU-001": {"parameters": {"max_per_instance": n}}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_gpus_over_environment_limit_is_finding if {
	_findings(_gpu_instance("A100", 8), _dev_limit(1)) == {{
		"resource": "aws_instance.trainer",
		"message": "aws_instance.trainer has 8 A100 accelerators per instance (instance type \"p4d.24xlarge\"), over the limit of 1 set by environment \"dev\"",
		"indeterminate": false,
		"evidence": {
			"compute.accelerator.model": "A100",
			"compute.accelerator.count": 8,
			"compute.instanceType": "p4d.24xlarge",
			"environment": "dev",
			"max_per_instance": 1,
		},
	}}
}

test_gpus_at_limit_pass if {
	count(_findings(_gpu_instance("A100", 8), _dev_limit(8))) == 0
}

test_gpus_pass_when_no_config if {
	count(_findings(_gpu_instance("A100", 8), {})) == 0
}

test_gpus_over_global_limit_is_finding if {
	some f in _findings(_gpu_instance("H100", 8), _global_limit(4))
	contains(f.message, "over the limit of 4 set by rule parameter max_per_instance")
}

test_lowest_limit_wins_when_both_set if {
	config := object.union(_dev_limit(2), _global_limit(4))
	some f in _findings(_gpu_instance("H100", 8), config)
	f.evidence.max_per_instance == 2
	contains(f.message, "over the limit of 2 set by environment \"dev\"")
}

test_unknown_count_is_indeterminate_when_limited if {
	some f in _findings(_gpu_instance("A100", null), _dev_limit(1))
	f.indeterminate == true
	f.message == "number of A100 accelerators of aws_instance.trainer is unknown until apply, so it cannot be checked against the limit of 1 set by environment \"dev\""
}

test_unknown_model_is_named_generically_when_over_limit if {
	some f in _findings(_gpu_instance(null, 2), _dev_limit(1))
	startswith(f.message, "aws_instance.trainer has 2 accelerators per instance")
}

test_no_accelerator_passes_when_limited if {
	r := object.union(_gpu_instance("A100", 1), {"compute": {"accelerator": null}})
	count(_findings(r, _dev_limit(0))) == 0
}

_variants(first, second) := object.union(_gpu_instance("A100", 1), {"compute": {
	"variantsRun": "one-of",
	"variants": [first, second],
}})

_variant(instance_type, accelerators) := {
	"instanceType": instance_type,
	"family": null,
	"instanceCount": null,
	"accelerators": accelerators,
}

test_second_variant_over_limit_is_finding_naming_it if {
	r := _variants(
		_variant("g5.xlarge", [{"model": "A10G", "count": 1, "memoryGiB": 24}]),
		_variant("p5.48xlarge", [{"model": "H100", "count": 8, "memoryGiB": 80}]),
	)
	found := _findings(r, _dev_limit(1))
	count(found) == 1
	some f in found
	f.message == "aws_instance.trainer has 8 H100 accelerators per instance (instance type \"p5.48xlarge\"), over the limit of 1 set by environment \"dev\""
}

test_several_accelerator_kinds_add_up if {
	r := _variants(
		_variant("n1-standard-8", [{"model": "T4", "count": 1, "memoryGiB": 16}, {"model": "A100", "count": 1, "memoryGiB": 40}]),
		_variant("n1-standard-8", []),
	)
	some f in _findings(r, _dev_limit(1))
	f.message == "aws_instance.trainer has 2 accelerators per instance (instance type \"n1-standard-8\"), over the limit of 1 set by environment \"dev\""
}

test_type_missing_from_table_is_indeterminate_naming_it if {
	r := _variants(_variant("g5.xlarge", []), _variant("p9.96xlarge", null))
	some f in _findings(r, _dev_limit(1))
	f.indeterminate == true
	contains(f.message, "instance type \"p9.96xlarge\" of aws_instance.trainer is not in the instance-type table")
}

test_unknown_environment_is_indeterminate_not_default if {
	r := object.union(_gpu_instance("A100", 8), {"tags": null})
	found := _findings(r, _dev_limit(1))
	count(found) == 1
	some f in found
	f.indeterminate == true
	startswith(f.message, "environment of aws_instance.trainer is unknown until apply")
}
