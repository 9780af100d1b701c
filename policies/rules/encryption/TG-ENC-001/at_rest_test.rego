package tollgate.rules.encryption["TG-ENC-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.rules.encryption["TG-ENC-001"] as rule

_volume(encryption) := {
	"address": "aws_ebs_volume.scratch",
	"type": "aws_ebs_volume",
	"kind": "storage",
	"action": "create",
	"encryption": encryption,
	"unknown": [],
	"values": {},
}

_findings(resources) := found if {
	found := rule.findings with input as {"resources": resources}
}

test_unencrypted_volume_is_finding_with_attribute if {
	r := object.union(_volume({"atRest": false}), {"values": {"encrypted": false}})
	_findings([r]) == [{
		"resource": "aws_ebs_volume.scratch",
		"message": "aws_ebs_volume.scratch is not encrypted at rest (encrypted = false)",
		"indeterminate": false,
		"evidence": {"encryption.atRest": false, "attribute": "encrypted"},
	}]
}

test_encrypted_volume_passes if {
	count(_findings([_volume({"atRest": true})])) == 0
}

test_unknown_encryption_is_indeterminate_when_unknown_until_apply if {
	r := object.union(_volume({"atRest": null}), {"unknown": ["encrypted"]})
	some f in _findings([r])
	f.indeterminate == true
	f.message == "encryption at rest of aws_ebs_volume.scratch is unknown until apply (encrypted is unknown until apply)"
}

test_missing_encryption_object_is_indeterminate_when_not_stated if {
	some f in _findings([_volume(null)])
	f.indeterminate == true
	f.message == "encryption at rest of aws_ebs_volume.scratch is unknown until apply (encrypted is not set in the plan)"
}

test_unlisted_type_names_model_field_when_unencrypted if {
	r := object.union(_volume({"atRest": false}), {"type": "other_store", "address": "other_store.x", "kind": "database"})
	some f in _findings([r])
	f.message == "other_store.x is not encrypted at rest (encryption.atRest = false)"
}

test_compute_is_finding_when_unencrypted if {
	count(_findings([object.union(_volume({"atRest": false}), {"kind": "compute"})])) == 1
}

test_compute_is_not_indeterminate_when_unknown if {
	count(_findings([object.union(_volume({"atRest": null}), {"kind": "compute"})])) == 0
}

test_read_is_not_judged_when_unencrypted if {
	count(_findings([object.union(_volume({"atRest": false}), {"action": "read"})])) == 0
}

test_no_op_is_judged_when_unencrypted if {
	count(_findings([object.union(_volume({"atRest": false}), {"action": "no-op"})])) == 1
}
