/*
 * test_effect.c - the statistics of an adjustment's effect (analytics/effect.h):
 * daily revenue of 1000 +- 100 before and 1300 +- 100 after gives an interval
 * holding +300 and not 0 (up); the same level after holds 0 (unclear); three
 * days a side is too thin. The means are worked out by hand; the interval's
 * exact ends come from tests/lib/effect_model.py, an independent Python
 * implementation of the documented draw (xoshiro256**, splitmix64, Lemire).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/effect.h"

#define DAYS 28

/* 1000 or 1300, plus a spread of -100..+100 that repeats no pattern of the draw */
static void days(int64_t *v, int64_t level, int step)
{
	for (int i = 0; i < DAYS; i++)
		v[i] = level + (i * step) % 201 - 100;
}

static void near(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.12f, want %.12f", got, want);
}

static void test_a_known_lift_is_up(void **state)
{
	int64_t b[DAYS], a[DAYS];
	struct effect_stats s;
	(void)state;
	days(b, 1000, 37);
	days(a, 1300, 53);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED, &s);
	assert_int_equal(s.n_before, 28);
	assert_int_equal(s.n_after, 28);
	/* by hand: sum(before) = 27930, sum(after) = 36147 */
	near(s.mean_before, 27930.0 / 28);
	near(s.mean_after, 36147.0 / 28);
	near(s.diff, 36147.0 / 28 - 27930.0 / 28);
	assert_true(s.ci_low < 300 && s.ci_high > 300);
	assert_true(s.ci_low > 0);
	near(s.ci_low, 263.9642857142858);
	near(s.ci_high, 324.78571428571433);
	assert_int_equal(s.verdict, EFFECT_UP);
	assert_string_equal(effect_verdict_str(s.verdict), "effect.up");
}

static void test_a_known_cut_is_down(void **state)
{
	int64_t b[DAYS], a[DAYS];
	struct effect_stats s;
	(void)state;
	days(b, 1300, 53);
	days(a, 1000, 37);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED, &s);
	assert_true(s.ci_high < 0 && s.ci_low < -300 && s.ci_high > -300);
	assert_int_equal(s.verdict, EFFECT_DOWN);
}

static void test_no_change_is_unclear(void **state)
{
	int64_t b[DAYS], a[DAYS];
	struct effect_stats s;
	(void)state;
	days(b, 1000, 37);
	days(a, 1000, 53);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED, &s);
	assert_true(s.ci_low < 0 && s.ci_high > 0);
	near(s.ci_low, -36.035714285714334);
	near(s.ci_high, 24.785714285714334);
	assert_int_equal(s.verdict, EFFECT_UNCLEAR);
}

static void test_three_days_are_too_thin(void **state)
{
	int64_t b[DAYS], a[DAYS];
	struct effect_stats s;
	(void)state;
	days(b, 1000, 37);
	days(a, 1300, 53);
	effect_compare(b, 3, a, 3, EFFECT_SEED, &s);
	/* the first three: 900 937 974 and 1200 1253 1306 */
	near(s.mean_before, 937.0);
	near(s.mean_after, 1253.0);
	assert_true(s.ci_low > 0); /* a clear lift, and still too few days to say so */
	assert_int_equal(s.verdict, EFFECT_TOO_THIN);
	effect_compare(b, 0, a, 0, EFFECT_SEED, &s);
	assert_int_equal(s.verdict, EFFECT_TOO_THIN);
	near(s.ci_low, 0);
	near(s.ci_high, 0);
}

static void test_the_same_seed_gives_the_same_interval(void **state)
{
	int64_t b[DAYS], a[DAYS];
	struct effect_stats s1, s2, s3;
	(void)state;
	days(b, 1000, 37);
	days(a, 1300, 53);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED, &s1);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED, &s2);
	effect_compare(b, DAYS, a, DAYS, EFFECT_SEED + 1, &s3);
	assert_true(s1.ci_low == s2.ci_low && s1.ci_high == s2.ci_high);
	assert_true(s1.ci_low != s3.ci_low || s1.ci_high != s3.ci_high);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_known_lift_is_up),
		cmocka_unit_test(test_a_known_cut_is_down),
		cmocka_unit_test(test_no_change_is_unclear),
		cmocka_unit_test(test_three_days_are_too_thin),
		cmocka_unit_test(test_the_same_seed_gives_the_same_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
