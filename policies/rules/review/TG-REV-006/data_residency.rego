# METADATA
# title: Models trained on personal or health data serve only in its residency regions, with customer-managed keys
# description: >-
#   A model can memorise and leak the records it was trained on, so it inherits its training data's
#   residency: a version whose model lists a pii or phi dataset may only be deployed in that dataset's
#   residency regions, and only where the deployment's storage is encrypted with a customer-managed key.
#   A pii or phi dataset that states no residency leaves no region to serve in: every deployment of the
#   model is a finding until the inventory lists its regions (`tollgate inventory validate` warns about it).
#   Applies in every environment.
# custom:
#   id: TG-REV-006
#   severity: critical
#   enforcement: deny
#   remediation: >-
#     Write the dataset's `residency` in the inventory if it has none, then deploy the model in a region it
#     lists, with a customer-managed key (SageMaker
#     `kms_key_arn`, Vertex `encryption_spec.kms_key_name`, Azure ML customer-managed key), or state
#     `customer_managed_key: true` on the inventory's deployment record when the key is set outside Terraform.
#   parameters:
#     classifications:
#       description: Dataset classifications whose residency and key requirement models inherit.
#       default: [pii, phi]
package tollgate.rules.review["TG-REV-006"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.models
import data.tollgate.lib.patterns

_classes := config.param("TG-REV-006", "classifications")

# Each deployment with each of its model's sensitive datasets.
_sensitive := [{"deployment": d, "dataset": ds} |
	some d in models.deployments
	some ds in object.get(models.by_id[d.model], "datasets", [])
	ds.classification in _classes
]

_evidence(d, ds) := {
	"model": d.model,
	"version": d.version,
	"dataset": ds,
	"region": d.region,
	"customer_managed_key": d.customer_managed_key,
}

# METADATA
# scope: document
# description: >-
#   Findings of this rule, one per deployment of a model trained on a sensitive dataset that serves outside the
#   dataset's residency or without a customer-managed key; indeterminate when its region or key is unknown.
findings contains finding.new({"address": d.resource}, message, _evidence(d, ds)) if {
	some pair in _sensitive
	d := pair.deployment
	is_string(d.region)
	ds := pair.dataset
	not patterns.any_match(object.get(ds, "residency", []), d.region)
	message := sprintf("%s serves %s in %s, outside the residency of its %s training dataset %s (%s)", [
		d.resource, models.label(d), d.region, ds.classification, messages.quote(ds.name), _residency(ds),
	])
}

findings contains finding.new({"address": d.resource}, message, _evidence(d, ds)) if {
	some pair in _sensitive
	d := pair.deployment
	d.customer_managed_key == false
	ds := pair.dataset
	message := sprintf("%s serves %s, trained on %s dataset %s, without a customer-managed key", [
		d.resource, models.label(d), ds.classification, messages.quote(ds.name),
	])
}

findings contains finding.indeterminate({"address": d.resource}, message, _evidence(d, ds)) if {
	some pair in _sensitive
	d := pair.deployment
	ds := pair.dataset
	missing := [fact | some fact, value in {"region": d.region, "customer-managed key": d.customer_managed_key}; value == null]
	count(missing) > 0
	message := sprintf("%s serves %s, trained on %s dataset %s, but its %s is unknown", [
		d.resource, models.label(d), ds.classification, messages.quote(ds.name), concat(" and ", sort(missing)),
	])
}

_residency(ds) := concat(", ", ds.residency) if count(object.get(ds, "residency", [])) > 0

_residency(ds) := "the inventory states none" if count(object.get(ds, "residency", [])) == 0
