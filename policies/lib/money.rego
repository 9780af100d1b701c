# METADATA
# description: |
#   Money and percentages for messages: "$1,234.56", "-$80.00", "€1,234.56", "1,234.56 CHF", "98.5%".
#   sprintf runs as JavaScript in the wasm target and prints floats differently from OPA's Go evaluator, so
#   amounts are rounded to whole cents first and printed digit by digit with format_int and concat. Rounding
#   to cents also makes threshold comparisons agree between opa test (exact decimals) and wasm (doubles).
package tollgate.lib.money

# METADATA
# description: cents(x) is x rounded to whole cents (an integer number of cents).
cents(x) := round(x * 100)

# METADATA
# description: >-
#   rounded(x) is x rounded to cents, for evidence: 2949.9999999 becomes 2950.
rounded(x) := cents(x) / 100

# METADATA
# description: >-
#   at_least(x, threshold): x >= threshold, compared in whole cents.
at_least(x, threshold) if cents(x) >= cents(threshold)

# METADATA
# description: usd(x) prints x in US dollars, "$1,234.56"; negative amounts "-$1,234.56".
usd(x) := amount(x, "USD")

# METADATA
# scope: document
# description: >-
#   amount(x, currency) prints x with the currency's symbol when it has a common one ("€1,234.56"), else with
#   its ISO code after ("1,234.56 CHF").
amount(x, currency) := concat("", [p.sign, _symbols[currency], p.digits]) if p := _parts(x, 2)

amount(x, currency) := concat("", [p.sign, p.digits, " ", currency]) if {
	not _symbols[currency]
	p := _parts(x, 2)
}

# METADATA
# scope: document
# description: >-
#   per_hour(x) prints an hourly price in US dollars, "$5.67/h"; below a dollar with four decimals, "$0.0116/h".
per_hour(x) := concat("", [p.sign, "$", p.digits, "/h"]) if {
	abs(x) >= 1
	p := _parts(x, 2)
}

per_hour(x) := concat("", [p.sign, "$", p.digits, "/h"]) if {
	abs(x) < 1
	p := _parts(x, 4)
}

# METADATA
# description: >-
#   percent(ratio) prints a ratio as a percentage: 0.985 is "98.5%", 0.8 is "80%" (one decimal, dropped when it
#   is zero).
percent(ratio) := concat("", [p.sign, trim_suffix(p.digits, ".0"), "%"]) if p := _parts(ratio * 100, 1)

_symbols := {"USD": "$", "EUR": "€", "GBP": "£"}

_scale := {1: 10, 2: 100, 4: 10000}

# _parts(x, decimals): the sign ("-" unless x rounds to zero) and abs(x) with thousands separators and exactly
# that many decimals ("1,234.50"). Plain arithmetic and format_int only: this runs for every recommendation,
# and string splitting or comprehensions here cost more than the rest of a rule on large plans.
_parts(x, decimals) := {"sign": _sign(x, units), "digits": concat(".", [_grouped(whole), _padded(units - (whole * scale), decimals)])} if {
	scale := _scale[decimals]
	units := round(abs(x) * scale)
	whole := floor(units / scale)
}

_sign(x, units) := "-" if {
	x < 0
	units > 0
} else := ""

# _grouped(n): a non-negative integer with a comma every three digits, "1,234,567" (up to 10^15).
_grouped(n) := format_int(n, 10) if n < 1000

_grouped(n) := concat(",", [format_int(floor(n / 1000), 10), _padded(n % 1000, 3)]) if {
	n >= 1000
	n < 1000000
}

_grouped(n) := concat(",", [
	format_int(floor(n / 1000000), 10),
	_padded(floor(n / 1000) % 1000, 3),
	_padded(n % 1000, 3),
]) if {
	n >= 1000000
	n < 1000000000
}

_grouped(n) := concat(",", [
	format_int(floor(n / 1000000000), 10),
	_padded(floor(n / 1000000) % 1000, 3),
	_padded(floor(n / 1000) % 1000, 3),
	_padded(n % 1000, 3),
]) if {
	n >= 1000000000
	n < 1000000000000
}

_grouped(n) := concat(",", [
	format_int(floor(n / 1000000000000), 10),
	_padded(floor(n / 1000000000) % 1000, 3),
	_padded(floor(n / 1000000) % 1000, 3),
	_padded(floor(n / 1000) % 1000, 3),
	_padded(n % 1000, 3),
]) if {
	n >= 1000000000000
}

# _padded(n, width): 0 <= n < 10^width with leading zeros to width digits ("05"): 10^width + n, first digit cut.
_padded(n, width) := substring(format_int(_powers[width] + n, 10), 1, width)

_powers := {1: 10, 2: 100, 3: 1000, 4: 10000}
