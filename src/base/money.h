/*
 * money.h - money as an integer count of minor units (cents / fen), parsed from
 * and formatted to decimal major units without ever touching floating point.
 */
#ifndef BASE_MONEY_H
#define BASE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Longest text money_format() writes, with its NUL. */
#define MONEY_FMT_MAX 32

/*
 * Parse a decimal in major units ("199", "199.5", "199.00", "-3.10") into minor
 * units (two decimals). Refuses signs other than one leading '-', spaces, group
 * separators, exponents, more than two decimals and values beyond int64.
 * field names the input in the error ("unit_price").
 */
int money_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err);

/* Write minor units as "1234.50" / "-0.05" into out (MONEY_FMT_MAX bytes); returns out. */
char *money_format(int64_t minor, char *out);

/* As money_format() with thousands grouped: "1,234,567.50". */
char *money_format_grouped(int64_t minor, char *out);

/* a*b and a+b into *out, returning -1 (and leaving *out alone) on int64 overflow. */
int money_mul(int64_t a, int64_t b, int64_t *out);
int money_add(int64_t a, int64_t b, int64_t *out);

/*
 * The documented upper bounds (docs/guide.md, "Limits"); an input past one is
 * refused with reason amount_limit and the bound as parameter "max":
 *   MONEY_UNIT_MAX   a unit price, unit cost or list price: 10^12 minor units
 *                    (10,000,000,000.00, 100 亿元)
 *   QUANTITY_MAX     the quantity of one sale line: 10^9
 *   MONEY_LINE_MAX   one line's amount (quantity x unit price), discount and
 *                    cost: 10^15 minor units (10 万亿元)
 *   MONEY_TOTAL_MAX  any total: the sums of every sale in the workspace (so any
 *                    sum of a subset of them), a goal's money or count target:
 *                    10^18, a tenth of what an int64 holds
 * With every line and the workspace total bounded, no sum over sales can
 * overflow, and ratios are computed in 128 bits (ratio_bp).
 */
#define MONEY_UNIT_MAX INT64_C(1000000000000)
#define QUANTITY_MAX INT64_C(1000000000)
#define MONEY_LINE_MAX INT64_C(1000000000000000)
#define MONEY_TOTAL_MAX INT64_C(1000000000000000000)

/*
 * The one rounding rule of ratios: num / den as basis points (1 bp = 0.01%),
 * rounded once, half away from zero, from the exact integers (no floating
 * point). -1 when den is 0 or the result does not fit.
 */
int ratio_bp(int64_t num, int64_t den, int64_t *out);

/* a / b rounded half away from zero (b != 0), in 128 bits; -1 if it does not fit. */
int div_round(int64_t a, int64_t b, int64_t *out);

/* Longest text ratio_format() writes, with its NUL. */
#define RATIO_FMT_MAX 32

/*
 * Basis points as a percent with one decimal, rounded half away from zero:
 * 1234 -> "12.3%", -2815 -> "-28.2%", 5 -> "0.1%", -4 -> "0.0%" (no "-0.0%").
 */
char *ratio_format(int64_t bp, char *out);

/*
 * Parse a plain integer (optional leading '-', digits only) into *out; refuses
 * empty text, other characters and int64 overflow.
 */
int int_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err);

#endif
