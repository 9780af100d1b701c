# freshness (nightly report only): every billing account's last day of spend (input.report.freshness) with
# its status: "stale" when its data ends more than TG-RPT-001's max_lag_days before yesterday, else
# "current". The report prints the status; TG-RPT-001 reports each stale account as a finding.
package tollgate.facts

import data.tollgate.lib.config

# METADATA
# description: Each billing account's freshness with its status; absent outside the report.
freshness := [object.union(a, {"status": status}) |
	some a in input.report.freshness
	status := _freshness_status[a.days_behind]
] if {
	input.subject == "report"
}

# _freshness_status maps days behind to the status, for the days the input has (no functions in this package).
_freshness_status[days] := "stale" if {
	some a in input.report.freshness
	days := a.days_behind
	days > config.param("TG-RPT-001", "max_lag_days")
}

_freshness_status[days] := "current" if {
	some a in input.report.freshness
	days := a.days_behind
	days <= config.param("TG-RPT-001", "max_lag_days")
}
