package tollgate.lib.resources_test

import data.tollgate.lib.resources

_resource(action, kind) := {"address": concat(".", [action, kind]), "action": action, "kind": kind, "provider": "aws", "region": null}

test_judged_excludes_read if {
	found := resources.judged with input as {"resources": [
		_resource("create", "storage"), _resource("update", "storage"), _resource("replace", "storage"),
		_resource("no-op", "storage"), _resource("read", "storage"),
	]}
	count(found) == 4
}

test_data_stores_are_storage_and_database if {
	found := resources.data_stores with input as {"resources": [
		_resource("create", "storage"), _resource("create", "database"), _resource("create", "compute"),
	]}
	{r.kind | some r in found} == {"storage", "database"}
}

test_field_is_null_when_absent if {
	resources.field({"encryption": null}, ["encryption", "atRest"]) == null
	resources.field({"encryption": {"atRest": true}}, ["encryption", "atRest"]) == true
}

test_regional_when_region_known if {
	resources.regional({"provider": "kubernetes", "kind": "other", "region": "eu-west-1"})
}

test_regional_when_cloud_kind if {
	resources.regional(_resource("create", "database"))
}

test_not_regional_when_global_kind if {
	not resources.regional(_resource("create", "other"))
	not resources.regional({"provider": "kubernetes", "kind": "compute", "region": null})
}

_bucket := {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "action": "create"}

_sse(parent) := {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "action": "create", "companionOf": parent}

test_judged_excludes_companions_linked_or_not if {
	found := resources.judged with input as {"resources": [_bucket, _sse("aws_s3_bucket.b"), _sse(null)]}
	found == [_bucket]
}

test_owner_of_linked_companion_is_its_parent if {
	resources.owner(_sse("aws_s3_bucket.b")) == _bucket with input as {"resources": [_bucket, _sse("aws_s3_bucket.b")]}
}

test_owner_of_unlinked_companion_and_plain_resource_is_itself if {
	resources.owner(_sse(null)) == _sse(null) with input as {"resources": [_bucket, _sse(null)]}
	resources.owner(_bucket) == _bucket with input as {"resources": [_bucket]}
}
