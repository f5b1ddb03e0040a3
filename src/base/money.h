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
 * Parse a plain integer (optional leading '-', digits only) into *out; refuses
 * empty text, other characters and int64 overflow.
 */
int int_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err);

#endif
