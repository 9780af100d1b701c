package tollgate.lib.messages_test

import data.tollgate.lib.messages

test_show_leaves_strings_unquoted if {
	messages.show("TLS 1.2") == "TLS 1.2"
}

test_show_renders_other_values_as_json if {
	messages.show(false) == "false"
	messages.show(null) == "null"
	messages.show(1.5) == "1.5"
}

test_text_joins_strings_as_sprintf_does if {
	parts := ["module.a.aws_s3_bucket.b[0]", " is missing required tags ", "\"team\", \"cost-center\""]
	messages.text(parts) == sprintf("%s is missing required tags %s", [parts[0], parts[2]])
	messages.text([]) == ""
}

# A part that is not a string still gives a message (as JSON), never an undefined one that would drop a finding.
test_text_renders_other_parts_as_json if {
	messages.text(["port ", 80, ", https ", false, ", key ", null]) == "port 80, https false, key null"
}

test_quote_renders_json if {
	messages.quote("eu-west-1") == "\"eu-west-1\""
}

test_list_is_sorted_and_quoted if {
	messages.list(["b", "a"]) == "\"a\", \"b\""
	messages.list({"z"}) == "\"z\""
}

test_detail_shows_planned_scalar if {
	messages.detail({"values": {"encrypted": false}}, "encrypted", null) == "encrypted = false"
}

test_detail_shows_model_value_when_planned_value_is_structured if {
	r := {"values": {"server_side_encryption_configuration": [{"rule": []}]}}
	messages.detail(r, "server_side_encryption_configuration", false) == "server_side_encryption_configuration = false"
}

test_detail_shows_model_value_when_not_planned if {
	messages.detail({"values": {}}, "encrypted", false) == "encrypted = false"
	messages.detail({}, "encrypted", false) == "encrypted = false"
}

test_instance_type_is_named_when_known if {
	messages._instance_type({"compute": {"instanceType": "g5.xlarge"}}) == ` (instance type "g5.xlarge")`
}

test_instance_type_is_left_out_when_unknown if {
	messages._instance_type({"compute": {"instanceType": null}}) == ""
}
