package tollgate.rules.tagging["TG-TAG-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.tagging["TG-TAG-001"] as rule

_bucket(tags) := {
	"address": "aws_s3_bucket.logs",
	"type": "aws_s3_bucket",
	"kind": "storage",
	"action": "create",
	"tags": tags,
	"taggable": true,
	"unknown": [],
}

_complete := {"team": "ml-platform", "cost-center": "cc-42", "environment": "prod"}

_findings(r) := found if {
	found := rule.findings with input as {"resources": [r]}
}

_findings_with(r, required) := found if {
	found := rule.findings with input as {"resources": [r]}
		with data.tollgate.config as {"rules": {"TG-TAG-001": {"parameters": {"required": required}}}}
}

# The METADATA default, pinned so these tests do not depend on generated meta.
_meta := {"rules": {"TG-TAG-001": {"parameters": {"required": {"default": {"team": [], "cost-center": [], "environment": []}}}}}}

test_missing_tags_are_one_finding_listing_all if {
	found := _findings(_bucket({"team": "ml-platform"})) with data.tollgate.meta as _meta
	found == [{
		"resource": "aws_s3_bucket.logs",
		"message": "aws_s3_bucket.logs is missing required tags \"cost-center\", \"environment\"",
		"indeterminate": false,
		"evidence": {"missing": ["cost-center", "environment"], "tags": {"team": "ml-platform"}},
	}]
}

test_empty_value_counts_as_missing if {
	some f in _findings(_bucket(object.union(_complete, {"team": ""}))) with data.tollgate.meta as _meta
	f.evidence.missing == ["team"]
}

test_complete_tags_pass_with_default_parameter if {
	count(_findings(_bucket(_complete))) == 0 with data.tollgate.meta as _meta
}

test_value_outside_allowed_list_is_finding if {
	found := _findings_with(_bucket({"environment": "qa"}), {"environment": ["dev", "prod"]})
	found == [{
		"resource": "aws_s3_bucket.logs",
		"message": "aws_s3_bucket.logs has tag environment = \"qa\", which is not an allowed value (allowed: \"dev\", \"prod\")",
		"indeterminate": false,
		"evidence": {"tag": "environment", "value": "qa", "allowed": ["dev", "prod"]},
	}]
}

test_allowed_value_passes if {
	count(_findings_with(_bucket({"environment": "prod"}), {"environment": ["dev", "prod"]})) == 0
}

test_unknown_tags_are_indeterminate if {
	r := object.union(_bucket(null), {"unknown": ["tags"]})
	some f in _findings(r) with data.tollgate.meta as _meta
	f.indeterminate == true
	f.message == "tags of aws_s3_bucket.logs are unknown until apply, so required tags \"cost-center\", \"environment\", \"team\" cannot be checked (tags is unknown until apply)"
}

test_unknown_tag_value_is_indeterminate_not_missing if {
	r := object.union(_bucket({"team": "ml-platform", "environment": "prod"}), {"unknown": ["tags.cost-center"]})
	found := _findings(r) with data.tollgate.meta as _meta
	found == [{
		"resource": "aws_s3_bucket.logs",
		"message": "values of tags \"cost-center\" on aws_s3_bucket.logs are unknown until apply",
		"indeterminate": true,
		"evidence": {"unknown": ["cost-center"], "required": ["cost-center", "environment", "team"]},
	}]
}

test_untaggable_resource_passes_when_untagged if {
	count(_findings(object.union(_bucket({}), {"taggable": false}))) == 0 with data.tollgate.meta as _meta
}

test_nothing_required_when_parameter_empty if {
	count(_findings_with(_bucket(null), {})) == 0
}

test_nothing_required_when_parameter_not_an_object if {
	count(_findings_with(_bucket({}), null)) == 0
}

_account(tags) := object.union(_bucket(tags), {"address": "azurerm_storage_account.logs", "type": "azurerm_storage_account", "provider": "azure"})

test_allowed_value_matches_case_insensitively if {
	every value in ["Prod", "PROD", "prod"] {
		count(_findings_with(_bucket({"environment": value}), {"environment": ["dev", "prod"]})) == 0
	}
	count(_findings_with(_bucket({"environment": "prod"}), {"environment": ["Dev", "Prod"]})) == 0
}

test_value_differing_beyond_case_is_still_finding if {
	some f in _findings_with(_bucket({"environment": "prod "}), {"environment": ["prod"]})
	f.evidence.value == "prod "
}

test_aws_key_differing_in_case_is_missing if {
	some f in _findings_with(_bucket({"Team": "search"}), {"team": []})
	f.evidence.missing == ["team"]
}

test_azure_key_differing_in_case_is_the_tag if {
	count(_findings_with(_account({"Team": "search"}), {"team": ["search"]})) == 0
	some f in _findings_with(_account({"TEAM": "ads"}), {"team": ["search"]})
	f.evidence.value == "ads"
}

test_azure_keys_differing_only_in_case_take_the_exact_one_first if {
	count(_findings_with(_account({"team": "search", "Team": "ads"}), {"team": ["search"]})) == 0
}
