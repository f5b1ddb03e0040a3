/*
 * test_jscan.c - reading JSON in place (base/jscan.c): members of nested
 * objects found by their own level only (a value that reads like the key, or
 * the key one level down, is not it), strings unescaped (\n, \", \u4e2d and a
 * surrogate pair), whole numbers (not fractions, not beyond int64), and a
 * malformed or cut text read as having no member.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/jscan.h"

static struct jval V(const char *s)
{
	return jscan_value(s, strlen(s));
}

static void test_members(void **state)
{
	struct jval o = V(" {\"a\":{\"k\":\"in\"},\"t\":\"k\",\"k\":\"out\",\"n\":[1,{\"k\":2}],\"z\":null} ");
	struct buf b = BUF_INIT;

	(void)state;
	assert_true(jscan_is_object(o));
	assert_int_equal(jscan_text(jscan_member(o, "k"), &b), 0);
	assert_string_equal(buf_cstr(&b), "out");
	assert_true(jscan_is_object(jscan_member(o, "a")));
	buf_reset(&b);
	assert_int_equal(jscan_text(jscan_member(jscan_member(o, "a"), "k"), &b), 0);
	assert_string_equal(buf_cstr(&b), "in");
	assert_int_equal(jscan_member(o, "missing").n, 0);
	assert_int_equal(jscan_member(o, "z").n, 4);
	assert_false(jscan_is_string(jscan_member(o, "z")));
	assert_int_equal(jscan_member(jscan_member(o, "n"), "k").n, 0); /* an array has no members */
	buf_release(&b);
}

static void test_strings(void **state)
{
	struct jval o = V("{\"s\":\"a\\\"b\\\\c\\n\\u4e2d\\ud83d\\ude00/\\/\"}");
	struct buf b = BUF_INIT;

	(void)state;
	assert_int_equal(jscan_text(jscan_member(o, "s"), &b), 0);
	assert_string_equal(buf_cstr(&b), "a\"b\\c\n中😀//");
	assert_int_equal(jscan_text(V("12"), &b), -1);
	buf_release(&b);
}

static void test_numbers(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_int_equal(jscan_int(V("-9223372036854775808"), &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(jscan_int(V("9223372036854775807"), &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(jscan_int(V("9223372036854775808"), &v), -1);
	assert_int_equal(jscan_int(V("1.5"), &v), -1);
	assert_int_equal(jscan_int(V("\"7\""), &v), -1);
	assert_int_equal(jscan_int(V("0"), &v), 0);
	assert_int_equal(v, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	assert_int_equal(V("{\"a\":1").n, 0);
	assert_int_equal(V("{\"a\":\"x}").n, 0);
	assert_int_equal(V("{} x").n, 0);
	assert_int_equal(jscan_member(V("{\"a\" 1}"), "a").n, 0);
	assert_int_equal(jscan_value(NULL, 0).n, 0);
	assert_true(jscan_same(V("[1, 2]"), V(" [1, 2]")));
	assert_false(jscan_same(V("1"), V("2")));
}

/* Members by position: a quota adjustment's keys are logins, not known names. */
static void test_member_at(void **state)
{
	struct jval obj = V("{ \"rep\" : {\"before\":\"1.00\"}, \"a\\\"b\":2 }"), key, v;
	struct buf b = BUF_INIT;

	(void)state;
	v = jscan_member_at(obj, 0, &key);
	assert_int_equal(jscan_text(key, &b), 0);
	assert_string_equal(b.p, "rep");
	assert_int_equal(v.n, strlen("{\"before\":\"1.00\"}"));
	buf_reset(&b);
	v = jscan_member_at(obj, 1, &key);
	assert_int_equal(jscan_text(key, &b), 0);
	assert_string_equal(b.p, "a\"b");
	assert_int_equal(v.n, 1);
	assert_int_equal(jscan_member_at(obj, 2, &key).n, 0);
	assert_int_equal(jscan_member_at(V("[1]"), 0, NULL).n, 0);
	assert_int_equal(jscan_member_at(V("{}"), 0, NULL).n, 0);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_member_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
