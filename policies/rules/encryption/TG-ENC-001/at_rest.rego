# METADATA
# title: Storage and databases are encrypted at rest
# description: >-
#   Volumes, buckets, file systems and databases hold training data, model weights and customer records;
#   unencrypted copies leak through snapshots, backups and decommissioned disks. Encryption that is unknown
#   until apply is reported as indeterminate, never passed silently.
# custom:
#   id: TG-ENC-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Turn on encryption at rest: aws_ebs_volume / aws_efs_file_system `encrypted = true`, aws_db_instance /
#     aws_rds_cluster `storage_encrypted = true`, aws_s3_bucket a server-side encryption configuration,
#     aws_elasticache_replication_group `at_rest_encryption_enabled = true`; on GCP and Azure do not disable
#     the provider's default encryption. If the value is unknown until apply, set it to a literal.
package tollgate.rules.encryption["TG-ENC-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

# The provider attribute that decides encryption at rest, per type, so messages name what to change.
_attributes := {
	"aws_ebs_volume": "encrypted",
	"aws_efs_file_system": "encrypted",
	"aws_redshift_cluster": "encrypted",
	"aws_db_instance": "storage_encrypted",
	"aws_rds_cluster": "storage_encrypted",
	"aws_docdb_cluster": "storage_encrypted",
	"aws_neptune_cluster": "storage_encrypted",
	"aws_elasticache_replication_group": "at_rest_encryption_enabled",
	"aws_dynamodb_table": "server_side_encryption",
	"aws_s3_bucket": "server_side_encryption_configuration",
	"aws_sagemaker_notebook_instance": "kms_key_id",
}

_attribute(r) := object.get(_attributes, r.type, "encryption.atRest")

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per resource that states it is not encrypted at rest (instance volumes included);
#   indeterminate for a data store whose encryption at rest is unknown until apply (not for instances, whose root
#   volume commonly follows the account's default).
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_unencrypted, _undecided]; some f in clause]

_unencrypted := [finding.new(r, message, {"encryption.atRest": false, "attribute": _attribute(r)}) |
	some r in resources.with_encryption
	resources.field(r, ["encryption", "atRest"]) == false
	message := messages.text([
		r.address, " is not encrypted at rest (", messages.detail(r, _attribute(r), false), ")",
	])
]

_undecided := [finding.indeterminate(r, message, {"encryption.atRest": null, "attribute": _attribute(r)}) |
	some r in resources.data_stores
	resources.field(r, ["encryption", "atRest"]) == null
	message := messages.text([
		"encryption at rest of ", r.address, " is unknown until apply (", unknown.why(r, _attribute(r)), ")",
	])
]
