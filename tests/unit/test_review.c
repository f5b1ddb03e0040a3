/*
 * test_review.c - a member's mean teamwork to one decimal (rounded half up,
 * worked out by hand for each case) and the length rule of a review's comment
 * and a lesson's text: 2000 characters, however many bytes (core/review.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/review.h"

static void test_mean_tenths(void **state)
{
	static const struct {
		int64_t n, sum, tenths;
	} table[] = {
		{ 0, 0, -1 },  /* no reviews: none */
		{ 1, 4, 40 },  /* 4 */
		{ 2, 7, 35 },  /* 3.5 */
		{ 3, 13, 43 }, /* 4.333... */
		{ 3, 14, 47 }, /* 4.666... */
		{ 4, 17, 43 }, /* 4.25 rounds half up to 4.3 */
		{ 8, 9, 11 },  /* 1.125 -> 1.1 */
		{ 6, 30, 50 }, /* 5 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct review_summary m = { .reviews = table[i].n, .teamwork_sum = table[i].sum };
		assert_int_equal(review_mean_tenths(&m), table[i].tenths);
	}
}

/* 2000 characters pass whatever their width; 2001 are refused naming the field. */
static void test_text_length(void **state)
{
	char *s = malloc(3 * 2001 + 1);
	struct err err;

	(void)state;
	memset(s, 'a', 2000);
	s[2000] = '\0';
	assert_int_equal(review_text_check(s, "comment", &err), 0);
	s[2000] = 'a';
	s[2001] = '\0';
	assert_int_equal(review_text_check(s, "comment", &err), -1);
	assert_string_equal(err.field, "comment");
	/* "好" is three bytes: 2000 of them are 6000 bytes and still 2000 characters */
	for (int i = 0; i < 2000; i++)
		memcpy(s + 3 * i, "\xe5\xa5\xbd", 3);
	s[6000] = '\0';
	assert_int_equal(review_text_check(s, "text", &err), 0);
	memcpy(s + 6000, "\xe5\xa5\xbd", 4);
	assert_int_equal(review_text_check(s, "text", &err), -1);
	assert_string_equal(err.field, "text");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mean_tenths),
		cmocka_unit_test(test_text_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
