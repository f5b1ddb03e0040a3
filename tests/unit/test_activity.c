/*
 * test_activity.c - the two texts of the customer activity (core/activity.h):
 * the days with their lines that writes merge into, in the write path's and
 * the migration's forms, and the 32-day bitmaps the metrics read. Expected
 * entries are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/activity.h"

static void test_days_written_form(void **state)
{
	/* first absolute, then days after the previous one; ":N" only when N != 1 */
	const char *p = "20555,+2:3,+1";
	int32_t day = 0;
	int64_t lines = 0;
	(void)state;
	p = activity_next(p, &day, &lines);
	assert_non_null(p);
	assert_int_equal(day, 20555);
	assert_int_equal(lines, 1);
	p = activity_next(p, &day, &lines);
	assert_int_equal(day, 20557);
	assert_int_equal(lines, 3);
	p = activity_next(p, &day, &lines);
	assert_int_equal(day, 20558);
	assert_int_equal(lines, 1);
	assert_null(activity_next(p, &day, &lines));
}

static void test_days_migration_form(void **state)
{
	/* group_concat's: absolute days in any order, before 1970 too */
	const char *p = "20558:1,-5:2";
	int32_t day = 0;
	int64_t lines = 0;
	(void)state;
	p = activity_next(p, &day, &lines);
	assert_int_equal(day, 20558);
	assert_int_equal(lines, 1);
	p = activity_next(p, &day, &lines);
	assert_int_equal(day, -5);
	assert_int_equal(lines, 2);
	assert_null(activity_next(p, &day, &lines));
	assert_null(activity_next("", &day, &lines));
}

static void test_spans(void **state)
{
	/*
	 * 2026-04-12 is day 20555 = 642 * 32 + 11: span 642 + 131072 = 131714 =
	 * 32 * 4096 + 10 * 64 + 2 -> "gKC"; bit 11 = 32 * 64 -> "AAAAgA".
	 * 1969-12-31 is day -1 = -1 * 32 + 31: span 131071 = 31 * 4096 + 63 * 64 + 63
	 * -> "f//"; bit 31 = 2 << 30 -> "CAAAAA".
	 */
	const char *p = "gKCAAAAgAf//CAAAAA";
	int32_t first = 0;
	uint32_t mask = 0;
	(void)state;
	p = activity_span_next(p, &first, &mask);
	assert_non_null(p);
	assert_int_equal(first, 20544);
	assert_int_equal(mask, 1u << 11);
	p = activity_span_next(p, &first, &mask);
	assert_non_null(p);
	assert_int_equal(first, -32);
	assert_int_equal(mask, 1u << 31);
	assert_null(activity_span_next(p, &first, &mask));
	/* a character outside base64, or a short entry, ends the text */
	assert_null(activity_span_next("gKCAAAAg!", &first, &mask));
	assert_null(activity_span_next("gKCAAAAg", &first, &mask));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_written_form),
		cmocka_unit_test(test_days_migration_form),
		cmocka_unit_test(test_spans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
