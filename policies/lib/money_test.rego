package tollgate.lib.money_test

import data.tollgate.lib.money

test_usd_groups_thousands_with_cents if {
	money.usd(1234.56) == "$1,234.56"
	money.usd(1005.5) == "$1,005.50"
	money.usd(12005000.07) == "$12,005,000.07"
	money.usd(1002003004.5) == "$1,002,003,004.50"
	money.usd(1002003004005) == "$1,002,003,004,005.00"
	money.usd(41200) == "$41,200.00"
	money.usd(1234567.891) == "$1,234,567.89"
}

test_usd_small_amounts_keep_leading_zero if {
	money.usd(0) == "$0.00"
	money.usd(0.05) == "$0.05"
	money.usd(7.5) == "$7.50"
	money.usd(999.999) == "$1,000.00"
}

test_usd_negative_has_sign_before_symbol if {
	money.usd(-2950) == "-$2,950.00"
}

test_usd_negative_rounding_to_zero_has_no_sign if {
	money.usd(-0.001) == "$0.00"
}

test_amount_uses_symbol_or_code if {
	money.amount(1000, "EUR") == "€1,000.00"
	money.amount(1000, "GBP") == "£1,000.00"
	money.amount(-1000.5, "CHF") == "-1,000.50 CHF"
}

test_per_hour_shows_four_decimals_below_a_dollar if {
	money.per_hour(5.672) == "$5.67/h"
	money.per_hour(0.0116) == "$0.0116/h"
	money.per_hour(0.5) == "$0.5000/h"
}

test_percent_drops_zero_decimal if {
	money.percent(0.985) == "98.5%"
	money.percent(0.8) == "80%"
	money.percent(1) == "100%"
	money.percent(12.5) == "1,250%"
	money.percent(-0.05) == "-5%"
}

test_cents_round_half_away_from_zero if {
	money.cents(2949.999999) == 295000
	money.rounded(2949.999999) == 2950
}

test_at_least_compares_whole_cents if {
	money.at_least(40000.000000001, 40000)
	money.at_least(40000, 50000 * 0.8)
	not money.at_least(39999.99, 40000)
}
