package tollgate.rules.instance["TG-INS-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.instance["TG-INS-001"] as rule

_instance(instance_type, family) := {
	"address": "aws_instance.trainer",
	"type": "aws_instance",
	"kind": "compute",
	"action": "create",
	"tags": {"environment": "dev"},
	"compute": {"instanceType": instance_type, "family": family, "accelerator": null},
	"unknown": [],
}

_config(allow, deny) := {"environments": {"dev": {"instance_families": {"allow": allow, "deny": deny}}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_denied_family_is_finding if {
	_findings(_instance("p3.8xlarge", "p3"), _config([], ["p3"])) == {{
		"resource": "aws_instance.trainer",
		"message": "aws_instance.trainer uses instance type \"p3.8xlarge\" of family \"p3\", which environment \"dev\" denies (denied: \"p3\")",
		"indeterminate": false,
		"evidence": {
			"compute.instanceType": "p3.8xlarge",
			"compute.family": "p3",
			"environment": "dev",
			"allow": [],
			"deny": ["p3"],
		},
	}}
}

test_denied_family_is_one_finding_when_also_allowed if {
	found := _findings(_instance("p3.8xlarge", "p3"), _config(["p3"], ["p3"]))
	count(found) == 1
	some f in found
	contains(f.message, "denies")
}

test_family_outside_allow_list_is_finding if {
	some f in _findings(_instance("p5.48xlarge", "p5"), _config(["g5", "t3"], []))
	f.message == "aws_instance.trainer uses instance type \"p5.48xlarge\" of family \"p5\", which is not among the families environment \"dev\" allows (allowed: \"g5\", \"t3\")"
}

test_allowed_family_passes if {
	count(_findings(_instance("g5.xlarge", "g5"), _config(["g5", "t3"], ["p3"]))) == 0
}

test_any_family_passes_when_no_config if {
	count(_findings(_instance("p3.8xlarge", "p3"), {})) == 0
}

test_unknown_instance_type_is_indeterminate_when_restricted if {
	r := object.union(_instance(null, null), {"unknown": ["instance_type"]})
	some f in _findings(r, _config(["g5"], []))
	f.indeterminate == true
	f.message == "instance type of aws_instance.trainer is unknown until apply, so its family cannot be checked against environment \"dev\" (instance_type is unknown until apply)"
}

test_unknown_instance_type_passes_when_unrestricted if {
	count(_findings(_instance(null, null), {})) == 0
}

test_underived_family_is_indeterminate_when_restricted if {
	some f in _findings(_instance("custom-8", null), _config([], ["p3"]))
	f.indeterminate == true
}

test_denied_family_in_second_alternative_is_finding if {
	r := object.union(_instance("g5.xlarge", "g5"), {"compute": {"variantsRun": "one-of", "variants": [
		{"instanceType": "g5.xlarge", "family": "g5", "instanceCount": null, "accelerators": []},
		{"instanceType": "p3.8xlarge", "family": "p3", "instanceCount": null, "accelerators": []},
	]}})
	found := _findings(r, _config([], ["p3"]))
	count(found) == 1
	some f in found
	contains(f.message, "uses instance type \"p3.8xlarge\" of family \"p3\"")
}
