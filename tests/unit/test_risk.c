/*
 * test_risk.c - a risk score's band and the matrix's JSON (core/risk.h).
 * The bands are the product's table (low 1-4, medium 5-9, high 10-16,
 * critical 20-25), written out by hand for every score a 5 x 5 matrix holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "core/risk.h"

/* Every product of two factors 1-5, with its band by hand. */
static void test_bands(void **state)
{
	static const struct {
		int64_t score;
		const char *band;
	} table[] = {
		{ 1, "low" },     { 2, "low" },     { 3, "low" },     { 4, "low" },
		{ 5, "medium" },  { 6, "medium" },  { 8, "medium" },  { 9, "medium" },
		{ 10, "high" },   { 12, "high" },   { 15, "high" },   { 16, "high" },
		{ 20, "critical" }, { 25, "critical" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		assert_string_equal(risk_band(table[i].score), table[i].band);
}

/* The matrix's JSON: 25 cells, probability 5 first, each with its score and count. */
static void test_matrix_json(void **state)
{
	struct risk_matrix m;
	struct buf b = BUF_INIT;
	struct jw w;
	const char *s;
	static const char head[] = "{\"project\":\"P1\",\"open\":3,\"cells\":[{\"probability\":5,"
				   "\"impact\":1,\"score\":5,\"band\":\"medium\",\"count\":0}";

	(void)state;
	memset(&m, 0, sizeof(m));
	snprintf(m.project, sizeof(m.project), "P1");
	m.count[4][4] = 2; /* 5 x 5 */
	m.count[0][2] = 1; /* 1 x 3 */
	m.total = 3;
	jw_init(&w, &b);
	risk_matrix_write_json(&w, &m);
	s = buf_cstr(&b);
	assert_int_equal(strncmp(s, head, strlen(head)), 0);
	assert_non_null(strstr(s, "{\"probability\":5,\"impact\":5,\"score\":25,\"band\":\"critical\","
				  "\"count\":2}"));
	assert_non_null(strstr(s, "{\"probability\":1,\"impact\":3,\"score\":3,\"band\":\"low\","
				  "\"count\":1},"));
	/* the last cell is 1 x 5 */
	assert_non_null(strstr(s, "{\"probability\":1,\"impact\":5,\"score\":5,\"band\":\"medium\","
				  "\"count\":0}]}"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_matrix_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
