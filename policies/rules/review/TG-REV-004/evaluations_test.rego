package tollgate.rules.review["TG-REV-004_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-004"] as rule

_findings(tier, evaluations) := found if {
	found := rule.findings with input as fx.deployed(tier, [], evaluations)
}

_passed_all := [fx.evaluation(kind, true, "2026-09-01") | some kind in ["bias", "security-scan", "red-team"]]

test_high_risk_with_all_evaluations_passes if {
	count(_findings("high", _passed_all)) == 0
}

test_missing_and_failed_evaluations_are_named if {
	evaluations := [fx.evaluation("bias", true, "2026-09-01"), fx.evaluation("bias", false, "2026-09-05"), fx.evaluation("red-team", true, "2026-09-01")]
	_findings("high", evaluations) == {{
		"resource": "aws_sagemaker_endpoint_configuration.fraud",
		"message": "aws_sagemaker_endpoint_configuration.fraud serves fraud@7 (risk tier high) in production without passed evaluations: bias (failed on 2026-09-05), security-scan (none recorded)",
		"indeterminate": false,
		"evidence": {
			"model": "fraud",
			"version": "7",
			"risk_tier": "high",
			"required": ["bias", "security-scan", "red-team"],
			"missing": ["bias (failed on 2026-09-05)", "security-scan (none recorded)"],
		},
	}}
}

test_evaluation_of_quantized_variant_does_not_count if {
	evaluations := [object.union(e, {"precision": "int4"}) | some e in _passed_all]
	some f in _findings("high", evaluations)
	count(f.evidence.missing) == 3
}

test_limited_tier_requires_none_by_default if {
	count(_findings("limited", [])) == 0
}
