package tollgate.lib.tags_test

import data.tollgate.lib.tags

test_first_follows_key_order if {
	tags.first({"tags": {"b": "2", "a": "1"}}, ["a", "b"]) == "1"
}

test_first_matches_keys_case_insensitively_in_tag_order if {
	tags.first({"tags": {"Env": "", "ENV": "prod", "env": "dev"}}, ["eNv"]) == "prod"
	tags.first({"tags": {"Team": "a", "ENV": 1, "env": "dev"}}, ["ENV", "team"]) == "dev"
}

test_first_is_null_when_no_key_present if {
	tags.first({"tags": {"c": "3"}}, ["a", "b"]) == null
}

test_first_is_null_when_tags_unknown if {
	tags.first({"tags": null}, ["a"]) == null
}

test_any_unknown_when_tag_value_unknown if {
	tags.any_unknown({"tags": {}, "unknown": ["tags.a"]}, ["a"])
	not tags.any_unknown({"tags": {}, "unknown": ["tags.b"]}, ["a"])
}
