/*
 * test_err.c - errors: the English sentence and the reason's parameters come
 * from one printf-style call; every conversion the code uses formats as printf
 * would; parameters are valid JSON (escaped, bad UTF-8 replaced, never cut in
 * the middle); the code table's statuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/err.h"

static void test_sentence_and_params(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(err_set(&e, ERR_INVALID, "unit_price", "not_decimal:value",
				 "\"%s\" is not a decimal", "12,5"),
			 -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "unit_price");
	assert_string_equal(e.msg, "\"12,5\" is not a decimal");
	assert_string_equal(e.reason, "not_decimal");
	assert_string_equal(e.params, "{\"value\":\"12,5\"}");
}

static void test_skipped_names_and_numbers(void **state)
{
	struct err e;
	(void)state;
	/* "_" skips a conversion; integers become JSON numbers */
	err_set(&e, ERR_INVALID, "name", "too_long:_,len,max", "%s is too long (%zu bytes, at most %zu)",
		"name", (size_t)300, (size_t)199);
	assert_string_equal(e.msg, "name is too long (300 bytes, at most 199)");
	assert_string_equal(e.reason, "too_long");
	assert_string_equal(e.params, "{\"len\":300,\"max\":199}");
	/* no names: no params, and the reason alone */
	err_set(&e, ERR_CONFLICT, NULL, "stale", "version %lld is stale", 7LL);
	assert_string_equal(e.msg, "version 7 is stale");
	assert_string_equal(e.params, "{}");
	assert_string_equal(e.field, "");
	/* no reason: the code's wire string */
	err_set(&e, ERR_NOT_FOUND, NULL, NULL, "gone");
	assert_string_equal(e.reason, "not_found");
}

static void test_conversions_as_printf(void **state)
{
	struct err e;
	char want[200];
	(void)state;
	err_set(&e, ERR_INVALID, NULL, "x:a,b,c,d,e,f,g,h", "%d|%5ld|%-4lld|%u|%.2f|%g|%c|%.3s%%",
		-3, 42L, -9LL, 7u, 2.5, 0.125, 'z', "abcdef");
	snprintf(want, sizeof(want), "%d|%5ld|%-4lld|%u|%.2f|%g|%c|%.3s%%", -3, 42L, -9LL, 7u, 2.5,
		 0.125, 'z', "abcdef");
	assert_string_equal(e.msg, want);
	/* padded numbers are numbers; floats and chars are strings; precision cuts strings */
	assert_string_equal(e.params, "{\"a\":-3,\"b\":42,\"c\":-9,\"d\":7,\"e\":\"2.50\","
				      "\"f\":\"0.125\",\"g\":\"z\",\"h\":\"abc\"}");
	/* star width and precision */
	err_set(&e, ERR_INVALID, NULL, "x:v", "[%.*s]", 2, "hello");
	assert_string_equal(e.msg, "[he]");
	assert_string_equal(e.params, "{\"v\":\"he\"}");
}

static void test_params_escaped(void **state)
{
	struct err e;
	(void)state;
	err_set(&e, ERR_INVALID, "name", "bad:value", "bad %s", "a\"b\\c\n<d>\xff");
	assert_string_equal(e.params, "{\"value\":\"a\\\"b\\\\c\\n\\u003cd\\u003e\\ufffd\"}");
}

static void test_long_values_never_invalid(void **state)
{
	struct err e;
	char big[600];
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, ERR_INVALID, "name", "long:value", "%s", big);
	/* the sentence is cut at its size, and one value at the size of a piece */
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(strncmp(e.params, "{\"value\":\"xxx", 13), 0);
	assert_string_equal(e.params + strlen(e.params) - 3, "x\"}");
	/* params too long for their room become {}, never a cut (invalid) object */
	err_set(&e, ERR_INVALID, "name", "long:a,b", "%.150s %.150s", big, big);
	assert_string_equal(e.params, "{}");
	/* a sentence is never cut inside a UTF-8 character: 中 is 3 bytes */
	char cjk[400];
	for (int i = 0; i < 100; i++)
		memcpy(cjk + 3 * i, "中", 3);
	cjk[300] = '\0';
	err_set(&e, ERR_INVALID, NULL, "x", "%s", cjk);
	assert_int_equal(strlen(e.msg) % 3, 0);
}

static void test_prefix_keeps_reason(void **state)
{
	struct err e;
	(void)state;
	err_set(&e, ERR_INVALID, "price", "not_decimal:value", "\"%s\" is not a decimal", "x");
	err_prefix(&e, "--%s", "price");
	assert_string_equal(e.msg, "--price: \"x\" is not a decimal");
	assert_string_equal(e.reason, "not_decimal");
	assert_string_equal(e.params, "{\"value\":\"x\"}");
}

static void test_code_table(void **state)
{
	(void)state;
	assert_int_equal(err_code_http(ERR_INVALID), 422);
	assert_int_equal(err_code_http(ERR_UNSUPPORTED_TYPE), 415);
	assert_int_equal(err_code_http(ERR_CONFLICT), 409);
	assert_int_equal(err_code_exit(ERR_USAGE), 2);
	assert_int_equal(err_code_exit(ERR_DENIED), 77);
	assert_int_equal(err_code_exit(ERR_INVALID), 65);
	assert_string_equal(err_code_str(ERR_RATE_LIMITED), "rate_limited");
	for (int c = 0; c < ERR__COUNT; c++)
		assert_non_null(err_code_str((enum err_code)c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentence_and_params),
		cmocka_unit_test(test_skipped_names_and_numbers),
		cmocka_unit_test(test_conversions_as_printf),
		cmocka_unit_test(test_params_escaped),
		cmocka_unit_test(test_long_values_never_invalid),
		cmocka_unit_test(test_prefix_keeps_reason),
		cmocka_unit_test(test_code_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
