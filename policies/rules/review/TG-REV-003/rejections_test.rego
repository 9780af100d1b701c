package tollgate.rules.review["TG-REV-003_test"] # regal ignore:prefer-snake-case

import data.tollgate.lib.models_fixtures_test as fx
import data.tollgate.rules.review["TG-REV-003"] as rule

_findings(approvals) := found if {
	found := rule.findings with input as fx.deployed("high", approvals, [])
}

test_rejection_after_approvals_is_finding if {
	r := object.union(fx.rejection("ravi", "security", "2026-10-02"), {"note": "prompt injection"})
	some f in _findings([fx.approval("sam", "risk", "2026-10-01"), r])

	# regal ignore:line-length
	f.message == "aws_sagemaker_endpoint_configuration.fraud serves fraud@7 in production, which ravi (security) rejected on 2026-10-02: prompt injection, with no approval of artifact sha256:777777777777 since"
}

test_rejection_answered_by_later_approval_passes if {
	count(_findings([fx.rejection("ravi", "security", "2026-10-02"), fx.approval("sam", "risk", "2026-10-03")])) == 0
}

test_later_approval_by_owner_does_not_lift_rejection if {
	count(_findings([fx.rejection("ravi", "security", "2026-10-02"), fx.approval("maya@example.com", "risk", "2026-10-03")])) == 1
}

test_same_day_approval_does_not_lift_rejection if {
	some f in _findings([fx.rejection("ravi", "security", "2026-10-02"), fx.approval("sam", "risk", "2026-10-02")])
	not contains(f.message, ": ")
}
