package tollgate.lib.unknown_test

import data.tollgate.lib.unknown

test_why_says_unknown_until_apply if {
	unknown.why({"unknown": ["kms_key_id"]}, "kms_key_id") == "kms_key_id is unknown until apply"
}

test_why_says_not_set_when_not_unknown if {
	unknown.why({"unknown": []}, "kms_key_id") == "kms_key_id is not set in the plan"
	unknown.why({}, "kms_key_id") == "kms_key_id is not set in the plan"
}

test_tag_is_unknown_by_path if {
	unknown.tag({"unknown": ["tags.team"]}, "team")
}
