package tollgate.lib.environment_test

import data.tollgate.lib.environment

_resource(tags) := {"address": "x.y", "tags": tags}

_context(default_env) := {"context": {"defaultEnvironment": default_env}, "resources": []}

test_name_is_first_tag_key_lower_cased if {
	environment.name(_resource({"env": "Dev", "environment": "PROD"})) == "prod" with input as _context(null)
}

test_name_matches_tag_key_case_insensitively if {
	environment.name(_resource({"Environment": "staging"})) == "staging" with input as _context(null)
}

test_name_skips_empty_tag_value if {
	environment.name(_resource({"environment": "", "env": "dev"})) == "dev" with input as _context(null)
}

test_name_uses_configured_tag_keys if {
	environment.name(_resource({"stage": "qa", "env": "dev"})) == "qa" with input as _context(null)
		with data.tollgate.config as {"environment_tag_keys": ["stage"]}
}

test_name_is_context_default_when_untagged if {
	environment.name(_resource({})) == "prod" with input as _context("prod")
		with data.tollgate.config as {"default_environment": "dev"}
}

test_name_is_config_default_when_untagged_and_no_context_default if {
	environment.name(_resource({})) == "dev" with input as _context(null)
		with data.tollgate.config as {"default_environment": "dev"}
}

test_name_is_default_when_nothing_set if {
	environment.name(_resource(null)) == "default" with input as _context(null) with data.tollgate.config as {}
}

test_settings_are_empty_when_environment_not_configured if {
	environment.settings(_resource({"env": "dev"})) == {} with input as _context(null) with data.tollgate.config as {}
}

test_settings_are_the_configured_environments if {
	cfg := {"environments": {"dev": {"allowed_regions": ["eu-*"]}, "prod": {"allowed_regions": ["us-*"]}}}
	environment.settings(_resource({"env": "dev"})) == {"allowed_regions": ["eu-*"]} with input as _context(null)
		with data.tollgate.config as cfg
}

# An environment tag unknown until apply: no environment's settings apply, not even the default environment's.
test_settings_are_empty_when_environment_tag_unknown if {
	cfg := {"default_environment": "dev", "environments": {"dev": {"allowed_regions": ["eu-*"]}}}
	r := object.union(_resource({}), {"unknown": ["tags.environment"]})
	environment.settings(r) == {} with input as _context(null) with data.tollgate.config as cfg
}

test_setting_reads_nested_path if {
	cfg := {"environments": {"dev": {"gpu": {"max_per_instance": 1}}}}
	environment.setting(_resource({"env": "dev"}), ["gpu", "max_per_instance"]) == 1 with input as _context(null)
		with data.tollgate.config as cfg
}

test_companion_has_its_parents_environment if {
	bucket := {"address": "aws_s3_bucket.b", "tags": {"environment": "prod"}}
	policy := {"address": "aws_s3_bucket_policy.b", "tags": {}, "companionOf": "aws_s3_bucket.b"}
	environment.name(policy) == "prod" with input as {"context": {"defaultEnvironment": "dev"}, "resources": [bucket, policy]}
}

test_unlinked_companion_has_the_default_environment if {
	policy := {"address": "aws_s3_bucket_policy.b", "tags": {}, "companionOf": null}
	environment.name(policy) == "dev" with input as {"context": {"defaultEnvironment": "dev"}, "resources": [policy]}
}
