/*
 * test_xlsx.c - the .xlsx reader's arithmetic (date serials, numbers as
 * decimal text, column letters) against values worked out by hand, and a
 * workbook written by xlsx_write read back by xlsx_read: every cell's type
 * and text as written. Hostile workbooks (one huge shared string, a row of
 * cells all naming it), built here with libzip, refused as xlsx_too_large.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/buf.h"
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

/* --- hostile workbooks, zipped here (libzip loaded through dl.h, as the reader does) --- */

#define BOMB_ZIP(X)                                                                       \
	X(zip_source_buffer_create)                                                       \
	X(zip_source_buffer)                                                              \
	X(zip_source_keep)                                                                \
	X(zip_source_free)                                                                \
	X(zip_source_open)                                                                \
	X(zip_source_read)                                                                \
	X(zip_source_close)                                                               \
	X(zip_source_stat)                                                                \
	X(zip_open_from_source)                                                           \
	X(zip_file_add)                                                                   \
	X(zip_close)                                                                      \
	X(zip_stat_init)                                                                  \
	X(zip_error_init)                                                                 \
	X(zip_error_fini)
static struct { BOMB_ZIP(DL_MEMBER) } bz;
#define BOMB_ENTRY(f) DL_ENTRY(bz, f)
static const struct dl_sym bomb_syms[] = { BOMB_ZIP(BOMB_ENTRY) };
static struct dl_lib bomb_lib = DL_LIB("libzip.so.4", "xlsx_unavailable", "zipping test workbooks",
				       bomb_syms);

/* A one-sheet workbook whose shared strings and sheet are the given XML, deflated. */
static void bomb_zip(const char *sst, const char *sheet, struct buf *out)
{
	static const char types[] =
		"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
		"content-types\"/>";
	static const char rels[] =
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
		"package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas."
		"openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
		"Target=\"xl/workbook.xml\"/></Relationships>";
	static const char wb[] =
		"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
		"spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
		"officeDocument/2006/relationships\"><sheets><sheet name=\"s\" sheetId=\"1\" "
		"r:id=\"rId1\"/></sheets></workbook>";
	static const char wbrels[] =
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
		"package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas."
		"openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
		"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://"
		"schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
		"Target=\"sharedStrings.xml\"/></Relationships>";
	const struct {
		const char *name, *text;
	} parts[] = {
		{ "[Content_Types].xml", types }, { "_rels/.rels", rels },
		{ "xl/workbook.xml", wb },        { "xl/_rels/workbook.xml.rels", wbrels },
		{ "xl/sharedStrings.xml", sst },  { "xl/worksheets/sheet1.xml", sheet },
	};
	struct err err = { 0 };
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	zip_int64_t n;

	assert_int_equal(dl_load(&bomb_lib, &err), 0);
	bz.zip_error_init(&ze);
	src = bz.zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	bz.zip_source_keep(src); /* za's close would free it: the bytes are read after */
	za = bz.zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		zip_source_t *p = bz.zip_source_buffer(za, parts[i].text, strlen(parts[i].text), 0);
		assert_non_null(p);
		assert_true(bz.zip_file_add(za, parts[i].name, p, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(bz.zip_close(za), 0);
	bz.zip_stat_init(&st);
	assert_int_equal(bz.zip_source_stat(src, &st), 0);
	assert_int_equal(bz.zip_source_open(src), 0);
	assert_int_equal(buf_reserve(out, st.size), 0);
	n = bz.zip_source_read(src, out->p, st.size);
	assert_true(n == (zip_int64_t)st.size);
	out->len = (size_t)n;
	bz.zip_source_close(src);
	bz.zip_source_free(src);
	bz.zip_error_fini(&ze);
}

/* Shared strings holding one string of len bytes of 'A'. */
static char *bomb_sst(size_t len)
{
	static const char head[] = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
				   "2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>",
			  tail[] = "</t></si></sst>";
	char *s = malloc(sizeof(head) + len + sizeof(tail));
	assert_non_null(s);
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'A', len);
	memcpy(s + sizeof(head) - 1 + len, tail, sizeof(tail));
	return s;
}

/* A sheet whose one row has ncells cells, each naming shared string 0. */
static void bomb_sheet(size_t ncells, struct buf *b)
{
	buf_adds(b, "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
		    "main\"><sheetData><row r=\"1\">");
	for (size_t i = 0; i < ncells; i++)
		buf_adds(b, "<c t=\"s\"><v>0</v></c>");
	buf_adds(b, "</row></sheetData></worksheet>");
}

/* The reader's answer to the first row of a workbook (1 a row, -1 an error in err). */
static int bomb_read(const char *sst, const char *sheet, struct err *err, size_t *zipped)
{
	struct buf z = BUF_INIT;
	struct xlsx_reader *r;
	const struct xlsx_row *row;
	int rc;

	bomb_zip(sst, sheet, &z);
	*zipped = z.len;
	rc = xlsx_open_mem(z.p, z.len, NULL, &r, err);
	if (rc == 0) {
		rc = xlsx_next(r, &row, err);
		xlsx_close(r);
	}
	buf_release(&z);
	return rc;
}

/* Review 13 item 10: a string Excel could not hold is refused, not copied into each cell. */
static void test_bomb_string(void **state)
{
	struct buf sheet = BUF_INIT;
	struct err err = { 0 };
	size_t zipped;
	char *sst = bomb_sst(32767 * 4 + 1); /* one byte past Excel's longest cell, in UTF-8 */
	(void)state;

	bomb_sheet(2, &sheet);
	assert_int_equal(bomb_read(sst, buf_cstr(&sheet), &err, &zipped), -1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	assert_string_equal(err.reason, "xlsx_too_large");
	assert_true(zipped < 4096); /* the whole point of a bomb: small on the wire */
	free(sst);
	/* the longest string allowed is read whole */
	sst = bomb_sst(32767 * 4);
	{
		struct buf z = BUF_INIT;
		struct xlsx_reader *r;
		const struct xlsx_row *row;
		bomb_zip(sst, buf_cstr(&sheet), &z);
		assert_int_equal(xlsx_open_mem(z.p, z.len, NULL, &r, &err), 0);
		assert_int_equal(xlsx_next(r, &row, &err), 1);
		assert_int_equal(row->ncells, 2);
		assert_int_equal(row->cells[1].len, 32767 * 4);
		assert_int_equal(row->cells[1].text[32767 * 4 - 1], 'A');
		xlsx_close(r);
		buf_release(&z);
	}
	free(sst);
	buf_release(&sheet);
}

/* A row of 16,384 cells naming one 100 KB string (1.6 GB of text): refused at 16 MiB. */
static void test_bomb_row(void **state)
{
	struct buf sheet = BUF_INIT;
	struct err err = { 0 };
	size_t zipped;
	char *sst = bomb_sst(100000);
	(void)state;

	bomb_sheet(16384, &sheet);
	assert_int_equal(bomb_read(sst, buf_cstr(&sheet), &err, &zipped), -1);
	assert_int_equal(err.code, ERR_TOO_LARGE);
	assert_string_equal(err.reason, "xlsx_too_large");
	assert_true(zipped < 64 * 1024);
	buf_release(&sheet);
	/* 160 cells (16,000,160 bytes with their NULs) still fit the row's 16 MiB */
	bomb_sheet(160, &sheet);
	assert_int_equal(bomb_read(sst, buf_cstr(&sheet), &err, &zipped), 1);
	free(sst);
	buf_release(&sheet);
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
		cmocka_unit_test(test_bomb_string),
		cmocka_unit_test(test_bomb_row),
		cmocka_unit_test(test_missing_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
