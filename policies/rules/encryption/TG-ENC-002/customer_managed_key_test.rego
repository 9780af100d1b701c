package tollgate.rules.encryption["TG-ENC-002_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.encryption["TG-ENC-002"] as rule

_bucket(cmk, tags) := {
	"address": "aws_s3_bucket.datasets",
	"type": "aws_s3_bucket",
	"kind": "storage",
	"action": "create",
	"tags": tags,
	"encryption": {"atRest": true, "customerManagedKey": cmk, "keyId": null},
	"unknown": [],
	"values": {},
}

_prod := {"environments": {"prod": {"require_customer_managed_key": true}}}

_findings(r, config) := found if {
	found := rule.findings with input as {"resources": [r]} with data.tollgate.config as config
}

test_provider_key_is_finding_when_environment_requires_cmk if {
	_findings(_bucket(false, {"environment": "prod"}), _prod) == [{
		"resource": "aws_s3_bucket.datasets",
		"message": "aws_s3_bucket.datasets is not encrypted with a customer-managed key (server_side_encryption_configuration is not set), which environment \"prod\" requires",
		"indeterminate": false,
		"evidence": {
			"encryption.customerManagedKey": false,
			"encryption.keyId": null,
			"environment": "prod",
			"classification": null,
			"required_by": ["environment \"prod\""],
		},
	}]
}

test_customer_key_passes_when_environment_requires_cmk if {
	count(_findings(_bucket(true, {"environment": "prod"}), _prod)) == 0
}

test_provider_key_passes_when_no_config if {
	count(_findings(_bucket(false, {"environment": "prod"}), {})) == 0
}

test_provider_key_passes_when_other_environment_requires_cmk if {
	count(_findings(_bucket(false, {"environment": "dev"}), _prod)) == 0
}

test_provider_key_is_finding_when_classification_requires_cmk if {
	config := {"classifications": {"restricted": {"require_customer_managed_key": true}}}
	some f in _findings(_bucket(false, {"data-classification": "Restricted"}), config)
	f.evidence.required_by == ["data classification \"restricted\""]
}

test_provider_key_is_finding_when_parameter_always if {
	config := {"rules": {"TG-ENC-002": {"parameters": {"always": true}}}}
	some f in _findings(_bucket(false, {}), config)
	f.evidence.required_by == ["rule parameter always"]
}

test_raw_key_value_shown_when_unlisted_type if {
	r := object.union(_bucket(false, {"environment": "prod"}), {"type": "custom_store", "address": "custom_store.x"})
	some f in _findings(r, _prod)
	contains(f.message, "(encryption.customerManagedKey = false)")
}

test_planned_value_shown_when_set if {
	r := object.union(_bucket(false, {"environment": "prod"}), {"type": "aws_ebs_volume", "values": {"kms_key_id": ""}})
	some f in _findings(r, _prod)
	contains(f.message, "(kms_key_id = \"\")")
}

test_unknown_key_is_indeterminate_when_required if {
	r := object.union(_bucket(null, {"environment": "prod"}), {"unknown": ["server_side_encryption_configuration"]})
	some f in _findings(r, _prod)
	f.indeterminate == true
	f.message == "whether aws_s3_bucket.datasets uses a customer-managed key, which environment \"prod\" requires, is unknown until apply (server_side_encryption_configuration is unknown until apply)"
}

test_unknown_key_passes_when_not_required if {
	count(_findings(_bucket(null, {}), {})) == 0
}

test_unknown_environment_is_indeterminate_not_default_environment if {
	r := object.union(_bucket(false, {}), {"unknown": ["tags.environment"]})
	found := rule.findings with input as {"resources": [r], "context": {"defaultEnvironment": "dev"}}
		with data.tollgate.config as _prod
	found == [{
		"resource": "aws_s3_bucket.datasets",
		"message": "whether aws_s3_bucket.datasets must use a customer-managed key is unknown until apply (tags.environment is unknown until apply), and it does not use one",
		"indeterminate": true,
		"evidence": {
			"encryption.customerManagedKey": false,
			"encryption.keyId": null,
			"environment": null,
			"classification": null,
			"required_by": [],
		},
	}]
}

test_unknown_classification_is_indeterminate_when_a_classification_requires_cmk if {
	r := object.union(_bucket(false, {"environment": "dev"}), {"unknown": ["tags.data-classification"]})
	config := {"classifications": {"pii": {"require_customer_managed_key": true}}}
	some f in _findings(r, config)
	f.indeterminate == true
	contains(f.message, "its data classification tag is unknown until apply")
}

test_unknown_environment_passes_with_customer_key if {
	r := object.union(_bucket(true, {}), {"unknown": ["tags.environment"]})
	count(_findings(r, _prod)) == 0
}
