/*
 * test_feedback.c - NPS, the average rating and their two-decimal text
 * (core/feedback.h). Expected values are worked out by hand, or by the brute
 * force below: the nearest hundredth found by comparing exact fractions,
 * never by the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/feedback.h"
#include "core/goal.h"

/* By hand: 5 promoters, 2 passives, 3 detractors of 10 answers is NPS 20. */
static void test_nps_by_hand(void **state)
{
	(void)state;
	assert_int_equal(feedback_nps_bp(5, 3, 10), 2000);  /* 20.00 */
	assert_int_equal(feedback_nps_bp(2, 1, 3), 3333);   /* 33.333... */
	assert_int_equal(feedback_nps_bp(2, 0, 3), 6667);   /* 66.666... up */
	assert_int_equal(feedback_nps_bp(2, 3, 6), -1667);  /* -16.666... away from zero */
	assert_int_equal(feedback_nps_bp(0, 4, 4), -10000); /* every answer a detractor */
	assert_int_equal(feedback_nps_bp(7, 0, 7), 10000);
	assert_int_equal(feedback_nps_bp(1, 1, 8), 0);
	assert_int_equal(feedback_nps_bp(1, 0, 8), 1250);   /* 12.5 */
	assert_true(feedback_nps_bp(0, 0, 0) == NO_VALUE);  /* no answers: no NPS */
}

/*
 * For every split of n answers (n up to 40), the NPS in hundredths is the
 * integer h nearest to 10000 * (p - d) / n, ties away from zero: checked as
 * |10000 (p - d) - h n| * 2 <= n, and on a tie |h| is the larger.
 */
static void test_nps_property(void **state)
{
	(void)state;
	for (int64_t n = 1; n <= 40; n++)
		for (int64_t p = 0; p <= n; p++)
			for (int64_t d = 0; p + d <= n; d++) {
				int64_t h = feedback_nps_bp(p, d, n), num = 10000 * (p - d);
				int64_t off = num - h * n;
				if (off < 0)
					off = -off;
				assert_true(off * 2 <= n);
				if (off * 2 == n) { /* a tie: away from zero, |h| n past |num| */
					int64_t ah = h < 0 ? -h : h, an = num < 0 ? -num : num;
					assert_true(ah * n > an);
				}
				assert_true(h >= -10000 && h <= 10000);
			}
}

static void test_rating(void **state)
{
	(void)state;
	assert_int_equal(feedback_rating_hundredths(13, 3), 433); /* 5, 4, 4 */
	assert_int_equal(feedback_rating_hundredths(23, 5), 460);
	assert_int_equal(feedback_rating_hundredths(9, 2), 450);
	assert_int_equal(feedback_rating_hundredths(2, 3), 67);   /* 0.666... up */
	assert_int_equal(feedback_rating_hundredths(5, 1), 500);
	assert_true(feedback_rating_hundredths(0, 0) == NO_VALUE);
}

static void test_format(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(feedback_hundredths_format(2000, b, sizeof(b)), "20.00");
	assert_string_equal(feedback_hundredths_format(-1667, b, sizeof(b)), "-16.67");
	assert_string_equal(feedback_hundredths_format(5, b, sizeof(b)), "0.05");
	assert_string_equal(feedback_hundredths_format(-5, b, sizeof(b)), "-0.05");
	assert_string_equal(feedback_hundredths_format(0, b, sizeof(b)), "0.00");
	assert_string_equal(feedback_hundredths_format(-10000, b, sizeof(b)), "-100.00");
	assert_string_equal(feedback_hundredths_format(433, b, sizeof(b)), "4.33");
	assert_string_equal(feedback_hundredths_format(INT64_MIN + 1, b, sizeof(b)),
			    "-92233720368547758.07");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nps_by_hand),
		cmocka_unit_test(test_nps_property),
		cmocka_unit_test(test_rating),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
