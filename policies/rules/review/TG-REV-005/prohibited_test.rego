package tollgate.rules.review["TG-REV-005_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-005"] as rule

test_prohibited_model_in_any_environment_is_unexemptible_finding if {
	in_dev := fx.inventory_input([fx.model("prohibited", [fx.version([], [], [fx.record("dev", "us-east-1")])])])
	[f] := [f | some f in rule.findings with input as in_dev]
	f.exemptible == false
	f.message == "aws_sagemaker_endpoint_configuration.fraud deploys model fraud@7 in environment \"dev\", but its risk tier is prohibited: it may not be deployed anywhere"
}

test_high_risk_model_passes if {
	count(rule.findings) == 0 with input as fx.deployed("high", [], [])
}
