# METADATA
# title: Production deployments serve a model version listed in the inventory
# description: >-
#   A model reaches production only as a version the inventory knows: its owner, risk tier, training data,
#   artifact digest, evaluations and approvals. A resource that names an unlisted model or version (tag
#   tollgate.io/model: <id>@<version>) has had none of the review gates applied.
# custom:
#   id: TG-REV-001
#   severity: high
#   enforcement: deny
#   remediation: >-
#     Add the model and version to the inventory (or import it with `tollgate inventory import-mlflow`),
#     pass it with `tollgate check --inventory inventory.yaml`, and correct the resource's
#     `tollgate.io/model` tag (GCP labels and Azure tags: `tollgate-model: <id>--<version>`) if it names
#     the wrong version.
package tollgate.rules.review["TG-REV-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.finding
import data.tollgate.lib.messages
import data.tollgate.lib.models
import data.tollgate.lib.models_review

# What is missing, per case: the whole inventory, the model, the version, or the reference's version. The messages
# are joined by messages.text, not sprintf: in the wasm build sprintf is JavaScript called with its arguments as
# JSON, and this rule judges every production deployment, an admission request's included.
_gap(d) := "no inventory was given (pass --inventory)" if not _given

_gap(d) := messages.text(["the inventory has no model ", messages.quote(d.model)]) if {
	_given
	not models.by_id[d.model]
}

_gap(d) := messages.text(["its reference names no version (expected ", d.model, "@VERSION)"]) if {
	_given
	models.by_id[d.model]
	not is_string(d.version)
}

_gap(d) := messages.text([
	"the inventory's model ", messages.quote(d.model), " has no version ", messages.quote(d.version), " (it lists ",
	messages.list([v.version | some v in models.by_id[d.model].versions]), ")",
]) if {
	_given
	is_string(d.version)
	not models.known(d)
	models.by_id[d.model]
}

# models.given, false rather than undefined without an inventory: wasm memoizes a complete rule only when it is
# defined, so each clause above evaluated models.given again.
default _given := false

_given if models.given

# METADATA
# description: >-
#   Findings of this rule, one per production deployment whose model or version the inventory does not list (or
#   when no inventory was given).
findings contains finding.new({"address": d.resource}, message, evidence) if {
	some d in models_review.production_deployments
	gap := _gap(d)
	message := messages.text([
		d.resource, " serves model ", models.label(d), " in production (environment ", messages.quote(d.environment),
		"), but ", gap,
	])
	evidence := {"model": d.model, "version": d.version, "environment": d.environment, "inventory_given": _given}
}
