package tollgate.lib.exemptions_test

import data.tollgate.lib.exemptions

# Glob semantics: "." delimits segments, brackets are literal.

test_star_matches_one_segment if {
	exemptions._glob_matches("aws_s3_bucket.*", "aws_s3_bucket.logs")
}

test_star_matches_indexed_address if {
	exemptions._glob_matches("aws_s3_bucket.*", "aws_s3_bucket.logs[0]")
}

test_star_does_not_match_across_segments if {
	not exemptions._glob_matches("module.legacy.*", "module.legacy.aws_s3_bucket.logs")
}

test_double_star_matches_across_segments if {
	exemptions._glob_matches("module.legacy.**", "module.legacy.module.inner.aws_s3_bucket.logs")
}

test_star_does_not_match_other_module if {
	not exemptions._glob_matches("aws_s3_bucket.*", "module.a.aws_s3_bucket.logs")
}

test_brackets_are_literal if {
	exemptions._glob_matches("aws_instance.web[0]", "aws_instance.web[0]")
	not exemptions._glob_matches("aws_instance.web[0]", "aws_instance.web0")
}

test_star_inside_brackets_matches_any_index if {
	exemptions._glob_matches("aws_instance.web[*]", "aws_instance.web[\"a\"]")
}

_now := {"context": {"now": "2025-06-01T23:59:59Z"}}

test_active_through_expiry_day if {
	exemptions._active({"expires": "2025-06-01"}) with input as _now
}

test_not_active_after_expiry if {
	not exemptions._active({"expires": "2025-05-31"}) with input as _now
	exemptions.expired({"expires": "2025-05-31"}) with input as _now
}

test_not_active_without_expiry if {
	not exemptions._active({}) with input as _now
}

test_not_active_without_clock if {
	not exemptions._active({"expires": "2099-01-01"}) with input as {"context": {}}
}

test_first_active_exemption_in_config_order_applies if {
	config := {"exemptions": [
		{"rule": "TG-X", "resource": "a.*", "expires": "2020-01-01", "reason": "expired"},
		{"rule": "*", "resource": "a.*", "expires": "2026-01-01", "reason": "first"},
		{"rule": "TG-X", "resource": "a.b", "expires": "2026-01-01", "reason": "second"},
	]}
	e := exemptions.for_finding("TG-X", "a.b") with input as _now with data.tollgate.config as config
	e.reason == "first"
}

test_no_exemptions_when_no_config if {
	exemptions.configured == [] with data.tollgate.config as {}
}
