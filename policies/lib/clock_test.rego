package tollgate.lib.clock_test

import data.tollgate.lib.clock

test_today_is_date_of_now if {
	clock.today == "2025-06-01" with input as {"context": {"now": "2025-06-01T23:59:59Z"}}
}

test_today_is_undefined_without_clock if {
	not clock.today with input as {"context": {}}
	not clock.today with input as {"context": {"now": "2025"}}
}
