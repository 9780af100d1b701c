# METADATA
# description: |
#   Money and percentages for messages: "$1,234.56", "-$80.00", "€1,234.56", "1,234.56 CHF", "98.5%".
#   sprintf runs as JavaScript in the wasm target and prints floats differently from OPA's Go evaluator, so
#   amounts are rounded to whole cents first and printed digit by digit with format_int and concat. Rounding
#   to cents also makes threshold comparisons agree between opa test (exact decimals) and wasm (doubles).
package tollgate.lib.money

# cents(x) is x rounded to whole cents (an integer number of cents).
cents(x) := round(x * 100)

# rounded(x) is x rounded to cents, for evidence: 2949.9999999 becomes 2950.
rounded(x) := cents(x) / 100

# at_least(x, threshold): x >= threshold, compared in whole cents.
at_least(x, threshold) if cents(x) >= cents(threshold)

# usd(x): "$1,234.56"; negative amounts "-$1,234.56".
usd(x) := amount(x, "USD")

# amount(x, currency) prints x with the currency's symbol when it has a common one, else its ISO code after.
amount(x, currency) := concat("", [_sign(x, 2), _symbols[currency], _fixed(x, 2)])

amount(x, currency) := concat("", [_sign(x, 2), _fixed(x, 2), " ", currency]) if not _symbols[currency]

# per_hour(x): an hourly price, "$5.67/h"; below a dollar with four decimals, "$0.0116/h".
per_hour(x) := concat("", [_sign(x, 2), "$", _fixed(x, 2), "/h"]) if abs(x) >= 1

per_hour(x) := concat("", [_sign(x, 4), "$", _fixed(x, 4), "/h"]) if abs(x) < 1

# percent(ratio): 0.985 is "98.5%", 0.8 is "80%" (one decimal, dropped when it is zero).
percent(ratio) := concat("", [_sign(ratio * 100, 1), trim_suffix(_fixed(ratio * 100, 1), ".0"), "%"])

_symbols := {"USD": "$", "EUR": "€", "GBP": "£"}

_scale := {1: 10, 2: 100, 4: 10000}

# _units(x, decimals) is abs(x) in units of the last decimal place, rounded.
_units(x, decimals) := round(abs(x) * _scale[decimals])

# "-" when x is negative and does not round to zero at that precision (no "-$0.00").
_sign(x, decimals) := "-" if {
	x < 0
	_units(x, decimals) > 0
} else := ""

# _fixed(x, decimals): abs(x) with thousands separators and exactly that many decimals: "1,234.50".
_fixed(x, decimals) := concat(".", [_grouped(whole), _padded(units - (whole * _scale[decimals]), decimals)]) if {
	units := _units(x, decimals)
	whole := floor(units / _scale[decimals])
}

# _grouped(n): a non-negative integer with a comma every three digits, "1,234,567".
_grouped(n) := concat(",", array.concat([substring(digits, 0, head)], [substring(digits, i, 3) |
	some i, _ in split(digits, "")
	i >= head
	(i - head) % 3 == 0
])) if {
	digits := format_int(n, 10)
	head := ((count(digits) - 1) % 3) + 1
}

# _padded(n, width): n with leading zeros to width digits ("05").
_padded(n, width) := concat("", array.concat([z | some _ in numbers.range(1, width - count(d)); z := "0"], [d])) if {
	d := format_int(n, 10)
	count(d) < width
}

_padded(n, width) := format_int(n, 10) if count(format_int(n, 10)) >= width
