# METADATA
# title: Resources cost what their plan estimated
# description: >-
#   Nightly report with `--estimates` only. Each resource of a `tollgate check --format json` result is joined
#   to its actual spend this month (by cloud id, else model reference) and its run rate compared with the
#   estimate; a resource running more than `over_percent` above its estimate is reported, so the estimate or
#   the resource gets fixed. A resource with no spend found is not reported here: it is listed as unmatched.
# custom:
#   id: TG-RPT-002
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Find why the resource costs more than planned (more replicas or hours, a larger type, on-demand instead of
#     spot or committed prices) and fix it, or correct the usage assumptions the estimate was made with.
#   parameters:
#     over_percent:
#       description: How far above its estimate (percent) a resource may run before it is reported.
#       default: 20
package tollgate.rules.report["TG-RPT-002"] # regal ignore:prefer-snake-case

import data.tollgate.lib.estimates
import data.tollgate.lib.money

# METADATA
# description: >-
#   Findings of this rule, one per estimated resource whose actual run rate is more than over_percent above its
#   monthly estimate; none outside the nightly report.
findings contains {
	"resource": l.address,
	"message": message,
	"indeterminate": false,
	"evidence": {
		"estimated_monthly": l.estimated_monthly, "actual_monthly": l.actual_monthly, "error_percent": l.error_percent,
		"matched_by": l.matched_by, "matched": l.matched, "file": l.file,
	},
} if {
	input.subject == "report"
	some r in input.report.estimates.resources
	l := estimates.judged(r)
	l.status == "over"
	message := sprintf("%s runs at %s a month against an estimate of %s (%s above; matched by %s %s)", [
		l.address, money.amount(l.actual_monthly, _currency), money.amount(l.estimated_monthly, _currency), _above(l), l.matched_by, l.matched,
	])
}

_currency := object.get(input.report, "currency", "USD")

_above(l) := sprintf("%v%%", [l.error_percent]) if is_number(l.error_percent)

else := "any spend is"
