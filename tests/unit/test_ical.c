/*
 * test_ical.c - the iCalendar writer (base/ical.c): TEXT escaping, folding at
 * 75 octets (never inside a UTF-8 character, continuation lines of a space and
 * up to 74 octets), DATE and UTC DATE-TIME values. Every expected byte is
 * written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/buf.h"
#include "base/ical.h"

/* n copies of s. */
static const char *rep(struct buf *b, const char *s, int n)
{
	for (int i = 0; i < n; i++)
		buf_adds(b, s);
	return buf_cstr(b);
}

static void test_escaping(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	ical_text(&b, "SUMMARY", "a;b,c\\d\ne\r\x01\tf");
	assert_string_equal(buf_cstr(&b), "SUMMARY:a\\;b\\,c\\\\d\\ne\tf\r\n");
	buf_release(&b);
	ical_line(&b, "VERSION", "2.0");
	assert_string_equal(buf_cstr(&b), "VERSION:2.0\r\n");
	buf_release(&b);
}

static void test_short_lines_are_not_folded(void **state)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	(void)state;
	/* "X:" and 73 octets: exactly 75, one line */
	ical_line(&b, "X", rep(&want, "a", 73));
	buf_release(&want);
	buf_adds(&want, "X:");
	rep(&want, "a", 73);
	buf_adds(&want, "\r\n");
	assert_string_equal(buf_cstr(&b), buf_cstr(&want));
	buf_release(&b);
	buf_release(&want);
}

static void test_ascii_folding(void **state)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	(void)state;
	/* 82 octets: 75, then a space and the last 7 */
	ical_line(&b, "X", rep(&v, "a", 80));
	assert_string_equal(buf_cstr(&b),
			    "X:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
			    " aaaaaaa\r\n");
	buf_release(&b);
	buf_release(&v);
	/* 202 octets: 75, then 74 and 53 after their spaces */
	ical_line(&b, "D", rep(&v, "b", 200));
	assert_string_equal(
		buf_cstr(&b),
		"D:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
		" bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
		" bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n");
	buf_release(&b);
	buf_release(&v);
}

static void test_utf8_is_never_split(void **state)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	(void)state;
	/*
	 * "S:" and 30 characters of 3 octets: the 25th starts at octet 74, so the
	 * first line ends before it (74 octets) and the last 6 follow a space
	 */
	ical_line(&b, "S", rep(&v, "中", 30));
	assert_string_equal(buf_cstr(&b),
			    "S:中中中中中中中中中中中中中中中中中中中中中中中中\r\n"
			    " 中中中中中中\r\n");
	buf_release(&b);
	buf_release(&v);
	/* a 4-octet character at octets 74-77: it moves to the next line whole */
	rep(&v, "x", 72);
	buf_adds(&v, "\xF0\x9F\x98\x80y");
	ical_line(&b, "E", buf_cstr(&v));
	assert_string_equal(buf_cstr(&b),
			    "E:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
			    " \xF0\x9F\x98\x80y\r\n");
	buf_release(&b);
	buf_release(&v);
}

static void test_escaped_text_folds_after_escaping(void **state)
{
	struct buf b = BUF_INIT, v = BUF_INIT;
	(void)state;
	/* 36 commas become 72 octets; with "T:" 74, and the last "\," does not fit: split in it */
	ical_text(&b, "T", rep(&v, ",", 37));
	assert_string_equal(buf_cstr(&b),
			    "T:\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,"
			    "\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\,\\\r\n"
			    " ,\r\n");
	buf_release(&b);
	buf_release(&v);
}

static void test_dates(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	/* 2026-03-01 is day 20513 since 1970-01-01 */
	ical_date(&b, "DTSTART", 20513);
	/* 2026-03-01T01:30:05Z is 1772328605 seconds since the epoch */
	ical_utc(&b, "DTSTAMP", 1772328605);
	assert_string_equal(buf_cstr(&b),
			    "DTSTART;VALUE=DATE:20260301\r\nDTSTAMP:20260301T013005Z\r\n");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_short_lines_are_not_folded),
		cmocka_unit_test(test_ascii_folding),
		cmocka_unit_test(test_utf8_is_never_split),
		cmocka_unit_test(test_escaped_text_folds_after_escaping),
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
