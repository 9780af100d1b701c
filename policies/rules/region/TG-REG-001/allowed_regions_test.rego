package tollgate.rules.region["TG-REG-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.region["TG-REG-001"] as rule

_bucket(region, tags) := {
	"address": "aws_s3_bucket.logs",
	"type": "aws_s3_bucket",
	"provider": "aws",
	"kind": "storage",
	"action": "create",
	"region": region,
	"tags": tags,
	"unknown": [],
}

_config := {"environments": {"prod": {"allowed_regions": ["eu-west-1", "eu-central-*"]}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_region_outside_list_is_finding if {
	_findings(_bucket("us-east-1", {"env": "prod"}), _config) == [{
		"resource": "aws_s3_bucket.logs",
		"message": "aws_s3_bucket.logs is in region \"us-east-1\", which environment \"prod\" does not allow (allowed: \"eu-central-*\", \"eu-west-1\")",
		"indeterminate": false,
		"evidence": {"region": "us-east-1", "environment": "prod", "allowed_regions": ["eu-west-1", "eu-central-*"]},
	}]
}

test_region_in_list_passes if {
	count(_findings(_bucket("eu-west-1", {"env": "prod"}), _config)) == 0
}

test_region_matching_glob_passes if {
	count(_findings(_bucket("EU-CENTRAL-2", {"env": "prod"}), _config)) == 0
}

test_any_region_passes_when_no_config if {
	count(_findings(_bucket("us-east-1", {"env": "prod"}), {})) == 0
}

test_any_region_passes_when_environment_has_no_list if {
	count(_findings(_bucket("us-east-1", {"env": "dev"}), _config)) == 0
}

test_unknown_region_is_indeterminate_when_regional if {
	r := object.union(_bucket(null, {"env": "prod"}), {"unknown": ["region"]})
	some f in _findings(r, _config)
	f.indeterminate == true
	f.message == "region of aws_s3_bucket.logs is unknown until apply, so it cannot be checked against environment \"prod\" (allowed: \"eu-central-*\", \"eu-west-1\"; region is unknown until apply)"
}

test_null_region_passes_when_global_kind if {
	r := object.union(_bucket(null, {"env": "prod"}), {"type": "aws_iam_role", "kind": "other"})
	count(_findings(r, _config)) == 0
}

test_default_environment_from_context_is_checked_when_untagged if {
	resources := [_bucket("us-east-1", {})]
	found := rule.findings with input as {"context": {"defaultEnvironment": "prod"}, "resources": resources}
		with data.tollgate.config as _config
	count(found) == 1
}
