/*
 * test_date.c - calendar dates and ISO 8601 instants. The day numbers are
 * checked against a plain day-counting walk over the calendar, independent of
 * the closed-form arithmetic in date.c, and against dates known by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"

/* --- an independent calendar ------------------------------------------------- */

static int ref_is_leap(int y)
{
	if (y % 400 == 0)
		return 1;
	if (y % 100 == 0)
		return 0;
	return y % 4 == 0;
}

static int ref_month_len(int y, int m)
{
	switch (m) {
	case 2:
		return ref_is_leap(y) ? 29 : 28;
	case 4:
	case 6:
	case 9:
	case 11:
		return 30;
	default:
		return 31;
	}
}

/* Days since 1970-01-01 by counting whole years and months. */
static int32_t ref_days(int y, int m, int d)
{
	int32_t n = 0;
	for (int yy = 1970; yy < y; yy++)
		n += ref_is_leap(yy) ? 366 : 365;
	for (int yy = y; yy < 1970; yy++)
		n -= ref_is_leap(yy) ? 366 : 365;
	for (int mm = 1; mm < m; mm++)
		n += ref_month_len(y, mm);
	return n + d - 1;
}

static int parse_date(const char *s, int32_t *out, struct err *err)
{
	err_clear(err);
	return date_parse(s, strlen(s), out, "date", err);
}

static void expect_date(const char *s, int32_t want)
{
	struct err err;
	int32_t v = -12345;
	if (parse_date(s, &v, &err)) {
		print_error("date_parse(\"%s\") failed: %s\n", s, err.msg);
		fail();
	}
	assert_int_equal(v, want);
}

static void expect_bad_date(const char *s)
{
	struct err err;
	int32_t v = 4242;
	char quoted[64];
	if (parse_date(s, &v, &err) != -1) {
		print_error("date_parse(\"%s\") accepted it as %d\n", s, v);
		fail();
	}
	assert_int_equal(v, 4242);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "date");
	snprintf(quoted, sizeof(quoted), "\"%s\"", s);
	if (!strstr(err.msg, quoted)) {
		print_error("message \"%s\" does not quote %s\n", err.msg, quoted);
		fail();
	}
}

/* --- tests ------------------------------------------------------------------------ */

static void test_reference_calendar(void **state)
{
	(void)state;
	/* Anchor the helper itself on days known by hand. */
	assert_int_equal(ref_days(1970, 1, 1), 0);
	assert_int_equal(ref_days(1969, 12, 31), -1);
	assert_int_equal(ref_days(2000, 1, 1), 10957);  /* 30*365 + 7 leap days */
	assert_int_equal(ref_days(2024, 1, 1), 19723);  /* 54*365 + 13 */
	assert_int_equal(ref_days(2026, 3, 1), 20513);  /* 56*365 + 14 + 31 + 28 */
	assert_int_equal(ref_days(1850, 1, 1), -43829);
}

static void test_parse_valid(void **state)
{
	(void)state;
	expect_date("1970-01-01", 0);
	expect_date("1969-12-31", -1);
	expect_date("2000-03-01", 10957 + 31 + 29);
	expect_date("2024-02-29", 19723 + 31 + 28);
	expect_date("2000-02-29", 10957 + 31 + 28);
	expect_date("2026-03-01", 20513);
	expect_date("2026-12-31", ref_days(2026, 12, 31));
	expect_date("1000-01-01", ref_days(1000, 1, 1));
	expect_date("9999-12-31", ref_days(9999, 12, 31));
	expect_date("1600-02-29", ref_days(1600, 2, 29));
}

static void test_parse_invalid(void **state)
{
	(void)state;
	expect_bad_date("2023-02-29"); /* not a leap year */
	expect_bad_date("1900-02-29"); /* century, not a leap year */
	expect_bad_date("2100-02-29");
	expect_bad_date("2024-02-30");
	expect_bad_date("2026-04-31");
	expect_bad_date("2026-3-1");
	expect_bad_date("2026-03-1");
	expect_bad_date("2026-03-01x");
	expect_bad_date("2026-03-01 ");
	expect_bad_date(" 2026-03-01");
	expect_bad_date("2026-13-01");
	expect_bad_date("2026-00-10");
	expect_bad_date("2026-01-00");
	expect_bad_date("2026-01-32");
	expect_bad_date("2026/03/01");
	expect_bad_date("2026-03-0a");
	expect_bad_date("2026-+3-01");
	expect_bad_date("2026--3-01");
	expect_bad_date("0999-12-31"); /* years start at 1000 */
	expect_bad_date("20260301");
	expect_bad_date("26-03-01");
	expect_bad_date("2026-03-01T00:00:00Z");
	expect_bad_date("");
	expect_bad_date("yyyy-mm-dd");
}

static void test_parse_respects_len(void **state)
{
	struct err err;
	int32_t v = 0;
	(void)state;
	/* A date followed by more text, read with len 10, is the date. */
	assert_int_equal(date_parse("2026-03-01T09:30", 10, &v, "d", &err), 0);
	assert_int_equal(v, 20513);
	assert_int_equal(date_parse("2026-03-01", 9, &v, "d", &err), -1);
}

static void test_days_in_month(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(2023, 2), 28);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2026, 1), 31);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
}

/* Walk 100,000 consecutive days, counting the calendar forward by hand. */
static void test_round_trip_walk(void **state)
{
	int y = 1850, m = 1, d = 1;
	int32_t day = -43829;
	int wd = 1; /* 1850-01-01 was a Tuesday */
	char txt[DATE_FMT_MAX], want[64];
	struct err err;
	(void)state;

	for (int i = 0; i < 100000; i++, day++) {
		int gy, gm, gd;
		int32_t parsed = 0;
		if (date_from_ymd(y, m, d) != day) {
			print_error("date_from_ymd(%d, %d, %d) = %d, want %d\n", y, m, d,
				    date_from_ymd(y, m, d), day);
			fail();
		}
		date_to_ymd(day, &gy, &gm, &gd);
		if (gy != y || gm != m || gd != d) {
			print_error("date_to_ymd(%d) = %d-%d-%d, want %d-%d-%d\n", day, gy, gm, gd,
				    y, m, d);
			fail();
		}
		assert_int_equal(date_weekday(day), wd);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		assert_string_equal(date_format(day, txt), want);
		assert_int_equal(date_parse(want, 10, &parsed, "d", &err), 0);
		assert_int_equal(parsed, day);

		wd = (wd + 1) % 7;
		if (++d > ref_month_len(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	/* The walk ended where a calendar says 1850-01-01 + 100,000 days is. */
	assert_int_equal(y, 2123);
	assert_int_equal(m, 10);
	assert_int_equal(d, 17);
}

static void test_extremes(void **state)
{
	int y, m, d;
	char txt[DATE_FMT_MAX];
	(void)state;
	/* The ends of the parseable range round-trip too. */
	assert_int_equal(date_from_ymd(1000, 1, 1), -354285);
	assert_int_equal(date_from_ymd(9999, 12, 31), 2932896);
	date_to_ymd(-354285, &y, &m, &d);
	assert_true(y == 1000 && m == 1 && d == 1);
	date_to_ymd(2932896, &y, &m, &d);
	assert_true(y == 9999 && m == 12 && d == 31);
	assert_string_equal(date_format(-354285, txt), "1000-01-01");
	assert_string_equal(date_format(2932896, txt), "9999-12-31");
}

static void test_whole_int32_range(void **state)
{
	int y, m, d;
	char txt[TS_FMT_MAX];
	const int32_t days[] = { INT32_MAX, INT32_MAX - 1, INT32_MIN, INT32_MIN + 1,
				 INT32_MAX - 719468, -719468, -719469 };
	(void)state;
	/* Day numbers far outside the calendar still convert both ways (no overflow). */
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		date_to_ymd(days[i], &y, &m, &d);
		assert_true(m >= 1 && m <= 12 && d >= 1 && d <= ref_month_len(y, m));
		assert_int_equal(date_from_ymd(y, m, d), days[i]);
		assert_true(date_weekday(days[i]) >= 0 && date_weekday(days[i]) <= 6);
	}
	/* Day -719468 is 0000-03-01, the start of the algorithm's eras. */
	date_to_ymd(-719468, &y, &m, &d);
	assert_true(y == 0 && m == 3 && d == 1);
	/* Any instant formats without overflow; the extremes of int64 too. */
	ts_format(INT64_MIN, txt);
	assert_int_equal(strlen(txt), 20);
	ts_format(INT64_MAX, txt);
	assert_int_equal(strlen(txt), 20);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(0), 3);                          /* Thu 1970-01-01 */
	assert_int_equal(date_weekday(-1), 2);                         /* Wed 1969-12-31 */
	assert_int_equal(date_weekday(ref_days(2026, 11, 28)), 5);     /* a Saturday */
	assert_int_equal(date_weekday(ref_days(2026, 11, 29)), 6);     /* Sunday */
	assert_int_equal(date_weekday(ref_days(2026, 11, 30)), 0);     /* Monday */
	assert_int_equal(date_weekday(ref_days(2000, 1, 1)), 5);       /* a Saturday */
	assert_int_equal(date_weekday(ref_days(1000, 1, 1)), 2);       /* proleptic Wednesday */
}

/* --- instants ------------------------------------------------------------------------ */

static void test_ts_format(void **state)
{
	char out[TS_FMT_MAX];
	(void)state;
	assert_string_equal(ts_format(0, out), "1970-01-01T00:00:00Z");
	assert_string_equal(ts_format(-1, out), "1969-12-31T23:59:59Z");
	assert_string_equal(ts_format(-86400, out), "1969-12-31T00:00:00Z");
	assert_string_equal(ts_format(-86401, out), "1969-12-30T23:59:59Z");
	assert_string_equal(ts_format(86399, out), "1970-01-01T23:59:59Z");
	assert_string_equal(ts_format((int64_t)20513 * 86400 + 9 * 3600 + 30 * 60, out),
			    "2026-03-01T09:30:00Z");
	assert_string_equal(ts_format((int64_t)ref_days(9999, 12, 31) * 86400 + 86399, out),
			    "9999-12-31T23:59:59Z");
	assert_string_equal(ts_format((int64_t)ref_days(1000, 1, 1) * 86400, out),
			    "1000-01-01T00:00:00Z");
}

static void expect_ts(const char *s, int64_t want)
{
	struct err err;
	int64_t v = -7;
	err_clear(&err);
	if (ts_parse(s, strlen(s), &v, "at", &err)) {
		print_error("ts_parse(\"%s\") failed: %s\n", s, err.msg);
		fail();
	}
	assert_int_equal(v, want);
}

static void expect_ts_bad(const char *s)
{
	struct err err;
	int64_t v = -7;
	char quoted[64];
	err_clear(&err);
	if (ts_parse(s, strlen(s), &v, "at", &err) != -1) {
		print_error("ts_parse(\"%s\") accepted it\n", s);
		fail();
	}
	assert_int_equal(v, -7);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "at");
	snprintf(quoted, sizeof(quoted), "\"%s\"", s);
	assert_non_null(strstr(err.msg, quoted));
}

static void test_ts_parse(void **state)
{
	const int64_t at = (int64_t)20513 * 86400 + 9 * 3600 + 30 * 60; /* 2026-03-01T09:30Z */
	(void)state;
	expect_ts("2026-03-01T09:30:00Z", at);
	expect_ts("2026-03-01T17:30:00+08:00", at);
	expect_ts("2026-03-01T01:30:00-08:00", at);
	expect_ts("2026-03-01T15:00:00+05:30", at);
	expect_ts("2026-03-01T09:30:00+00:00", at);
	expect_ts("2026-03-01T09:30:00-00:00", at);
	/* An offset can move the instant to the day before or after. */
	expect_ts("2026-03-01T00:30:00+01:00", (int64_t)20512 * 86400 + 23 * 3600 + 30 * 60);
	expect_ts("2026-02-28T23:00:00-02:00", (int64_t)20513 * 86400 + 3600);
	expect_ts("1970-01-01T00:00:00Z", 0);
	expect_ts("1969-12-31T23:59:59Z", -1);
	expect_ts("2024-02-29T12:00:00Z", (int64_t)(19723 + 59) * 86400 + 12 * 3600);

	expect_ts_bad("2026-03-01T24:00:00Z");
	expect_ts_bad("2026-03-01T09:60:00Z");
	expect_ts_bad("2026-03-01T09:30:60Z");
	expect_ts_bad("2026-03-01 09:30:00Z");
	expect_ts_bad("2026-03-01T09:30:00");
	expect_ts_bad("2026-03-01T09:30:00z");
	expect_ts_bad("2026-03-01T09:30:00+0800");
	expect_ts_bad("2026-03-01T09:30:00+08");
	expect_ts_bad("2026-03-01T09:30:00+24:00");
	expect_ts_bad("2026-03-01T09:30:00+08:60");
	expect_ts_bad("2026-03-01T09:30:00Z ");
	expect_ts_bad("2026-03-01T9:30:00Z");
	expect_ts_bad("2026-02-30T09:30:00Z");
	expect_ts_bad("2026-03-01T09:30:00.5Z");
	expect_ts_bad("2026-03-01");
	expect_ts_bad("");
}

static void test_ts_round_trip(void **state)
{
	uint64_t x = 88172645463325252ull;
	const int64_t lo = (int64_t)ref_days(1000, 1, 1) * 86400;
	const int64_t hi = (int64_t)ref_days(9999, 12, 31) * 86400 + 86399;
	char txt[TS_FMT_MAX];
	struct err err;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t at, back = 0;
		int y, m, d;
		char want[80];
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		at = lo + (int64_t)(x % (uint64_t)(hi - lo + 1));
		ts_format(at, txt);
		assert_int_equal(ts_parse(txt, strlen(txt), &back, "at", &err), 0);
		assert_int_equal(back, at);
		/* The text says what the reference calendar says. */
		int64_t day = at >= 0 ? at / 86400 : -((-at + 86399) / 86400);
		int64_t sec = at - day * 86400;
		date_to_ymd((int32_t)day, &y, &m, &d);
		assert_int_equal(ref_days(y, m, d), day);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
			 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
		assert_string_equal(txt, want);
	}
}

/* --- the clock and its overrides ----------------------------------------------------- */

static void test_today_override(void **state)
{
	(void)state;
	setenv("SALESPM_TODAY", "2026-11-28", 1);
	assert_int_equal(date_today(), ref_days(2026, 11, 28));
	setenv("SALESPM_TODAY", "2024-02-29", 1);
	assert_int_equal(date_today(), ref_days(2024, 2, 29));

	/* A bad or empty override is ignored: today comes from the clock (UTC here). */
	setenv("TZ", "UTC", 1);
	tzset();
	const char *bad[] = { "garbage", "2023-02-29", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SALESPM_TODAY", bad[i], 1);
		int32_t before = (int32_t)(time(NULL) / 86400);
		int32_t got = date_today();
		int32_t after = (int32_t)(time(NULL) / 86400);
		assert_true(got == before || got == after);
	}
	unsetenv("SALESPM_TODAY");
	{
		int32_t before = (int32_t)(time(NULL) / 86400);
		int32_t got = date_today();
		int32_t after = (int32_t)(time(NULL) / 86400);
		assert_true(got == before || got == after);
	}
}

static void test_today_follows_tz(void **state)
{
	(void)state;
	unsetenv("SALESPM_TODAY");
	/* Kiritimati is UTC+14 and Pago Pago UTC-11: at any instant their dates differ. */
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	int32_t east = date_today();
	setenv("TZ", "Pacific/Pago_Pago", 1);
	tzset();
	int32_t west = date_today();
	setenv("TZ", "UTC", 1);
	tzset();
	int32_t utc = (int32_t)(time(NULL) / 86400);
	if (access("/usr/share/zoneinfo/Pacific/Kiritimati", R_OK) == 0) {
		assert_true(east - west == 1 || east - west == 2);
		assert_true(east >= utc && west <= utc);
	}
}

static void test_now_override(void **state)
{
	(void)state;
	setenv("SALESPM_NOW", "2026-03-01T17:30:00+08:00", 1);
	assert_int_equal(ts_now(), (int64_t)20513 * 86400 + 9 * 3600 + 30 * 60);
	setenv("SALESPM_NOW", "not a time", 1);
	int64_t before = (int64_t)time(NULL);
	int64_t got = ts_now();
	int64_t after = (int64_t)time(NULL);
	assert_true(got >= before && got <= after);
	unsetenv("SALESPM_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_calendar),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_respects_len),
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_round_trip_walk),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_whole_int32_range),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_ts_format),
		cmocka_unit_test(test_ts_parse),
		cmocka_unit_test(test_ts_round_trip),
		cmocka_unit_test(test_today_override),
		cmocka_unit_test(test_today_follows_tz),
		cmocka_unit_test(test_now_override),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
