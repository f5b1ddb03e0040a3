/*
 * xlsx_write.c - an .xlsx workbook into memory over libxlsxwriter (see
 * xlsx_write.h). libxlsxwriter 1.1.4 writes only to a file: the workbook
 * goes to a file of our own in $TMPDIR (mkstemp: O_EXCL, mode 0600), read
 * back through the descriptor that created it, and unlinked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report/xlsx_write.h"
#include "base/xalloc.h"
#include "report/dl.h"
#include "report/doc.h"
#include "report/xlsx_read.h"
#include "base/banned.h"

#define XW_FUNCTIONS(X)                                                                   \
	X(workbook_new_opt)                                                               \
	X(workbook_add_worksheet)                                                         \
	X(workbook_add_format)                                                            \
	X(workbook_get_worksheet_by_name)                                                 \
	X(workbook_close)                                                                 \
	X(format_set_bold)                                                                \
	X(format_set_bottom)                                                              \
	X(format_set_num_format)                                                          \
	X(worksheet_write_string)                                                         \
	X(worksheet_write_number)                                                         \
	X(worksheet_set_column)                                                           \
	X(worksheet_freeze_panes)                                                         \
	X(lxw_strerror)
static struct { XW_FUNCTIONS(DL_MEMBER) } xwf;
#define XW_ENTRY(f) DL_ENTRY(xwf, f)
static const struct dl_sym xw_syms[] = { XW_FUNCTIONS(XW_ENTRY) };
static struct dl_lib xw_lib = DL_LIB("libxlsxwriter.so.4", "xlsx_unavailable",
				     "writing .xlsx files", xw_syms);

#define MAX_CURRENCIES 4

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char path[512];
	int fd;
	int nsheets;
	lxw_error failed; /* the first failure (sticky) */
	lxw_format *header, *count, *decimal2, *ratio, *date;
	struct {
		char code[4];
		lxw_format *fmt;
	} money[MAX_CURRENCIES];
	int nmoney;
};

static void check(struct xlsx_writer *w, lxw_error e)
{
	if (e != LXW_NO_ERROR && w->failed == LXW_NO_ERROR)
		w->failed = e;
}

static lxw_format *number_format(struct xlsx_writer *w, const char *code)
{
	lxw_format *f = xwf.workbook_add_format(w->wb);
	if (f)
		xwf.format_set_num_format(f, code);
	else
		check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
	return f;
}

int xlsx_writer_new(struct xlsx_writer **out, int row_order, struct err *err)
{
	struct xlsx_writer *w;
	lxw_workbook_options opt = { 0 };
	const char *dir = getenv("TMPDIR");

	*out = NULL;
	if (dl_load(&xw_lib, err))
		return -1;
	if (!dir || !dir[0])
		dir = "/tmp";
	w = xcalloc(1, sizeof(*w));
	snprintf(w->path, sizeof(w->path), "%s/salespm-xlsx-XXXXXX", dir);
	w->fd = mkstemp(w->path);
	if (w->fd < 0) {
		int e = errno;
		free(w);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot make a temporary file in %s: %s",
			       dir, strerror(e));
	}
	opt.constant_memory = row_order ? LXW_TRUE : LXW_FALSE;
	opt.tmpdir = (char *)dir;
	w->wb = xwf.workbook_new_opt(w->path, &opt);
	if (!w->wb) {
		xlsx_writer_free(w);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start a workbook");
	}
	w->header = xwf.workbook_add_format(w->wb);
	if (w->header) {
		xwf.format_set_bold(w->header);
		xwf.format_set_bottom(w->header, LXW_BORDER_THIN);
	}
	w->count = number_format(w, "#,##0");
	w->decimal2 = number_format(w, "0.00");
	w->ratio = number_format(w, "0.0%");
	w->date = number_format(w, "yyyy-mm-dd");
	*out = w;
	return 0;
}

void xlsx_sheet(struct xlsx_writer *w, const char *name)
{
	char clean[160], tried[176];
	size_t o = 0, chars = 0;

	/* Excel's rules: 1..31 characters, none of []:*?/\, not starting or ending with ' */
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && chars < 31;) {
		size_t n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (o + n >= sizeof(clean))
			break;
		if (n == 1 && (strchr("[]:*?/\\", *p) || *p < 0x20 || (*p == '\'' && chars == 0)))
			clean[o++] = '_', p++;
		else
			for (size_t k = 0; k < n && *p; k++)
				clean[o++] = (char)*p++;
		chars++;
	}
	while (o && clean[o - 1] == '\'')
		o--;
	clean[o] = '\0';
	if (!o)
		snprintf(clean, sizeof(clean), "Sheet%d", w->nsheets + 1);
	snprintf(tried, sizeof(tried), "%s", clean);
	for (int n = 2; xwf.workbook_get_worksheet_by_name(w->wb, tried) && n < 1000; n++)
		snprintf(tried, sizeof(tried), "%.24s (%d)", clean, n);
	w->ws = xwf.workbook_add_worksheet(w->wb, tried);
	w->nsheets++;
	if (!w->ws)
		check(w, LXW_ERROR_SHEETNAME_ALREADY_USED);
}

/* Whether a cell may be written: a sheet is current and nothing failed. */
static int ok(struct xlsx_writer *w)
{
	if (!w->ws && w->failed == LXW_NO_ERROR)
		xlsx_sheet(w, NULL);
	return w->ws && w->failed == LXW_NO_ERROR;
}

void xlsx_col_width(struct xlsx_writer *w, uint16_t col, uint16_t last, double width)
{
	if (ok(w))
		check(w, xwf.worksheet_set_column(w->ws, col, last, width, NULL));
}

void xlsx_freeze_header(struct xlsx_writer *w)
{
	if (ok(w))
		xwf.worksheet_freeze_panes(w->ws, 1, 0);
}

/* Whether s starts like an Office escape, "_x" four hex digits "_". */
static int looks_escaped(const char *s)
{
	if (s[0] != '_' || s[1] != 'x')
		return 0;
	for (int i = 2; i < 6; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return s[6] == '_';
}

/*
 * A string cell. Readers (Excel, openpyxl, ours) decode "_x000D_" in a
 * string as the character it names; libxlsxwriter writes text as it is, so
 * a literal "_x000D_" is written "_x005F_x000D_" (an escaped underscore) to
 * read back as typed.
 */
static void write_string(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text,
			 lxw_format *f)
{
	struct buf b = BUF_INIT;
	const char *p = strstr(text, "_x");
	if (!p) {
		check(w, xwf.worksheet_write_string(w->ws, row, col, text, f));
		return;
	}
	for (p = text; *p; p++) {
		if (looks_escaped(p))
			buf_adds(&b, "_x005F");
		buf_addch(&b, *p);
	}
	check(w, xwf.worksheet_write_string(w->ws, row, col, buf_cstr(&b), f));
	buf_release(&b);
}

void xlsx_header(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text)
{
	if (ok(w))
		write_string(w, row, col, text, w->header);
}

void xlsx_text(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text)
{
	if (ok(w) && text && text[0])
		write_string(w, row, col, text, NULL);
}

void xlsx_number(struct xlsx_writer *w, uint32_t row, uint16_t col, double v)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, v, NULL));
}

void xlsx_count(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t n)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, (double)n, w->count));
}

/* The number format of money in currency, made once per workbook. */
static lxw_format *money_format_of(struct xlsx_writer *w, const char *currency)
{
	char code[64];
	const char *sym;

	for (int i = 0; i < w->nmoney; i++)
		if (!strcmp(w->money[i].code, currency))
			return w->money[i].fmt;
	if (!strcmp(currency, "USD"))
		snprintf(code, sizeof(code), "[$$-409]#,##0.00");
	else if ((sym = rdoc_currency_symbol(currency)) != NULL)
		snprintf(code, sizeof(code), "\"%s\"#,##0.00", sym);
	else
		snprintf(code, sizeof(code), "#,##0.00\" %.3s\"", currency);
	if (w->nmoney == MAX_CURRENCIES)
		return number_format(w, code); /* a fifth currency: a format per call, still right */
	snprintf(w->money[w->nmoney].code, sizeof(w->money[0].code), "%.3s", currency);
	w->money[w->nmoney].fmt = number_format(w, code);
	return w->money[w->nmoney++].fmt;
}

void xlsx_money(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t minor,
		const char *currency)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, (double)minor / 100.0,
						    money_format_of(w, currency ? currency : "")));
}

void xlsx_decimal2(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t hundredths)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, (double)hundredths / 100.0,
						    w->decimal2));
}

void xlsx_ratio(struct xlsx_writer *w, uint32_t row, uint16_t col, double r)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, r, w->ratio));
}

void xlsx_date(struct xlsx_writer *w, uint32_t row, uint16_t col, int32_t day)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, xlsx_day_serial(day), w->date));
}

void xlsx_writer_free(struct xlsx_writer *w)
{
	if (!w)
		return;
	if (w->wb)
		xwf.workbook_close(w->wb); /* frees it (and writes a file we then remove) */
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->path);
	}
	free(w);
}

int xlsx_writer_finish(struct xlsx_writer *w, struct buf *out, struct err *err)
{
	lxw_error e;
	int rc = -1;
	char chunk[65536];
	ssize_t n;

	if (!w->ws)
		xlsx_sheet(w, NULL); /* a workbook has at least one sheet */
	e = xwf.workbook_close(w->wb);
	w->wb = NULL;
	if (w->failed != LXW_NO_ERROR)
		e = w->failed;
	if (e != LXW_NO_ERROR) {
		err_set(err, e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED ? ERR_INVALID : ERR_INTERNAL,
			NULL, "xlsx_write_failed:_", "cannot write the workbook: %s",
			xwf.lxw_strerror(e));
		goto out;
	}
	/* the file libxlsxwriter wrote at our path, read through the descriptor that made it */
	if (lseek(w->fd, 0, SEEK_SET) < 0)
		goto io;
	while ((n = read(w->fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(out, chunk, (size_t)n)) {
			err_set(err, ERR_TOO_LARGE, NULL, "export_too_large",
				"the export is larger than allowed");
			goto out;
		}
	if (n < 0)
		goto io;
	rc = 0;
	goto out;
io:
	err_set(err, ERR_INTERNAL, NULL, "internal", "cannot read the workbook back: %s",
		strerror(errno));
out:
	xlsx_writer_free(w);
	return rc;
}
