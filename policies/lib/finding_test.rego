package tollgate.lib.finding_test

import data.tollgate.lib.finding

test_new_is_determinate if {
	finding.new({"address": "a.b"}, "m", {"k": 1}) == {"resource": "a.b", "message": "m", "indeterminate": false, "evidence": {"k": 1}}
}

test_indeterminate_is_flagged if {
	finding.indeterminate({"address": "a.b"}, "m", {}).indeterminate == true
}
