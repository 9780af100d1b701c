# METADATA
# title: Daily spend stays near its trailing 7-day mean
# description: >-
#   Nightly report only (input.subject "report"). For each daily spend series (total, per team, per cloud)
#   a day in the last `lookback_days` whose spend exceeds the mean of the 7 days before it by more than
#   `threshold_percent` and by at least `min_increase` (in the billing currency) is an anomaly: a forgotten
#   cluster, a runaway job, a pricing change. Days with fewer than 7 days of history before them are not judged.
# custom:
#   id: TG-ANO-001
#   severity: medium
#   enforcement: warn
#   report_section: anomalies
#   remediation: >-
#     Find what started that day (the report's top cost drivers, the team's jobs) and stop it or explain it;
#     raise `threshold_percent` or `min_increase` for series that are spiky by design.
#   parameters:
#     threshold_percent:
#       description: How far above the trailing 7-day mean, in percent, a day's spend must be.
#       default: 50
#     min_increase:
#       description: Smallest increase over the mean, in the billing currency, worth reporting.
#       default: 100
#     lookback_days:
#       description: How many recent days are judged (1 = yesterday only).
#       default: 7
package tollgate.rules.report["TG-ANO-001"] # regal ignore:prefer-snake-case

import data.tollgate.lib.config
import data.tollgate.lib.messages

_id := "TG-ANO-001"

# METADATA
# description: >-
#   Findings of this rule, one per day and daily spend series (resource "spend:<scope>") whose spend is
#   anomalous against its trailing 7-day mean; none outside the nightly report.
findings contains {
	"resource": concat(":", ["spend", series.scope]),
	"message": message,
	"indeterminate": false,
	"evidence": {"day": p.day, "cost": p.cost, "trailing_mean": p.trailing_mean, "increase_percent": percent},
} if {
	input.subject == "report"
	some series in input.report.series
	some p in series.points
	p.days_ago <= config.param(_id, "lookback_days")
	is_number(p.trailing_mean)
	p.trailing_mean > 0
	p.cost - p.trailing_mean >= config.param(_id, "min_increase")
	percent := round(((p.cost - p.trailing_mean) * 100) / p.trailing_mean)
	percent > config.param(_id, "threshold_percent")
	message := sprintf("%s spend on %s was %s %s, %s%% above its trailing 7-day mean of %s", [
		series.scope, p.day, messages.show(p.cost), input.report.currency, messages.show(percent), messages.show(p.trailing_mean),
	])
}
