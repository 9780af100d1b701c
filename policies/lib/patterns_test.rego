package tollgate.lib.patterns_test

import data.tollgate.lib.patterns

test_exact_entry_matches_case_insensitively if {
	patterns.any_match(["NCads_A100_v4"], "ncads_a100_v4")
}

test_glob_entry_matches_prefix if {
	patterns.any_match(["p5*"], "p5e")
}

test_no_entry_matches if {
	not patterns.any_match(["g5", "t3"], "g6")
	not patterns.any_match([], "g5")
}
