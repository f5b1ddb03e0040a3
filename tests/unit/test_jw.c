/*
 * test_jw.c - the streaming JSON writer: string escaping (quote, backslash,
 * control characters, and <>& for HTML safety), commas and nesting, number
 * trimming, dates and instants. Expected JSON is written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/jw.h"

static void expect_escape(const char *s, size_t len, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	jw_escape(&b, s, len);
	if (strcmp(buf_cstr(&b), want)) {
		print_error("escape got %s, want %s\n", buf_cstr(&b), want);
		buf_release(&b);
		fail();
	}
	buf_release(&b);
}

#define ESC(lit, want) expect_escape(lit, sizeof(lit) - 1, want)

static void test_escape(void **state)
{
	(void)state;
	ESC("", "\"\"");
	ESC("plain", "\"plain\"");
	ESC("a\"b", "\"a\\\"b\"");
	ESC("a\\b", "\"a\\\\b\"");
	ESC("\\\"", "\"\\\\\\\"\"");
	ESC("\n\r\t", "\"\\n\\r\\t\"");
	ESC("\x01", "\"\\u0001\"");
	ESC("\x08\x0c", "\"\\u0008\\u000c\"");
	ESC("\x1f", "\"\\u001f\"");
	ESC("\x7f", "\"\\u007f\"");
	ESC("a\0b", "\"a\\u0000b\"");
	ESC("</script>", "\"\\u003c/script\\u003e\"");
	ESC("a&b", "\"a\\u0026b\"");
	ESC("<>&", "\"\\u003c\\u003e\\u0026\"");
	/* UTF-8 passes through untouched; / needs no escape. */
	ESC("中文 é 😀", "\"中文 é 😀\"");
	ESC("a/b", "\"a/b\"");
	ESC("'", "\"'\"");
	/* Runs between escapes are copied whole. */
	ESC("ab\ncd\"ef", "\"ab\\ncd\\\"ef\"");
}

static void test_escape_bad_utf8(void **state)
{
	(void)state;
	/* JSON is UTF-8: a byte outside a well-formed sequence becomes U+FFFD. */
	ESC("\xff", "\"\\ufffd\"");
	ESC("a\x80" "b", "\"a\\ufffdb\"");
	/* a character cut short (a message truncated mid-character) */
	ESC("ab\xe4\xb8", "\"ab\\ufffd\\ufffd\"");
	/* overlong "/" and NUL, a surrogate, past U+10FFFF */
	ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	ESC("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* well-formed text around a bad byte is kept */
	ESC("中\xff" "文", "\"中\\ufffd文\"");
	ESC("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
}

static void test_escape_all_bytes(void **state)
{
	struct buf b;
	(void)state;
	/* Every control byte is escaped; no raw byte below 0x20 ever reaches the output. */
	for (int c = 0; c < 0x20; c++) {
		char in = (char)c;
		buf_init(&b, 0);
		jw_escape(&b, &in, 1);
		for (size_t i = 0; i < b.len; i++)
			assert_true((unsigned char)b.p[i] >= 0x20);
		assert_true(b.len == 4 || b.len == 8); /* "\n" or "\u00XX" */
		buf_release(&b);
	}
}

static char *render(void (*fn)(struct jw *))
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	fn(&w);
	return buf_detach(&b, NULL);
}

#define EXPECT_JSON(fn, want)                                                       \
	do {                                                                        \
		char *got_ = render(fn);                                            \
		if (strcmp(got_, want)) {                                           \
			print_error("%s\n got %s\nwant %s\n", #fn, got_, want);     \
			free(got_);                                                 \
			fail();                                                     \
		}                                                                   \
		free(got_);                                                         \
	} while (0)

static void doc_nested(struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "a", 1);
	jw_key(w, "b");
	jw_arr(w);
	jw_int(w, 1);
	jw_int(w, -2);
	jw_obj(w);
	jw_key(w, "c");
	jw_null(w);
	jw_obj_end(w);
	jw_arr(w);
	jw_arr_end(w);
	jw_arr_end(w);
	jw_key(w, "d");
	jw_obj(w);
	jw_obj_end(w);
	jw_kstr(w, "e", "x,y");
	jw_kbool(w, "t", 1);
	jw_kbool(w, "f", 0);
	jw_obj_end(w);
}

static void doc_arrays(struct jw *w)
{
	jw_arr(w);
	jw_arr(w);
	jw_arr_end(w);
	jw_arr(w);
	jw_int(w, 1);
	jw_arr_end(w);
	jw_arr(w);
	jw_arr(w);
	jw_int(w, 2);
	jw_str(w, NULL);
	jw_arr_end(w);
	jw_arr_end(w);
	jw_arr_end(w);
}

static void doc_scalars(struct jw *w)
{
	jw_arr(w);
	jw_int(w, INT64_MIN);
	jw_int(w, INT64_MAX);
	jw_int(w, 0);
	jw_str(w, "");
	jw_strn(w, "abc", 2);
	jw_raw(w, "{\"x\":[1,2]}");
	jw_raw(w, NULL);
	jw_raw(w, "");
	jw_bool(w, 1);
	jw_arr_end(w);
}

static void doc_keys_escaped(struct jw *w)
{
	jw_obj(w);
	jw_kstr(w, "a\"b", "<b>");
	jw_kint(w, "line\nbreak", 3);
	jw_obj_end(w);
}

static void doc_dates(struct jw *w)
{
	jw_obj(w);
	jw_kdate(w, "start", 19723 + 31 + 28); /* 2024-02-29 */
	jw_kdate(w, "none", INT32_MIN);
	jw_kdate(w, "epoch", 0);
	jw_kts(w, "at", 0);
	jw_kts(w, "before", -1);
	jw_key(w, "list");
	jw_arr(w);
	jw_date(w, -1);
	jw_ts(w, (int64_t)20513 * 86400 + 9 * 3600 + 30 * 60); /* 2026-03-01T09:30Z */
	jw_arr_end(w);
	jw_obj_end(w);
}

static void doc_empty_obj(struct jw *w)
{
	jw_obj(w);
	jw_obj_end(w);
}

static void doc_objects_in_array(struct jw *w)
{
	jw_arr(w);
	for (int i = 0; i < 3; i++) {
		jw_obj(w);
		jw_kint(w, "i", i);
		jw_kstr(w, "s", i == 1 ? NULL : "v");
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void test_documents(void **state)
{
	(void)state;
	EXPECT_JSON(doc_nested,
		    "{\"a\":1,\"b\":[1,-2,{\"c\":null},[]],\"d\":{},\"e\":\"x,y\","
		    "\"t\":true,\"f\":false}");
	EXPECT_JSON(doc_arrays, "[[],[1],[[2,null]]]");
	EXPECT_JSON(doc_scalars, "[-9223372036854775808,9223372036854775807,0,\"\",\"ab\","
				 "{\"x\":[1,2]},null,null,true]");
	EXPECT_JSON(doc_keys_escaped, "{\"a\\\"b\":\"\\u003cb\\u003e\",\"line\\nbreak\":3}");
	EXPECT_JSON(doc_dates, "{\"start\":\"2024-02-29\",\"none\":null,\"epoch\":\"1970-01-01\","
			       "\"at\":\"1970-01-01T00:00:00Z\",\"before\":\"1969-12-31T23:59:59Z\","
			       "\"list\":[\"1969-12-31\",\"2026-03-01T09:30:00Z\"]}");
	EXPECT_JSON(doc_empty_obj, "{}");
	EXPECT_JSON(doc_objects_in_array,
		    "[{\"i\":0,\"s\":\"v\"},{\"i\":1,\"s\":null},{\"i\":2,\"s\":\"v\"}]");
}

static void doc_deep(struct jw *w)
{
	for (int i = 0; i < 40; i++)
		jw_arr(w);
	jw_int(w, 1);
	for (int i = 0; i < 40; i++)
		jw_arr_end(w);
}

static void test_deep_nesting(void **state)
{
	char want[200], *p = want;
	(void)state;
	/* Deeper than JW_MAX_DEPTH: still balanced, no overrun. */
	for (int i = 0; i < 40; i++)
		*p++ = '[';
	*p++ = '1';
	for (int i = 0; i < 40; i++)
		*p++ = ']';
	*p = '\0';
	EXPECT_JSON(doc_deep, want);
}

static void expect_num(double v, int decimals, const char *want)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_num(&w, v, decimals);
	if (strcmp(buf_cstr(&b), want)) {
		print_error("jw_num(%g, %d) = %s, want %s\n", v, decimals, buf_cstr(&b), want);
		buf_release(&b);
		fail();
	}
	buf_release(&b);
}

static void test_num(void **state)
{
	(void)state;
	expect_num(0.5, 4, "0.5");
	expect_num(0.25, 1, "0.2");    /* 0.25 is exact: round half to even */
	expect_num(0.126, 2, "0.13");
	expect_num(1.0, 2, "1");
	expect_num(10.0, 1, "10");      /* integer zeros are not trimmed */
	expect_num(100.0, 0, "100");
	expect_num(1200.0, 3, "1200");
	expect_num(2.5, 1, "2.5");
	expect_num(-2.5, 1, "-2.5");
	expect_num(1234.5678, 3, "1234.568");
	expect_num(0.0, 3, "0");
	expect_num(-0.0, 3, "0");
	expect_num(-0.0001, 2, "0");    /* rounds to -0.00: no negative zero */
	expect_num(0.999, 1, "1");
	expect_num(0.333333, 6, "0.333333");
	expect_num(NAN, 2, "null");
	expect_num(INFINITY, 2, "null");
	expect_num(-INFINITY, 2, "null");
}

static void test_num_large(void **state)
{
	struct buf b;
	struct jw w;
	char *end;
	(void)state;

	/* A value whose fixed notation is longer than any small buffer still reads back. */
	const double big[] = { 1e300, -1e300, 1.7976931348623157e308, 123456789012345678.0 };
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		buf_init(&b, 0);
		jw_init(&w, &b);
		jw_num(&w, big[i], 2);
		double back = strtod(buf_cstr(&b), &end);
		assert_true(*end == '\0');
		assert_true(fabs(back - big[i]) <= fabs(big[i]) * 1e-15);
		buf_release(&b);
	}
	/* In an array the commas are still right. */
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_num(&w, 1.5, 1);
	jw_num(&w, NAN, 1);
	jw_num(&w, 2.0, 3);
	jw_obj(&w);
	jw_knum(&w, "r", 0.75, 1);
	jw_obj_end(&w);
	jw_arr_end(&w);
	assert_string_equal(buf_cstr(&b), "[1.5,null,2,{\"r\":0.8}]");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_bad_utf8),
		cmocka_unit_test(test_escape_all_bytes),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_num_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
