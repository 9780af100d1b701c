package tollgate.rules.savings["TG-SAV-CKPT_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.savings["TG-SAV-CKPT"] as rule

_job(role, spot, checkpointing) := {
	"address": "aws_instance.train",
	"type": "aws_instance",
	"kind": "compute",
	"action": "create",
	"provider": "aws",
	"tags": {},
	"unknown": [],
	"compute": {"role": role, "instanceType": "p4d.24xlarge", "spot": spot, "checkpointing": checkpointing},
}

_findings(r) := found if {
	found := rule.findings with input as {"resources": [r]}
}

test_spot_training_without_checkpointing_is_finding if {
	_findings(_job("training", true, false)) == [{
		"resource": "aws_instance.train",
		"message": "aws_instance.train runs training on spot capacity without checkpointing: interrupted work restarts from scratch",
		"indeterminate": false,
		"evidence": {
			"workload": "training",
			"because": "compute.role = \"training\"",
			"compute.spot": true,
			"compute.checkpointing": false,
		},
	}]
}

test_spot_training_with_checkpointing_passes if {
	count(_findings(_job("training", true, true))) == 0
}

test_unknown_checkpointing_is_indeterminate if {
	some f in _findings(_job("node_group", true, null))
	f.indeterminate == true
	f.message == "aws_instance.train runs training on spot capacity and does not say whether it checkpoints (compute.checkpointing is unknown); without checkpoints interrupted work restarts from scratch"
}

test_absent_checkpointing_is_indeterminate if {
	r := json.remove(_job("training", true, null), ["compute/checkpointing"])
	some f in _findings(r)
	f.indeterminate == true
	f.evidence["compute.checkpointing"] == null
}

test_on_demand_or_unknown_capacity_passes if {
	count(_findings(_job("training", false, false))) == 0
	count(_findings(_job("training", null, false))) == 0
}

test_spot_serving_is_not_judged if {
	r := object.union(_job("training", true, false), {"tags": {"workload": "serving"}})
	count(_findings(r)) == 0
}
