# METADATA
# title: Spend data is current
# description: >-
#   Nightly report only (input.subject "report"). A billing account whose latest spend ends more than
#   `max_lag_days` days before yesterday is reported: its export or API feed has stopped or lags. The report
#   counts month to date only through the last day every account has data for, so budgets are projected over
#   the days actually billed rather than treating the missing days as zero spend.
# custom:
#   id: TG-RPT-001
#   severity: medium
#   enforcement: warn
#   remediation: >-
#     Check the account's cost export or API access; re-run the report once the missing days are exported.
#   parameters:
#     max_lag_days:
#       description: Days of billing lag accepted after yesterday before an account is stale.
#       default: 1
package tollgate.rules.report["TG-RPT-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.messages

_id := "TG-RPT-001"

# METADATA
# description: >-
#   Findings of this rule, one per billing account whose data ends more than max_lag_days before yesterday;
#   none outside the nightly report.
findings contains {
	"resource": concat(":", ["spend", a.provider, _account_id(a)]),
	"message": message,
	"indeterminate": false,
	"evidence": {"provider": a.provider, "account": a.account, "last_day": a.last_day, "days_behind": a.days_behind, "sources": a.sources},
} if {
	input.subject == "report"
	some a in input.report.freshness
	a.days_behind > config.param(_id, "max_lag_days")
	message := sprintf("%s spend %s ends on %s, %s days before yesterday: its export or feed lags; month to date counts only complete days", [
		a.provider, _account(a), a.last_day, messages.show(a.days_behind),
	])
}

_account_id(a) := a.account if is_string(a.account)

else := "(no account)"

_account(a) := sprintf("of account %s", [a.account]) if is_string(a.account)

else := "with no account id"
