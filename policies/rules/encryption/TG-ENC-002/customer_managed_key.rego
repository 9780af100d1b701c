# METADATA
# title: Customer-managed keys where the environment or data classification requires them
# description: >-
#   Some environments (production) and data classes (restricted, PII) must be encrypted with keys the
#   organisation controls, so access can be audited and revoked and data can be crypto-shredded.
#   Provider-managed keys do not allow that.
# custom:
#   id: TG-ENC-002
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Encrypt with a customer-managed key: AWS `kms_key_id` (aws_s3_bucket: SSE-KMS with `kms_master_key_id`),
#     GCP `kms_key_name` / `encryption_key_name` (Cloud KMS), Azure `customer_managed_key` (Key Vault).
#     Reference the key by a known ARN or id rather than a value computed at apply.
#   parameters:
#     always:
#       description: Require customer-managed keys on every storage and database resource, in every environment.
#       default: false
package tollgate.rules.encryption["TG-ENC-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.classification
import data.tollgate.lib.config
import data.tollgate.lib.environment
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.resources
import data.tollgate.lib.unknown

_attributes := {
	"aws_ebs_volume": "kms_key_id",
	"aws_efs_file_system": "kms_key_id",
	"aws_redshift_cluster": "kms_key_id",
	"aws_db_instance": "kms_key_id",
	"aws_rds_cluster": "kms_key_id",
	"aws_docdb_cluster": "kms_key_id",
	"aws_neptune_cluster": "kms_key_arn",
	"aws_elasticache_replication_group": "kms_key_id",
	"aws_sagemaker_notebook_instance": "kms_key_id",
	"aws_s3_bucket": "server_side_encryption_configuration",
	"google_storage_bucket": "encryption",
	"google_sql_database_instance": "encryption_key_name",
	"google_compute_disk": "disk_encryption_key",
	"azurerm_storage_account": "customer_managed_key",
}

_attribute(r) := object.get(_attributes, r.type, "encryption.customerManagedKey")

# _key_detail(r): "kms_key_id is not set" reads better than "kms_key_id = false" when the plan has no key.
_key_detail(r) := concat(" ", [_attributes[r.type], "is not set"]) if _unset(r)

_key_detail(r) := messages.detail(r, _attribute(r), false) if not _unset(r)

_unset(r) if object.get(r.values, _attributes[r.type], null) == null

# _required_by(r) is the set of reasons a customer-managed key is required, for the message and evidence.
_required_by(r) := {reason |
	some reason, required in {
		messages.text(["environment ", messages.quote(environment.name(r))]): _by_environment(r),
		messages.text(["data classification ", messages.quote(classification.name(r))]): _by_classification(r),
		"rule parameter always": config.param("TG-ENC-002", "always"),
	}
	required == true
}

_by_environment(r) := environment.setting(r, "require_customer_managed_key")

_by_classification(r) := object.get(classification.settings(r), "require_customer_managed_key", false)

_evidence(r, required) := {
	"encryption.customerManagedKey": resources.field(r, ["encryption", "customerManagedKey"]),
	"encryption.keyId": resources.field(r, ["encryption", "keyId"]),
	"environment": _environment(r),
	"classification": classification.name(r),
	"required_by": sort(required),
}

# An environment unknown until apply is shown as null: the default environment is not r's.
_environment(r) := null if environment.unknown(r)

_environment(r) := environment.name(r) if not environment.unknown(r)

# _undecided_by(r): why it is unknown whether r must use a customer-managed key: its environment or data
# classification is unknown until apply while some environment or classification requires one.
_undecided_by(r) := array.concat(_environment_undecided(r), _classification_undecided(r))

_environment_undecided(r) := [environment.unknown_why(r)] if {
	environment.unknown(r)
	environment.configured("require_customer_managed_key")
} else := []

_classification_undecided(r) := ["its data classification tag is unknown until apply"] if {
	classification.unknown(r)
	count(classification.configured("require_customer_managed_key")) > 0
} else := []

# False rather than undefined when off: wasm memoizes only a defined value, and each clause tests _active.
default _active := false

# Skip every resource at once when nothing is configured for this rule (large plans, no indexing in wasm).
_active if environment.configured("require_customer_managed_key")

_active if count(classification.configured("require_customer_managed_key")) > 0

_active if config.param("TG-ENC-002", "always") == true

# The data stores to judge: none when nothing requires a customer-managed key, and no setting is looked up when
# there is no data store (an admission review has none).
_stores := resources.data_stores if {
	count(resources.data_stores) > 0
	_active
}

# Each data store to judge with what requires it to use a customer-managed key, found once per store for the
# three clauses below (each names the environment and the classification).
_judged := [[r, required] | some r in _stores; required := _required_by(r)]

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per data store that its environment, its data classification or the always
#   parameter requires to use a customer-managed key and that does not; indeterminate when whether it does is
#   unknown until apply, or when its environment or classification, which may require one, is unknown until
#   apply (never judged as the default environment). Empty when nothing requires customer-managed keys.
#   An array, as per_resource_rules allows: no two of its findings are equal (each names its resource, and each
#   clause below says something else of it).
findings := [f | some clause in [_without_key, _requirement_unknown, _key_unknown]; some f in clause]

_without_key := [finding.new(r, message, _evidence(r, required)) |
	some [r, required] in _judged
	count(required) > 0
	resources.field(r, ["encryption", "customerManagedKey"]) == false
	message := messages.text([
		r.address, " is not encrypted with a customer-managed key (", _key_detail(r), "), which ",
		concat(" and ", sort(required)), " requires",
	])
]

# Nothing known requires a key, but r's environment or classification, which may, is unknown until apply.
_requirement_unknown := [finding.indeterminate(r, message, _evidence(r, required)) |
	some [r, required] in _judged
	count(required) == 0
	resources.field(r, ["encryption", "customerManagedKey"]) != true
	count(_undecided_by(r)) > 0
	message := messages.text([
		"whether ", r.address, " must use a customer-managed key is unknown until apply (",
		concat("; ", _undecided_by(r)), "), and it does not use one",
	])
]

_key_unknown := [finding.indeterminate(r, message, _evidence(r, required)) |
	some [r, required] in _judged
	count(required) > 0
	resources.field(r, ["encryption", "customerManagedKey"]) == null
	message := messages.text([
		"whether ", r.address, " uses a customer-managed key, which ", concat(" and ", sort(required)),
		" requires, is unknown until apply (", unknown.why(r, _attribute(r)), ")",
	])
]
