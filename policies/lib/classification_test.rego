package tollgate.lib.classification_test

import data.tollgate.lib.classification

_resource(tags, unknown) := {"address": "x.y", "tags": tags, "unknown": unknown}

test_name_is_lower_cased_tag if {
	classification.name(_resource({"data_classification": "PII"}, [])) == "pii"
}

test_name_is_null_when_untagged if {
	classification.name(_resource({}, [])) == null
	not classification.unknown(_resource({}, []))
}

test_unknown_when_tags_unknown if {
	classification.unknown(_resource(null, ["tags"]))
}

test_unknown_when_classification_tag_value_unknown if {
	classification.unknown(_resource({"team": "a"}, ["tags.classification"]))
}

test_known_tag_wins_over_unknown_tag if {
	not classification.unknown(_resource({"classification": "public"}, ["tags.data-classification"]))
}

test_settings_of_configured_class if {
	cfg := {"classifications": {"pii": {"allowed_regions": ["eu-west-1"]}}}
	classification.settings(_resource({"classification": "pii"}, [])) == {"allowed_regions": ["eu-west-1"]} with data.tollgate.config as cfg
}

test_settings_empty_when_unclassified if {
	classification.settings(_resource({}, [])) == {}
}

test_configured_lists_classes_with_key if {
	cfg := {"classifications": {"pii": {"allowed_regions": []}, "public": {"require_customer_managed_key": false}}}
	classification.configured("allowed_regions") == {"pii"} with data.tollgate.config as cfg
}
