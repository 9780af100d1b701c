# estimates (nightly report with --estimates): every estimated resource and team of input.report.estimates
# with its error against the actual run rate and its status (lib/estimates), for the renderers.
package tollgate.facts

import data.tollgate.lib.estimates as lib

# METADATA
# description: Estimated against actual per resource and per team, judged; absent without estimates.
estimates := {
	"days": e.days,
	"over_percent": lib.over_percent,
	"resources": [lib.judged(l) | some l in e.resources],
	"teams": [lib.judged(t) | some t in e.teams],
} if {
	input.subject == "report"
	e := input.report.estimates
}
