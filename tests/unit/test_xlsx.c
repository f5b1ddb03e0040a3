/*
 * test_xlsx.c - the .xlsx reader's arithmetic (date serials, numbers as
 * decimal text, column letters) against values worked out by hand, and a
 * workbook written by xlsx_write read back by xlsx_read: every cell's type
 * and text as written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "report/dl.h"
#include "report/xlsx_read.h"
#include "report/xlsx_write.h"

static const char *serial_text(double serial, int date1904, char *out)
{
	int32_t day;
	int fake;
	if (xlsx_serial_day(serial, date1904, &day, &fake))
		return "invalid";
	if (fake)
		return "1900-02-29";
	return date_format(day, out);
}

/* Hand-computed: 2025-01-01 is 45,658 days after 1899-12-30 (Excel's serial). */
static void test_serial_dates(void **state)
{
	char d[DATE_FMT_MAX];
	(void)state;
	assert_string_equal(serial_text(45658, 0, d), "2025-01-01");
	assert_string_equal(serial_text(45658.75, 0, d), "2025-01-01"); /* the time dropped */
	assert_string_equal(serial_text(1, 0, d), "1900-01-01");
	assert_string_equal(serial_text(59, 0, d), "1900-02-28");
	assert_string_equal(serial_text(60, 0, d), "1900-02-29"); /* Lotus's day that never was */
	assert_string_equal(serial_text(61, 0, d), "1900-03-01");
	assert_string_equal(serial_text(25569, 0, d), "1970-01-01");
	assert_string_equal(serial_text(0, 1, d), "1904-01-01");
	assert_string_equal(serial_text(1, 1, d), "1904-01-02");
	/* 2025-01-01 in the 1904 system: 1,462 days fewer */
	assert_string_equal(serial_text(45658 - 1462, 1, d), "2025-01-01");
	assert_string_equal(serial_text(2958465, 0, d), "9999-12-31");
	assert_string_equal(serial_text(2958466, 0, d), "invalid");
	assert_string_equal(serial_text(-1, 0, d), "invalid");
}

static void test_day_serial(void **state)
{
	(void)state;
	assert_true(xlsx_day_serial(date_from_ymd(2025, 1, 1)) == 45658);
	assert_true(xlsx_day_serial(date_from_ymd(1900, 3, 1)) == 61);
	assert_true(xlsx_day_serial(date_from_ymd(1900, 2, 28)) == 59);
	assert_true(xlsx_day_serial(date_from_ymd(1900, 1, 1)) == 1);
}

static void test_number_text(void **state)
{
	char t[XLSX_NUMBER_MAX];
	(void)state;
	xlsx_number_text(199, t);
	assert_string_equal(t, "199");
	xlsx_number_text(199.5, t);
	assert_string_equal(t, "199.5");
	xlsx_number_text(1.995e2, t);
	assert_string_equal(t, "199.5");
	xlsx_number_text(0.1, t);
	assert_string_equal(t, "0.1");
	xlsx_number_text(12.34, t);
	assert_string_equal(t, "12.34");
	xlsx_number_text(0.0001, t);
	assert_string_equal(t, "0.0001");
	xlsx_number_text(-3, t);
	assert_string_equal(t, "-3");
	xlsx_number_text(1e20, t);
	assert_string_equal(t, "100000000000000000000");
	xlsx_number_text(0.1 + 0.2, t);
	assert_string_equal(t, "0.30000000000000004");
	xlsx_number_text(123456789.01, t);
	assert_string_equal(t, "123456789.01");
	xlsx_number_text(0, t);
	assert_string_equal(t, "0");
}

static void test_col_name(void **state)
{
	char c[4];
	(void)state;
	xlsx_col_name(0, c);
	assert_string_equal(c, "A");
	xlsx_col_name(25, c);
	assert_string_equal(c, "Z");
	xlsx_col_name(26, c);
	assert_string_equal(c, "AA");
	xlsx_col_name(16383, c);
	assert_string_equal(c, "XFD");
}

/* A workbook written here, read back: the rows, columns, types and texts. */
static void test_write_then_read(void **state)
{
	struct xlsx_writer *w;
	struct xlsx_reader *r;
	const struct xlsx_row *row;
	struct buf out = BUF_INIT;
	struct err err = { 0 };
	(void)state;

	assert_int_equal(xlsx_writer_new(&w, 1, &err), 0);
	xlsx_sheet(w, "first");
	xlsx_text(w, 0, 0, "only");
	xlsx_sheet(w, "销售/Q1");
	xlsx_header(w, 0, 0, "date");
	xlsx_header(w, 0, 1, "name");
	xlsx_header(w, 0, 3, "price");
	xlsx_freeze_header(w);
	xlsx_date(w, 1, 0, date_from_ymd(2025, 1, 1));
	xlsx_text(w, 1, 1, "=1+1 _x000D_ 客户");
	xlsx_money(w, 1, 3, 19950, "CNY");
	xlsx_count(w, 3, 1, 3);
	xlsx_decimal2(w, 3, 2, 1234);
	xlsx_ratio(w, 3, 3, 0.125);
	assert_int_equal(xlsx_writer_finish(w, &out, &err), 0);
	assert_true(out.len > 100);

	assert_int_equal(xlsx_open_mem(out.p, out.len, "nope", &r, &err), -1);
	assert_string_equal(err.reason, "xlsx_sheet_missing");
	assert_int_equal(xlsx_open_mem(out.p, out.len, "销售_Q1", &r, &err), 0);
	assert_string_equal(xlsx_sheet_name(r), "销售_Q1");
	assert_int_equal(xlsx_next(r, &row, &err), 1);
	assert_int_equal(row->row, 1);
	assert_int_equal(row->ncells, 3);
	assert_int_equal(row->cells[2].col, 3);
	assert_string_equal(row->cells[2].text, "price");
	assert_int_equal(xlsx_next(r, &row, &err), 1);
	assert_int_equal(row->row, 2);
	assert_int_equal(row->cells[0].type, XLSX_DATE);
	assert_string_equal(row->cells[0].text, "2025-01-01");
	assert_int_equal(row->cells[1].type, XLSX_STRING);
	assert_string_equal(row->cells[1].text, "=1+1 _x000D_ 客户");
	assert_int_equal(row->cells[2].type, XLSX_NUMBER);
	assert_string_equal(row->cells[2].text, "199.5");
	assert_int_equal(xlsx_next(r, &row, &err), 1);
	assert_int_equal(row->row, 4); /* row 3 was never written */
	assert_string_equal(row->cells[0].text, "3");
	assert_string_equal(row->cells[1].text, "12.34");
	assert_string_equal(row->cells[2].text, "0.125");
	assert_int_equal(xlsx_next(r, &row, &err), 0);
	xlsx_close(r);

	/* the first sheet when none is named */
	assert_int_equal(xlsx_open_mem(out.p, out.len, NULL, &r, &err), 0);
	assert_string_equal(xlsx_sheet_name(r), "first");
	xlsx_close(r);

	/* not an archive */
	assert_int_equal(xlsx_open_mem("date,customer\n", 14, NULL, &r, &err), -1);
	assert_string_equal(err.reason, "xlsx_unreadable");
	/* an archive cut short */
	assert_int_equal(xlsx_open_mem(out.p, out.len / 2, NULL, &r, &err), -1);
	assert_string_equal(err.reason, "xlsx_unreadable");
	buf_release(&out);
}

/* A library that cannot be loaded: ERR_UNAVAILABLE with the caller's reason, kept. */
typedef int nope_fn_t(void);
static struct {
	nope_fn_t *nope_fn;
} nopef;
static const struct dl_sym nope_syms[] = { { "nope_fn", (void **)&nopef.nope_fn } };
static struct dl_lib nope_lib = DL_LIB("libsalespm-nope.so.9", "xlsx_unavailable",
				       "reading .xlsx files", nope_syms);

static void test_missing_library(void **state)
{
	struct err err = { 0 };
	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(dl_load(&nope_lib, &err), -1);
		assert_int_equal(err.code, ERR_UNAVAILABLE);
		assert_string_equal(err.reason, "xlsx_unavailable");
		assert_string_equal(err.params, "{\"library\":\"libsalespm-nope.so.9\"}");
		assert_non_null(strstr(err.msg, "reading .xlsx files needs libsalespm-nope.so.9"));
	}
	assert_null(nopef.nope_fn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_dates),
		cmocka_unit_test(test_day_serial),
		cmocka_unit_test(test_number_text),
		cmocka_unit_test(test_col_name),
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_missing_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
