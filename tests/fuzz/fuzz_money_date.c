/*
 * fuzz_money_date.c - libFuzzer target for the money, integer, date and
 * instant parsers (scripts/fuzz). Each parser's verdict and value are checked
 * against a small independent reference, and what parses must format and
 * parse back to the same value. The input's bytes also drive the calendar
 * arithmetic over the whole int32 / int64 ranges.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what, const char *s, size_t len)
{
	if (!cond) {
		fprintf(stderr, "fuzz_money_date: %s: \"%.*s\"\n", what, (int)len, s);
		abort();
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reference for money: -?D+(.D{1,2})? with |value| <= INT64_MAX minor units. */
static int ref_money(const char *s, size_t len, int64_t *out)
{
	size_t i = 0, nint = 0, nfrac = 0;
	int neg = 0;
	__int128 v = 0;
	if (i < len && s[i] == '-')
		neg = 1, i++;
	for (; i < len && is_digit(s[i]); i++, nint++)
		if (v <= (__int128)INT64_MAX * 10)
			v = v * 10 + (s[i] - '0');
	if (nint == 0)
		return 0;
	if (i < len && s[i] == '.') {
		i++;
		for (; i < len && is_digit(s[i]); i++, nfrac++)
			if (v <= (__int128)INT64_MAX * 10)
				v = v * 10 + (s[i] - '0');
		if (nfrac == 0 || nfrac > 2)
			return 0;
	}
	if (i != len)
		return 0;
	for (; nfrac < 2; nfrac++)
		v *= 10;
	if (v > INT64_MAX)
		return -1; /* well formed but too large */
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

/* Reference for integers: -?D+ with |value| <= INT64_MAX. */
static int ref_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0, n = 0;
	int neg = 0;
	__int128 v = 0;
	if (i < len && s[i] == '-')
		neg = 1, i++;
	for (; i < len && is_digit(s[i]); i++, n++)
		if (v <= (__int128)INT64_MAX)
			v = v * 10 + (s[i] - '0');
	if (n == 0 || i != len)
		return 0;
	if (v > INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

static int ref_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reference for dates: exactly YYYY-MM-DD, year 1000-9999, a day the month has. */
static int ref_date(const char *s, size_t len)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1000 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && ref_leap(y));
}

static void fuzz_money(const char *s, size_t len)
{
	struct err err;
	int64_t v = 0, want = 0, back = 0;
	char txt[MONEY_FMT_MAX], grouped[MONEY_FMT_MAX], plain[MONEY_FMT_MAX];
	int ref = ref_money(s, len, &want);
	int rc = money_parse(s, len, &v, "amount", &err);

	if (rc != 0) {
		check(ref != 1, "money_parse refused a valid amount", s, len);
		check(err.code == ERR_INVALID && !strcmp(err.field, "amount") && err.msg[0],
		      "money_parse error not filled", s, len);
		return;
	}
	check(ref == 1, "money_parse accepted an invalid amount", s, len);
	check(v == want, "money_parse value differs from the reference", s, len);
	money_format(v, txt);
	check(money_parse(txt, strlen(txt), &back, "amount", &err) == 0 && back == v,
	      "money_format does not parse back", s, len);
	/* Grouped is the same digits with commas. */
	money_format_grouped(v, grouped);
	size_t k = 0;
	for (const char *p = grouped; *p; p++)
		if (*p != ',')
			plain[k++] = *p;
	plain[k] = '\0';
	check(!strcmp(plain, txt), "money_format_grouped differs from money_format", s, len);
}

static void fuzz_int(const char *s, size_t len)
{
	struct err err;
	int64_t v = 0, want = 0;
	int ref = ref_int(s, len, &want);
	int rc = int_parse(s, len, &v, "quantity", &err);
	if (rc != 0) {
		check(ref != 1, "int_parse refused a valid integer", s, len);
		check(err.code == ERR_INVALID && err.msg[0], "int_parse error not filled", s, len);
		return;
	}
	check(ref == 1 && v == want, "int_parse differs from the reference", s, len);
}

static void fuzz_dates(const char *s, size_t len)
{
	struct err err;
	int32_t day = 0;
	int64_t at = 0, back = 0;
	char txt[DATE_FMT_MAX], ts[TS_FMT_MAX];
	int rc = date_parse(s, len, &day, "date", &err);

	check((rc == 0) == ref_date(s, len), "date_parse differs from the reference", s, len);
	if (rc == 0) {
		/* The canonical text is the only accepted spelling. */
		check(!strcmp(date_format(day, txt), txt) && !memcmp(txt, s, 10),
		      "date_format does not give back the input", s, len);
	}
	if (ts_parse(s, len, &at, "at", &err) == 0) {
		check(len == 20 || len == 25, "ts_parse accepted an odd length", s, len);
		check(ref_date(s, 10), "ts_parse accepted a bad date", s, len);
		ts_format(at, ts);
		check(ts_parse(ts, strlen(ts), &back, "at", &err) == 0 && back == at,
		      "ts_format does not parse back", s, len);
		if (len == 20)
			check(!memcmp(ts, s, 20), "a Z instant is not given back as written", s, len);
	}
}

/* Calendar arithmetic on any day number or instant the bytes spell. */
static void fuzz_arith(const uint8_t *data, size_t size)
{
	int32_t day;
	int64_t at;
	int y, m, d;
	char txt[DATE_FMT_MAX], ts[TS_FMT_MAX];

	if (size < 12)
		return;
	memcpy(&day, data, 4);
	memcpy(&at, data + 4, 8);

	date_to_ymd(day, &y, &m, &d);
	check(m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m),
	      "date_to_ymd gave an impossible date", (const char *)data, 0);
	check(date_from_ymd(y, m, d) == day, "date_from_ymd(date_to_ymd(day)) != day",
	      (const char *)data, 0);
	int w = date_weekday(day);
	check(w >= 0 && w <= 6, "weekday out of range", (const char *)data, 0);
	date_format(day, txt);
	check(strlen(txt) == 10, "date_format length", (const char *)data, 0);

	/* Instants within the years that can be written as YYYY. */
	const int64_t lo = (int64_t)date_from_ymd(1000, 1, 1) * 86400;
	const int64_t hi = (int64_t)date_from_ymd(9999, 12, 31) * 86400 + 86399;
	ts_format(at, ts); /* any instant: must not crash */
	if (at >= lo && at <= hi) {
		int64_t back = 0;
		struct err err;
		check(ts_parse(ts, strlen(ts), &back, "at", &err) == 0 && back == at,
		      "ts_format/ts_parse round trip", (const char *)data, 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A heap copy of exactly size bytes, so reading past len is caught. */
	char *s = malloc(size ? size : 1);
	memcpy(s, data, size);
	fuzz_money(s, size);
	fuzz_int(s, size);
	fuzz_dates(s, size);
	fuzz_arith(data, size);
	free(s);
	return 0;
}
