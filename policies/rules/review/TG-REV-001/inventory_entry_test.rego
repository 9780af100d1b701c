package tollgate.rules.review["TG-REV-001_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-001"] as rule

_resource(environment, reference) := {
	"address": "google_vertex_ai_endpoint.chat",
	"type": "google_vertex_ai_endpoint",
	"provider": "gcp",
	"action": "create",
	"region": "us-central1",
	"tags": {"environment": environment},
	"model": reference,
	"unknown": [],
	"values": {},
}

_findings(resource, models) := found if {
	found := rule.findings with input as object.union(fx.inventory_input(models), {"resources": [resource]})
}

test_unlisted_model_in_production_is_finding if {
	_findings(_resource("prod", {"id": "chat", "version": "2"}), []) == {{
		"resource": "google_vertex_ai_endpoint.chat",
		"message": "google_vertex_ai_endpoint.chat serves model chat@2 in production (environment \"prod\"), but the inventory has no model \"chat\"",
		"indeterminate": false,
		"evidence": {"model": "chat", "version": "2", "environment": "prod", "inventory_given": true},
	}}
}

test_unlisted_version_names_the_listed_ones if {
	some f in _findings(_resource("prod", {"id": "fraud", "version": "9"}), [fx.model("high", [fx.version([], [], [])])])
	endswith(f.message, "but the inventory's model \"fraud\" has no version \"9\" (it lists \"7\")")
}

test_reference_without_version_is_finding if {
	some f in _findings(_resource("prod", {"id": "fraud", "version": null}), [fx.model("high", [])])
	endswith(f.message, "but its reference names no version (expected fraud@VERSION)")
}

test_missing_inventory_is_finding if {
	some f in rule.findings with input as {"context": {"now": fx.now}, "resources": [_resource("prod", {"id": "fraud", "version": "7"})]}
	endswith(f.message, "but no inventory was given (pass --inventory)")
}

test_listed_version_passes if {
	count(_findings(_resource("prod", {"id": "fraud", "version": "7"}), [fx.model("high", [fx.version([], [], [])])])) == 0
}

test_unlisted_model_outside_production_passes if {
	count(_findings(_resource("dev", {"id": "chat", "version": "2"}), [])) == 0
}
