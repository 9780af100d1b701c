package tollgate.rules.review["TG-REV-006_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-006"] as rule

_findings(dataset, record) := found if {
	model := object.union(fx.model("limited", [fx.version([], [], [record])]), {"datasets": [dataset]})
	found := rule.findings with input as fx.inventory_input([model])
}

_pii := {"name": "cards", "classification": "pii", "residency": ["eu-*"]}

test_pii_model_outside_residency_is_finding if {
	[f] := [f | some f in _findings(_pii, fx.record("prod", "us-east-1"))]
	f.message == "aws_sagemaker_endpoint_configuration.fraud serves fraud@7 in us-east-1, outside the residency of its pii training dataset \"cards\" (eu-*)"
	f.evidence.dataset == _pii
}

test_pii_model_in_residency_with_cmk_passes if {
	count(_findings(_pii, fx.record("dev", "eu-west-1"))) == 0
}

test_pii_dataset_without_residency_is_finding_anywhere if {
	some f in _findings(object.remove(_pii, ["residency"]), fx.record("prod", "eu-west-1"))
	endswith(f.message, "(the inventory states none)")
}

test_pii_model_without_cmk_is_finding if {
	record := object.union(fx.record("prod", "eu-west-1"), {"customer_managed_key": false})
	[f] := [f | some f in _findings(_pii, record)]
	f.message == "aws_sagemaker_endpoint_configuration.fraud serves fraud@7, trained on pii dataset \"cards\", without a customer-managed key"
}

test_unknown_cmk_is_indeterminate if {
	record := object.remove(fx.record("prod", "eu-west-1"), ["customer_managed_key"])
	[f] := [f | some f in _findings(_pii, record)]
	f.indeterminate == true
	endswith(f.message, "but its customer-managed key is unknown")
}

test_internal_dataset_passes_anywhere if {
	count(_findings(object.union(_pii, {"classification": "internal"}), fx.record("prod", "us-east-1"))) == 0
}
