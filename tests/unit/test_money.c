/*
 * test_money.c - money_parse / money_format / overflow-checked arithmetic and
 * int_parse. Expected values are written out by hand or computed by the small
 * independent helpers below, never taken from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

/* --- helpers ---------------------------------------------------------------- */

static int parse(const char *s, int64_t *out, struct err *err)
{
	err_clear(err);
	return money_parse(s, strlen(s), out, "unit_price", err);
}

static void expect_ok(const char *s, int64_t want)
{
	struct err err;
	int64_t v = 12345; /* a value the parse must overwrite */
	if (parse(s, &v, &err)) {
		print_error("money_parse(\"%s\") failed: %s\n", s, err.msg);
		fail();
	}
	if (v != want) {
		print_error("money_parse(\"%s\") = %" PRId64 ", want %" PRId64 "\n", s, v, want);
		fail();
	}
}

/* A refused input leaves *out alone, names the field and says why. */
static void expect_bad(const char *s, size_t len, const char *why)
{
	struct err err;
	int64_t v = 777;
	char quoted[128];

	err_clear(&err);
	assert_int_equal(money_parse(s, len, &v, "unit_price", &err), -1);
	assert_int_equal(v, 777);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "unit_price");
	if (!strstr(err.msg, why)) {
		print_error("money_parse(\"%.*s\"): message \"%s\" lacks \"%s\"\n", (int)len, s,
			    err.msg, why);
		fail();
	}
	/* Short inputs are quoted whole so the user sees what they typed. */
	if (len > 0 && len < 40 && !memchr(s, '\0', len)) {
		snprintf(quoted, sizeof(quoted), "\"%.*s\"", (int)len, s);
		if (!strstr(err.msg, quoted)) {
			print_error("message \"%s\" does not quote %s\n", err.msg, quoted);
			fail();
		}
	}
}

static void expect_bad_s(const char *s, const char *why)
{
	expect_bad(s, strlen(s), why);
}

/* Independent formatter: digits of |v| by repeated division, "." before the last two. */
static void ref_format(int64_t v, int grouped, char *out)
{
	char rev[64];
	int n = 0, neg = v < 0;
	/* Work on the negative side so INT64_MIN needs no special case. */
	int64_t x = neg ? v : -v;
	do {
		int digit = (int)-(x % 10);
		rev[n++] = (char)('0' + digit);
		x /= 10;
	} while (x);
	while (n < 3)
		rev[n++] = '0';
	char *p = out;
	if (neg)
		*p++ = '-';
	/* rev[n-1] .. rev[2] is the integer part, rev[1] rev[0] the cents. */
	for (int i = n - 1; i >= 2; i--) {
		*p++ = rev[i];
		int left = i - 2; /* integer digits still to write */
		if (grouped && left > 0 && left % 3 == 0)
			*p++ = ',';
	}
	*p++ = '.';
	*p++ = rev[1];
	*p++ = rev[0];
	*p = '\0';
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* A random int64 with a random magnitude, so every digit count is exercised. */
static int64_t rnd_i64(void)
{
	int bits = (int)(rnd() % 64);
	uint64_t v = rnd() >> (63 - bits) >> 1;
	int64_t s = (int64_t)(v & (uint64_t)INT64_MAX);
	return (rnd() & 1) ? -s : s;
}

/* --- money_parse -------------------------------------------------------------- */

static void test_parse_valid(void **state)
{
	(void)state;
	expect_ok("0", 0);
	expect_ok("0.5", 50);
	expect_ok("0.05", 5);
	expect_ok("0.50", 50);
	expect_ok("199", 19900);
	expect_ok("199.5", 19950);
	expect_ok("199.00", 19900);
	expect_ok("199.99", 19999);
	expect_ok("-3.10", -310);
	expect_ok("-3.1", -310);
	expect_ok("-0.05", -5);
	expect_ok("-0", 0);
	expect_ok("007.01", 701);
	expect_ok("1234567.89", 123456789);
}

static void test_parse_respects_len(void **state)
{
	struct err err;
	int64_t v = 0;
	(void)state;
	/* Only the first len bytes count: "12345" read as "123", "1.5x" as "1.5". */
	assert_int_equal(money_parse("12345", 3, &v, "x", &err), 0);
	assert_int_equal(v, 12300);
	assert_int_equal(money_parse("1.5x", 3, &v, "x", &err), 0);
	assert_int_equal(v, 150);
	/* An embedded NUL inside len is a bad character, not an end. */
	expect_bad("1\0", 2, "is not a decimal");
}

static void test_parse_invalid(void **state)
{
	(void)state;
	expect_bad_s("", "required");
	expect_bad_s("1.", "is not a decimal");
	expect_bad_s(".5", "is not a decimal");
	expect_bad_s("-.5", "is not a decimal");
	expect_bad_s(".", "is not a decimal");
	expect_bad_s("-", "is not a decimal");
	expect_bad_s("1,5", "is not a decimal");
	expect_bad_s("12,5", "is not a decimal");
	expect_bad_s("1,000.00", "is not a decimal");
	expect_bad_s(" 1", "is not a decimal");
	expect_bad_s("1 ", "is not a decimal");
	expect_bad_s("1e3", "is not a decimal");
	expect_bad_s("1E3", "is not a decimal");
	expect_bad_s("+1", "is not a decimal");
	expect_bad_s("--1", "is not a decimal");
	expect_bad_s("-+1", "is not a decimal");
	expect_bad_s("1-", "is not a decimal");
	expect_bad_s("1.2.3", "is not a decimal");
	expect_bad_s("0x10", "is not a decimal");
	expect_bad_s("abc", "is not a decimal");
	expect_bad_s("1.5x", "is not a decimal");
	expect_bad_s("NaN", "is not a decimal");
	expect_bad_s("\xef\xbc\x91", "is not a decimal"); /* fullwidth digit one */
	expect_bad_s("1.234", "more than two decimal places");
	expect_bad_s("1.230", "more than two decimal places");
	expect_bad_s("-0.001", "more than two decimal places");
}

static void test_parse_limits(void **state)
{
	(void)state;
	/* INT64_MAX = 9223372036854775807 minor units = 92233720368547758.07 */
	expect_ok("92233720368547758.07", INT64_MAX);
	expect_ok("-92233720368547758.07", -INT64_MAX);
	expect_ok("92233720368547758.06", INT64_MAX - 1);
	expect_ok("92233720368547758", INT64_MAX - 7);
	expect_ok("92233720368547758.0", INT64_MAX - 7);
	expect_bad_s("92233720368547758.08", "too large");
	expect_bad_s("92233720368547758.1", "too large");
	expect_bad_s("92233720368547759", "too large");
	expect_bad_s("92233720368547760.00", "too large");
	expect_bad_s("100000000000000000", "too large");
	expect_bad_s("-92233720368547758.09", "too large");
	expect_bad_s("9223372036854775807", "too large");
	expect_bad_s("18446744073709551616", "too large"); /* 2^64: must not wrap */
	expect_bad_s("36893488147419103232", "too large"); /* 2^65 */
}

static void test_parse_huge_input(void **state)
{
	char big[1000];
	struct err err;
	int64_t v = 5;
	(void)state;

	memset(big, '9', sizeof(big));
	expect_bad(big, sizeof(big), "too large");
	/* The message shows a shortened input and stays well inside its buffer. */
	err_clear(&err);
	assert_int_equal(money_parse(big, sizeof(big), &v, "unit_price", &err), -1);
	assert_non_null(strstr(err.msg, "\"99999999999999999999"));
	assert_non_null(strstr(err.msg, "...\""));
	assert_true(strlen(err.msg) < 120);

	/* Many leading zeros are still a small number. */
	memset(big, '0', sizeof(big));
	big[sizeof(big) - 1] = '7';
	assert_int_equal(money_parse(big, sizeof(big), &v, "unit_price", &err), 0);
	assert_int_equal(v, 700);

	/* A long bad input is reported as not a decimal, shortened too. */
	memset(big, 'x', sizeof(big));
	expect_bad(big, sizeof(big), "is not a decimal");
}

static void test_parse_null_err(void **state)
{
	int64_t v = 3;
	(void)state;
	/* err may be NULL: still -1, still no write. */
	assert_int_equal(money_parse("x", 1, &v, "f", NULL), -1);
	assert_int_equal(v, 3);
}

/* --- money_format ------------------------------------------------------------- */

static void test_format(void **state)
{
	char out[MONEY_FMT_MAX];
	(void)state;

	assert_string_equal(money_format(0, out), "0.00");
	assert_string_equal(money_format(5, out), "0.05");
	assert_string_equal(money_format(50, out), "0.50");
	assert_string_equal(money_format(100, out), "1.00");
	assert_string_equal(money_format(-5, out), "-0.05");
	assert_string_equal(money_format(-310, out), "-3.10");
	assert_string_equal(money_format(19900, out), "199.00");
	assert_string_equal(money_format(123456789, out), "1234567.89");
	assert_string_equal(money_format(INT64_MAX, out), "92233720368547758.07");
	assert_string_equal(money_format(INT64_MIN + 1, out), "-92233720368547758.07");
	assert_string_equal(money_format(INT64_MIN, out), "-92233720368547758.08");
}

static void test_format_grouped(void **state)
{
	char out[MONEY_FMT_MAX];
	(void)state;

	assert_string_equal(money_format_grouped(0, out), "0.00");
	assert_string_equal(money_format_grouped(-5, out), "-0.05");
	assert_string_equal(money_format_grouped(99999, out), "999.99");
	assert_string_equal(money_format_grouped(100000, out), "1,000.00");
	assert_string_equal(money_format_grouped(-100000, out), "-1,000.00");
	assert_string_equal(money_format_grouped(123456789, out), "1,234,567.89");
	assert_string_equal(money_format_grouped(1234567890, out), "12,345,678.90");
	assert_string_equal(money_format_grouped(12345678901, out), "123,456,789.01");
	assert_string_equal(money_format_grouped(INT64_MAX, out), "92,233,720,368,547,758.07");
	assert_string_equal(money_format_grouped(INT64_MIN + 1, out),
			    "-92,233,720,368,547,758.07");
	/* The longest output there is, with its NUL, must fit MONEY_FMT_MAX. */
	assert_string_equal(money_format_grouped(INT64_MIN, out), "-92,233,720,368,547,758.08");
	assert_true(strlen(out) < MONEY_FMT_MAX);
}

static void test_format_property(void **state)
{
	char got[MONEY_FMT_MAX], want[64];
	struct err err;
	(void)state;

	/* The reference formatter must agree with the hand-written cases above. */
	ref_format(-5, 0, want);
	assert_string_equal(want, "-0.05");
	ref_format(123456789, 1, want);
	assert_string_equal(want, "1,234,567.89");
	ref_format(INT64_MIN, 1, want);
	assert_string_equal(want, "-92,233,720,368,547,758.08");

	for (int i = 0; i < 200000; i++) {
		int64_t v = rnd_i64();
		int64_t back = 0;
		ref_format(v, 0, want);
		assert_string_equal(money_format(v, got), want);
		/* Whatever is formatted parses back to the same amount. */
		assert_int_equal(money_parse(got, strlen(got), &back, "x", &err), 0);
		assert_int_equal(back, v);
		ref_format(v, 1, want);
		assert_string_equal(money_format_grouped(v, got), want);
	}
}

/* --- arithmetic ----------------------------------------------------------------- */

static void test_mul(void **state)
{
	int64_t r = 99;
	(void)state;
	assert_int_equal(money_mul(3, -7, &r), 0);
	assert_int_equal(r, -21);
	assert_int_equal(money_mul(0, INT64_MIN, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul(19900, 1000000, &r), 0);
	assert_int_equal(r, 19900000000);
	assert_int_equal(money_mul(INT64_MAX, 1, &r), 0);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_mul(INT64_MIN, 1, &r), 0);
	assert_int_equal(r, INT64_MIN);

	r = 99;
	assert_int_equal(money_mul(INT64_MAX, 2, &r), -1);
	assert_int_equal(r, 99);
	assert_int_equal(money_mul(INT64_MIN, -1, &r), -1);
	assert_int_equal(r, 99);
	assert_int_equal(money_mul(-1, INT64_MIN, &r), -1);
	assert_int_equal(money_mul(4294967296, 2147483648, &r), -1); /* 2^32 * 2^31 = 2^63 */
	assert_int_equal(money_mul(4294967296, -2147483648, &r), 0); /* -2^63 fits */
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_mul(3037000500, 3037000500, &r), -1); /* just over 2^63 */
	assert_int_equal(money_mul(3037000499, 3037000499, &r), 0);
	assert_int_equal(r, 9223372030926249001);
}

static void test_add(void **state)
{
	int64_t r = 99;
	(void)state;
	assert_int_equal(money_add(-5, 3, &r), 0);
	assert_int_equal(r, -2);
	assert_int_equal(money_add(INT64_MAX, INT64_MIN, &r), 0);
	assert_int_equal(r, -1);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r), 0);
	assert_int_equal(r, INT64_MAX);

	r = 99;
	assert_int_equal(money_add(INT64_MAX, 1, &r), -1);
	assert_int_equal(r, 99);
	assert_int_equal(money_add(INT64_MIN, -1, &r), -1);
	assert_int_equal(money_add(INT64_MIN, INT64_MIN, &r), -1);
	assert_int_equal(money_add(INT64_MAX, INT64_MAX, &r), -1);
	assert_int_equal(r, 99);
}

/* --- int_parse ------------------------------------------------------------------ */

static void expect_int(const char *s, int64_t want)
{
	struct err err;
	int64_t v = 12345;
	err_clear(&err);
	if (int_parse(s, strlen(s), &v, "quantity", &err)) {
		print_error("int_parse(\"%s\") failed: %s\n", s, err.msg);
		fail();
	}
	assert_int_equal(v, want);
}

static void expect_int_bad(const char *s, const char *why)
{
	struct err err;
	int64_t v = 777;
	err_clear(&err);
	assert_int_equal(int_parse(s, strlen(s), &v, "quantity", &err), -1);
	assert_int_equal(v, 777);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "quantity");
	if (!strstr(err.msg, why)) {
		print_error("int_parse(\"%s\"): \"%s\" lacks \"%s\"\n", s, err.msg, why);
		fail();
	}
	if (*s) {
		char quoted[64];
		snprintf(quoted, sizeof(quoted), "\"%s\"", s);
		assert_non_null(strstr(err.msg, quoted));
	}
}

static void test_int_parse(void **state)
{
	(void)state;
	expect_int("0", 0);
	expect_int("7", 7);
	expect_int("-42", -42);
	expect_int("000123", 123);
	expect_int("9223372036854775807", INT64_MAX);
	expect_int("-9223372036854775807", -INT64_MAX);

	expect_int_bad("", "required");
	expect_int_bad("-", "is not an integer");
	expect_int_bad("+1", "is not an integer");
	expect_int_bad("--1", "is not an integer");
	expect_int_bad("1.0", "is not an integer");
	expect_int_bad("1.", "is not an integer");
	expect_int_bad(" 1", "is not an integer");
	expect_int_bad("1 ", "is not an integer");
	expect_int_bad("12a", "is not an integer");
	expect_int_bad("0x1", "is not an integer");
	expect_int_bad("1e3", "is not an integer");
	expect_int_bad("1,000", "is not an integer");
	expect_int_bad("9223372036854775808", "too large");
	expect_int_bad("18446744073709551616", "too large");
	expect_int_bad("99999999999999999999999", "too large");

	{
		struct err err;
		int64_t v = 0;
		assert_int_equal(int_parse("123", 2, &v, "q", &err), 0);
		assert_int_equal(v, 12);
	}
}

static void test_int_parse_property(void **state)
{
	char txt[32];
	struct err err;
	(void)state;
	for (int i = 0; i < 100000; i++) {
		int64_t v = rnd_i64(), back = 0;
		if (v == INT64_MIN)
			continue;
		snprintf(txt, sizeof(txt), "%" PRId64, v);
		assert_int_equal(int_parse(txt, strlen(txt), &back, "q", &err), 0);
		assert_int_equal(back, v);
	}
}

/* --- ratios: one rounding rule -------------------------------------------------- */

/* num / den in basis points, half away from zero, worked out with long division by hand. */
static void expect_bp(int64_t num, int64_t den, int64_t want)
{
	int64_t v = 424242;
	if (ratio_bp(num, den, &v) || v != want) {
		print_error("ratio_bp(%" PRId64 ", %" PRId64 ") = %" PRId64 ", want %" PRId64 "\n",
			    num, den, v, want);
		fail();
	}
}

static void test_ratio_bp(void **state)
{
	(void)state;
	expect_bp(3, 20000, 2);         /* 1.5 bp -> 2: revenue 20000, cost 19997 */
	expect_bp(-3, 20000, -2);       /* -1.5 -> -2: away from zero */
	expect_bp(1, 3, 3333);          /* 3333.33 */
	expect_bp(2, 3, 6667);          /* 6666.67 */
	expect_bp(-2815, 10000, -2815); /* exact */
	expect_bp(-28149, 100000, -2815); /* -2814.9 */
	expect_bp(1, 20000, 1);         /* 0.5 -> 1 */
	expect_bp(1, 20001, 0);         /* 0.49998 -> 0 */
	expect_bp(5, -10, -5000);       /* a negative denominator flips the sign */
	expect_bp(0, 7, 0);
	/* the numerator times 10,000 does not fit 64 bits; the ratio does */
	expect_bp(INT64_C(1000000000000000000), INT64_C(2000000000000000000), 5000);
	expect_bp(INT64_MAX, INT64_MAX, 10000);
	{
		int64_t v = 7;
		assert_int_equal(ratio_bp(1, 0, &v), -1);
		assert_int_equal(v, 7);
		/* 10^18 / 1 is 10^22 basis points: does not fit */
		assert_int_equal(ratio_bp(INT64_C(1000000000000000000), 1, &v), -1);
	}
}

static void test_div_round(void **state)
{
	int64_t v;
	(void)state;
	assert_int_equal(div_round(5, 4, &v), 0);
	assert_int_equal(v, 1); /* 1.25 */
	assert_int_equal(div_round(10, 4, &v), 0);
	assert_int_equal(v, 3); /* 2.5 -> 3 */
	assert_int_equal(div_round(-10, 4, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(div_round(15, 6, &v), 0);
	assert_int_equal(v, 3); /* 2.5 -> 3 */
	assert_int_equal(div_round(14, 6, &v), 0);
	assert_int_equal(v, 2); /* 2.33 */
	assert_int_equal(div_round(10, -4, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(div_round(1, 0, &v), -1);
	assert_int_equal(div_round(INT64_MIN, -1, &v), -1); /* 2^63 does not fit */
	/* a property: |q*b - a| <= |b|/2, and a tie goes away from zero */
	for (int i = 0; i < 100000; i++) {
		int64_t a = (int64_t)(rnd() % 2000001) - 1000000, b = (int64_t)(rnd() % 1999) - 999;
		int64_t q, r2;
		if (b == 0)
			continue;
		assert_int_equal(div_round(a, b, &q), 0);
		r2 = 2 * (q * b - a);
		if (r2 < 0)
			r2 = -r2;
		assert_true(r2 <= (b < 0 ? -b : b));
		if (r2 == (b < 0 ? -b : b))
			assert_true((q < 0) == ((a < 0) != (b < 0)) || q == 0);
	}
}

static void expect_ratio_text(int64_t bp, const char *want)
{
	char out[RATIO_FMT_MAX];
	if (strcmp(ratio_format(bp, out), want)) {
		print_error("ratio_format(%" PRId64 ") = \"%s\", want \"%s\"\n", bp, out, want);
		fail();
	}
}

static void test_ratio_format(void **state)
{
	(void)state;
	expect_ratio_text(1234, "12.3%");
	expect_ratio_text(1235, "12.4%");  /* half away from zero */
	expect_ratio_text(-2815, "-28.2%"); /* was printed "-28.-1%" */
	expect_ratio_text(-2814, "-28.1%");
	expect_ratio_text(-2, "0.0%");     /* no "-0.0%" */
	expect_ratio_text(-5, "-0.1%");
	expect_ratio_text(5, "0.1%");
	expect_ratio_text(4, "0.0%");
	expect_ratio_text(0, "0.0%");
	expect_ratio_text(10000, "100.0%");
	expect_ratio_text(-10000, "-100.0%");
	expect_ratio_text(INT64_MAX, "92233720368547758.1%");
	expect_ratio_text(INT64_MIN, "-92233720368547758.1%");
}

static void test_limits(void **state)
{
	int64_t v;
	(void)state;
	/* a quantity times a unit price can pass 64 bits: a line has its own, checked, bound */
	assert_int_equal(money_mul(QUANTITY_MAX, MONEY_UNIT_MAX, &v), -1);
	assert_true(MONEY_LINE_MAX <= MONEY_TOTAL_MAX / 1000);
	assert_true(MONEY_TOTAL_MAX <= INT64_MAX / 9);
	assert_int_equal(MONEY_UNIT_MAX, INT64_C(1000000000000));
	assert_int_equal(MONEY_LINE_MAX, INT64_C(1000000000000000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_respects_len),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_huge_input),
		cmocka_unit_test(test_parse_null_err),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_grouped),
		cmocka_unit_test(test_format_property),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_int_parse),
		cmocka_unit_test(test_int_parse_property),
		cmocka_unit_test(test_ratio_bp),
		cmocka_unit_test(test_div_round),
		cmocka_unit_test(test_ratio_format),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
