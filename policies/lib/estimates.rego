# METADATA
# description: |
#   Estimated against actual (report --estimates): the error of each resource's monthly estimate against its
#   actual run rate (input.report.estimates, prepared from the history), as a percentage of the estimate, and
#   its status: "over" more than TG-RPT-002's over_percent above the estimate, "under" as far below it,
#   "within" between, "unmatched" when no spend was found (unknown, not zero), "unpriced" when the check could
#   not price the resource.
package tollgate.lib.estimates

import data.tollgate.lib.config

# METADATA
# description: over_percent is how far above its estimate a resource may run before it is over (TG-RPT-002).
over_percent := config.param("TG-RPT-002", "over_percent")

# METADATA
# description: >-
#   judged(l) is estimate line l (a resource or a team) with error_percent (one decimal; null when either side
#   is unknown or the estimate is 0) and status.
judged(l) := object.union(l, {"error_percent": e, "status": _status(l, e)}) if {
	e := _error(l.estimated_monthly, l.actual_monthly)
}

_error(estimated, actual) := round(((actual - estimated) * 1000) / estimated) / 10 if {
	is_number(estimated)
	is_number(actual)
	estimated > 0
}

else := null

_status(l, _) := "unpriced" if {
	not is_number(l.estimated_monthly)
	object.get(l, "resources", null) != 0
}

# A team none of whose resources matched spend.
_status(l, _) := "unmatched" if l.resources == 0

_status(l, _) := "unmatched" if {
	is_number(l.estimated_monthly)
	not is_number(l.actual_monthly)
}

_status(_, e) := "over" if {
	is_number(e)
	e > over_percent
}

_status(_, e) := "under" if {
	is_number(e)
	e < 0 - over_percent
}

_status(_, e) := "within" if {
	is_number(e)
	e >= 0 - over_percent
	e <= over_percent
}

# An estimate of 0 with spend is over: any spend is above it.
_status(l, e) := "over" if {
	e == null
	l.estimated_monthly == 0
	l.actual_monthly > 0
}

_status(l, e) := "within" if {
	e == null
	l.estimated_monthly == 0
	l.actual_monthly == 0
}
