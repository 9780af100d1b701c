package tollgate.lib.patterns_test

import data.tollgate.lib.patterns

test_exact_entry_matches_case_insensitively if {
	patterns.any_match(["NCads_A100_v4"], "ncads_a100_v4")
	not patterns.any_match(["NCads_A100_v4"], "ncads_a100_v4_x")
}

test_glob_entry_matches_prefix if {
	patterns.any_match(["p5*"], "p5e")
	patterns.any_match(["P5*"], "p5")
	not patterns.any_match(["p5*"], "xp5")
}

test_suffix_entry_matches if {
	patterns.any_match(["*-West4"], "europe-west4")
	patterns.any_match(["*"], "anything")
	not patterns.any_match(["*-west4"], "europe-west4b")
}

test_other_globs_still_match if {
	patterns.any_match(["europe-*4"], "europe-west4")
	not patterns.any_match(["europe-*4"], "europe-west3")
	patterns.any_match(["g?"], "g5")
	patterns.any_match(["{p4,p5}*"], "p4d")
	patterns.any_match(["p[45]*"], "p5e")
	patterns.any_match(["*a100*"], "nc_a100_v4")
	patterns.any_match(["**"], "x")
}

# An entry equal to the value decides by equality only when it has no glob syntax; among other entries, the
# equal one with syntax is still matched as a glob.
test_equal_entry_with_glob_syntax_is_a_glob if {
	not patterns.any_match(["g5", "[ab]"], "[AB]")
	patterns.any_match(["g5", "a?"], "A?")
	patterns.any_match(["[ab]", "a"], "A")
}

test_no_entry_matches if {
	not patterns.any_match(["g5", "t3"], "g6")
	not patterns.any_match([], "g5")
}

# Every pattern shape decides as glob.match does, for values that match and values that do not.
test_same_as_glob_match if {
	cases := [
		["p5*", "p5"], ["p5*", "p4"], ["*-west4", "us-west4"], ["*-west4", "us-west5"],
		["us-east-1", "us-east-1"], ["us-east-1", "us-east-2"], ["*", ""], ["p5*", ""],
		["a*b", "axxb"], ["a?b", "ab"], ["[ab]*", "bz"], ["\\*", "*"], ["\\*", "x"], ["*\\*", "a*"],
		["p5\\*", "p5*"], ["p5\\*", "p5e"], ["[ab]", "[ab]"], ["a?", "a?"], ["{a,b}", "{a,b}"], ["x\\y", "x\\y"],
	]
	every c in cases {
		_agrees(c[0], c[1])
	}
}

_agrees(pattern, value) if {
	patterns.any_match([pattern], value)
	glob.match(pattern, [], value)
}

_agrees(pattern, value) if {
	not patterns.any_match([pattern], value)
	not glob.match(pattern, [], value)
}
