/*
 * money.c - decimal text <-> integer minor units, overflow-checked.
 */
#include "base/money.h"

#include <stdio.h>
#include <string.h>
#include "base/banned.h"

static void show(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t n = len < dstlen - 1 ? len : dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	if (len > n && n >= 3)
		memcpy(dst + n - 3, "...", 3);
}

int money_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err)
{
	char shown[64];
	size_t i = 0;
	int neg = 0, ndigits = 0, nfrac = 0;
	uint64_t v = 0;
	const uint64_t limit = (uint64_t)INT64_MAX;

	show(shown, sizeof(shown), s, len);
	if (len == 0)
		return err_set(err, ERR_INVALID, field, "required", "a decimal amount is required");
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < len && s[i] != '.'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return err_set(err, ERR_INVALID, field, "not_decimal:value", "\"%s\" is not a decimal", shown);
		if (v > (limit - 9) / 10 && v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return err_set(err, ERR_INVALID, field, "too_large:value", "\"%s\" is too large", shown);
		v = v * 10 + (uint64_t)(s[i] - '0');
		ndigits++;
	}
	if (i < len) { /* s[i] == '.' */
		i++;
		if (i == len)
			return err_set(err, ERR_INVALID, field, "not_decimal:value", "\"%s\" is not a decimal", shown);
		for (; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return err_set(err, ERR_INVALID, field, "not_decimal:value", "\"%s\" is not a decimal", shown);
			if (++nfrac > 2)
				return err_set(err, ERR_INVALID, field, "too_precise:value",
					       "\"%s\" has more than two decimal places", shown);
			if (v > (limit - 9) / 10 && v > (limit - (uint64_t)(s[i] - '0')) / 10)
				return err_set(err, ERR_INVALID, field, "too_large:value", "\"%s\" is too large", shown);
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	if (ndigits == 0)
		return err_set(err, ERR_INVALID, field, "not_decimal:value", "\"%s\" is not a decimal", shown);
	for (; nfrac < 2; nfrac++) {
		if (v > limit / 10)
			return err_set(err, ERR_INVALID, field, "too_large:value", "\"%s\" is too large", shown);
		v *= 10;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static char *format(int64_t minor, char *out, int grouped)
{
	char digits[24];
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t major = v / 100;
	unsigned frac = (unsigned)(v % 100);
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)major);
	char *p = out;

	if (minor < 0)
		*p++ = '-';
	for (int i = 0; i < n; i++) {
		*p++ = digits[i];
		if (grouped && (n - i - 1) % 3 == 0 && i != n - 1)
			*p++ = ',';
	}
	*p++ = '.';
	*p++ = (char)('0' + frac / 10);
	*p++ = (char)('0' + frac % 10);
	*p = '\0';
	return out;
}

char *money_format(int64_t minor, char *out)
{
	return format(minor, out, 0);
}

char *money_format_grouped(int64_t minor, char *out)
{
	return format(minor, out, 1);
}

int money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_mul_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

int money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

/* n / d rounded half away from zero (d > 0). */
static __int128 round_div(__int128 n, __int128 d)
{
	__int128 q = n / d, r = n % d;
	if (r < 0)
		r = -r;
	if (2 * r >= d)
		q += n < 0 ? -1 : 1;
	return q;
}

static int fit(__int128 q, int64_t *out)
{
	if (q > INT64_MAX || q < INT64_MIN)
		return -1;
	*out = (int64_t)q;
	return 0;
}

int div_round(int64_t a, int64_t b, int64_t *out)
{
	if (b == 0)
		return -1;
	return fit(b < 0 ? round_div(-(__int128)a, -(__int128)b) : round_div(a, b), out);
}

int ratio_bp(int64_t num, int64_t den, int64_t *out)
{
	__int128 n = (__int128)num * 10000;
	if (den == 0)
		return -1;
	return fit(den < 0 ? round_div(-n, -(__int128)den) : round_div(n, den), out);
}
char *ratio_format(int64_t bp, char *out)
{
	/* tenths of a percent = bp / 10, rounded half away from zero */
	int64_t t = (int64_t)round_div(bp, 10);
	uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	snprintf(out, RATIO_FMT_MAX, "%s%llu.%llu%%", t < 0 ? "-" : "",
		 (unsigned long long)(a / 10), (unsigned long long)(a % 10));
	return out;
}

int int_parse(const char *s, size_t len, int64_t *out, const char *field, struct err *err)
{
	char shown[64];
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0;

	show(shown, sizeof(shown), s, len);
	if (len == 0)
		return err_set(err, ERR_INVALID, field, "required", "an integer is required");
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return err_set(err, ERR_INVALID, field, "not_integer:value", "\"%s\" is not an integer", shown);
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return err_set(err, ERR_INVALID, field, "not_integer:value", "\"%s\" is not an integer", shown);
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return err_set(err, ERR_INVALID, field, "too_large:value", "\"%s\" is too large", shown);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}
