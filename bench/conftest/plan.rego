# Rules equivalent to Tollgate's defaults (encryption at rest, TLS minimum, HTTPS only, required tags),
# written the way a conftest user would, against the raw plan, for the benchmark comparison only.
package main

required_tags := {"team", "cost-center", "environment"}

taggable := {
	"aws_instance", "aws_ebs_volume", "aws_s3_bucket", "aws_lb_listener",
	"google_container_node_pool", "azurerm_storage_account",
}

judged(rc) if {
	not "delete" in rc.change.actions
	not rc.mode == "data"
}

tags_of(rc) := rc.change.after.tags if rc.type != "google_container_node_pool"

tags_of(rc) := rc.change.after.node_config[0].resource_labels if rc.type == "google_container_node_pool"

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type == "aws_ebs_volume"
	rc.change.after.encrypted == false
	msg := sprintf("%s is not encrypted at rest", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type == "aws_instance"
	some device in rc.change.after.root_block_device
	device.encrypted == false
	msg := sprintf("%s root volume is not encrypted", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type == "aws_lb_listener"
	rc.change.after.protocol == "HTTP"
	not redirects_to_https(rc)
	msg := sprintf("%s accepts plain HTTP", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type == "aws_lb_listener"
	rc.change.after.ssl_policy == "ELBSecurityPolicy-2016-08"
	msg := sprintf("%s allows TLS below 1.2", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type == "azurerm_storage_account"
	rc.change.after.min_tls_version in {"TLS1_0", "TLS1_1"}
	msg := sprintf("%s allows TLS below 1.2", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	judged(rc)
	rc.type in taggable
	missing := {key | some key in required_tags; not tags_of(rc)[key]}
	count(missing) > 0
	msg := sprintf("%s is missing tags %v", [rc.address, missing])
}

redirects_to_https(rc) if {
	some action in rc.change.after.default_action
	action.type == "redirect"
}
