package tollgate.rules.region["TG-REG-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.region["TG-REG-002"] as rule

_bucket(region, tags) := {
	"address": "aws_s3_bucket.pii",
	"type": "aws_s3_bucket",
	"provider": "aws",
	"kind": "storage",
	"action": "create",
	"region": region,
	"tags": tags,
	"taggable": true,
	"unknown": [],
}

_config := {"classifications": {"pii": {"allowed_regions": ["eu-west-1"]}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_classified_data_outside_regions_is_finding if {
	_findings(_bucket("us-east-1", {"data-classification": "PII"}), _config) == [{
		"resource": "aws_s3_bucket.pii",
		"message": "aws_s3_bucket.pii holds \"pii\" data in region \"us-east-1\", which that classification does not allow (allowed: \"eu-west-1\")",
		"indeterminate": false,
		"evidence": {"region": "us-east-1", "classification": "pii", "allowed_regions": ["eu-west-1"]},
	}]
}

test_classified_data_in_region_passes if {
	count(_findings(_bucket("eu-west-1", {"classification": "pii"}), _config)) == 0
}

test_unclassified_data_passes if {
	count(_findings(_bucket("us-east-1", {}), _config)) == 0
}

test_classified_data_passes_when_no_config if {
	count(_findings(_bucket("us-east-1", {"classification": "pii"}), {})) == 0
}

test_unknown_region_is_indeterminate_when_classified if {
	some f in _findings(_bucket(null, {"classification": "pii"}), _config)
	f.indeterminate == true
	f.message == "region of aws_s3_bucket.pii (\"pii\" data) is unknown until apply (region is not set in the plan)"
}

test_unknown_tags_are_indeterminate_when_classifications_restrict_regions if {
	some f in _findings(_bucket("us-east-1", null), _config)
	f.indeterminate == true
	f.message == "data classification of aws_s3_bucket.pii is unknown until apply (its tags are unknown until apply), so its region \"us-east-1\" cannot be checked against classifications \"pii\""
}

test_unknown_classification_tag_is_indeterminate if {
	r := object.union(_bucket("us-east-1", {}), {"unknown": ["tags.data-classification"]})
	some f in _findings(r, _config)
	f.indeterminate == true
}

test_unknown_tags_pass_when_no_classification_restricts_regions if {
	count(_findings(_bucket("us-east-1", null), {"classifications": {"pii": {"require_customer_managed_key": true}}})) == 0
}
