# showback (nightly report only): the showback sums prepare read from the history (input.report.showback:
# month to date, the previous month to the same day and the whole previous month, by team with untagged
# spend on its own line, by cloud, service and model), each line with its share of the month, its change
# on the previous month and its trend (lib/showback), so the renderers print them without computing.
package tollgate.facts

import data.tollgate.lib.showback as lib

# METADATA
# description: The report's showback tables with shares, changes and trends; absent outside the report.
showback := object.union(sb, {
	"totals": lib.line(object.union(sb.totals, {"key": "total"}), sb.totals.month_to_date),
	"by_team": lib.lines(sb.by_team, sb.totals.month_to_date),
	"by_cloud": lib.lines(sb.by_cloud, sb.totals.month_to_date),
	"by_service": lib.lines(sb.by_service, sb.totals.month_to_date),
	"by_model": lib.lines(sb.by_model, sb.totals.month_to_date),
}) if {
	input.subject == "report"
	sb := input.report.showback
}
