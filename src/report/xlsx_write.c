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

#define XW_FUNCTIONS(X)                                                                          \
	X(chart_add_series) X(chart_axis_set_num_format) X(chart_legend_set_position)            \
	X(chart_series_set_categories) X(chart_series_set_fill) X(chart_series_set_line)         \
	X(chart_series_set_name) X(chart_series_set_values) X(chart_title_set_name)              \
	X(format_set_align) X(format_set_bg_color) X(format_set_bold) X(format_set_bottom)       \
	X(format_set_font_color) X(format_set_font_size) X(format_set_num_format)                \
	X(format_set_text_wrap) X(lxw_strerror) X(workbook_add_chart) X(workbook_add_format)     \
	X(workbook_add_worksheet) X(workbook_close) X(workbook_get_worksheet_by_name)            \
	X(workbook_new_opt) X(workbook_set_properties) X(worksheet_fit_to_pages)                 \
	X(worksheet_freeze_panes) X(worksheet_insert_chart_opt) X(worksheet_merge_range)         \
	X(worksheet_set_column) X(worksheet_set_paper) X(worksheet_set_row)                      \
	X(worksheet_write_number) X(worksheet_write_string)
static struct { XW_FUNCTIONS(DL_MEMBER) } xwf;
#define XW_ENTRY(f) DL_ENTRY(xwf, f)
static const struct dl_sym xw_syms[] = { XW_FUNCTIONS(XW_ENTRY) };
static struct dl_lib xw_lib = DL_LIB("libxlsxwriter.so.4", "xlsx_unavailable",
				     "writing .xlsx files", xw_syms);

#define MAX_CURRENCIES 4

/* The number formats of the typed cells, made on first use. */
enum num_format { NUM_COUNT, NUM_DECIMAL1, NUM_DECIMAL2, NUM_RATIO, NUM_DATE, NUM_FORMATS };
static const char *const num_codes[NUM_FORMATS] = { "#,##0", "0.0", "0.00", "0.0%", "yyyy-mm-dd" };

/* The look of each style (0: Excel's default), in enum xlsx_style's order. */
static const struct {
	unsigned char bold, size, wrap, border, align, valign;
	unsigned font, fill;
} styles[XLSX_NSTYLES] = {
	[XLSX_HEADER] = { .bold = 1, .border = LXW_BORDER_THIN },
	[XLSX_TITLE] = { .bold = 1, .size = 16, .font = 0x12324F },
	[XLSX_SUBTITLE] = { .font = 0x6B7280 },
	[XLSX_NOTE] = { .bold = 1, .wrap = 1, .valign = LXW_ALIGN_VERTICAL_TOP, .font = 0x78350F,
			.fill = 0xFEF3C7 },
	[XLSX_SECTION] = { .bold = 1, .size = 13, .font = 0x12324F },
	[XLSX_CAPTION] = { .bold = 1 },
	[XLSX_BAND] = { .bold = 1, .wrap = 1, .valign = LXW_ALIGN_VERTICAL_BOTTOM, .font = 0xFFFFFF,
			.fill = 0x1F4E79 },
	[XLSX_BAND_FIG] = { .bold = 1, .wrap = 1, .align = LXW_ALIGN_RIGHT,
			    .valign = LXW_ALIGN_VERTICAL_BOTTOM, .font = 0xFFFFFF, .fill = 0x1F4E79 },
	[XLSX_TOP] = { .valign = LXW_ALIGN_VERTICAL_TOP },
	[XLSX_PARA] = { .wrap = 1, .valign = LXW_ALIGN_VERTICAL_TOP },
	[XLSX_MISSING] = { .align = LXW_ALIGN_CENTER, .font = 0x9CA3AF },
};

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char path[512];
	int fd;
	int nsheets;
	char sheet[176]; /* the current sheet's name */
	int report;      /* xlsx_report_style() */
	lxw_error failed; /* the first failure (sticky) */
	lxw_format *style[XLSX_NSTYLES], *num[NUM_FORMATS];
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

static lxw_format *num(struct xlsx_writer *w, enum num_format n)
{
	if (!w->num[n])
		w->num[n] = number_format(w, num_codes[n]);
	return w->num[n];
}

/* A style's format (NULL for XLSX_PLAIN), made on first use. */
static lxw_format *style(struct xlsx_writer *w, enum xlsx_style s)
{
	lxw_format *f = w->style[s];
	if (f || s == XLSX_PLAIN)
		return f;
	f = w->style[s] = xwf.workbook_add_format(w->wb);
	if (!f) {
		check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	/* alignments and a border of 0 (none) leave Excel's default */
	xwf.format_set_align(f, styles[s].align);
	xwf.format_set_align(f, styles[s].valign);
	xwf.format_set_bottom(f, styles[s].border);
	if (styles[s].bold)
		xwf.format_set_bold(f);
	if (styles[s].wrap)
		xwf.format_set_text_wrap(f);
	if (styles[s].size)
		xwf.format_set_font_size(f, styles[s].size);
	if (styles[s].font)
		xwf.format_set_font_color(f, styles[s].font);
	if (styles[s].fill)
		xwf.format_set_bg_color(f, styles[s].fill);
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
	snprintf(w->sheet, sizeof(w->sheet), "%s", tried);
	if (!w->ws)
		check(w, LXW_ERROR_SHEETNAME_ALREADY_USED);
	else if (w->report) {
		xwf.worksheet_set_paper(w->ws, 9); /* A4 */
		xwf.worksheet_fit_to_pages(w->ws, 1, 0);
	}
}

void xlsx_report_style(struct xlsx_writer *w, const char *title)
{
	lxw_doc_properties props = { 0 };

	w->report = 1;
	props.title = (char *)(title ? title : "");
	props.author = (char *)"salespm";
	check(w, xwf.workbook_set_properties(w->wb, &props));
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

void xlsx_freeze_rows(struct xlsx_writer *w, uint32_t n)
{
	if (ok(w))
		xwf.worksheet_freeze_panes(w->ws, n, 0);
}

void xlsx_freeze_header(struct xlsx_writer *w)
{
	xlsx_freeze_rows(w, 1);
}

void xlsx_row_height(struct xlsx_writer *w, uint32_t row, double points)
{
	if (ok(w))
		check(w, xwf.worksheet_set_row(w->ws, row, points, NULL));
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
 * A string as written. Readers (Excel, openpyxl, ours) decode "_x000D_" in
 * a string as the character it names; libxlsxwriter writes text as it is,
 * so a literal "_x000D_" is written "_x005F_x000D_" (an escaped underscore)
 * to read back as typed. Text itself, or the copy in b.
 */
static const char *escaped(const char *text, struct buf *b)
{
	if (!strstr(text, "_x"))
		return text;
	for (const char *p = text; *p; p++) {
		if (looks_escaped(p))
			buf_adds(b, "_x005F");
		buf_addch(b, *p);
	}
	return buf_cstr(b);
}

static void write_string(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text,
			 lxw_format *f)
{
	struct buf b = BUF_INIT;
	check(w, xwf.worksheet_write_string(w->ws, row, col, escaped(text, &b), f));
	buf_release(&b);
}

void xlsx_styled(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text,
		 enum xlsx_style s)
{
	if (ok(w))
		write_string(w, row, col, text ? text : "", style(w, s));
}

void xlsx_header(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text)
{
	xlsx_styled(w, row, col, text, XLSX_HEADER);
}

void xlsx_merged(struct xlsx_writer *w, uint32_t row, uint16_t col, uint16_t last,
		 const char *text, enum xlsx_style s)
{
	struct buf b = BUF_INIT;
	if (ok(w))
		check(w, xwf.worksheet_merge_range(w->ws, row, col, row, last,
						   escaped(text ? text : "", &b), style(w, s)));
	buf_release(&b);
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

void xlsx_decimal1(struct xlsx_writer *w, uint32_t row, uint16_t col, double v)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, v, num(w, NUM_DECIMAL1)));
}

void xlsx_count(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t n)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, (double)n, num(w, NUM_COUNT)));
}

/* The number format code of money in currency. */
static void money_code(const struct xlsx_writer *w, const char *currency, char *code, size_t size)
{
	const char *sym;

	if (!strcmp(currency, "USD") && !w->report)
		snprintf(code, size, "[$$-409]#,##0.00");
	else if ((sym = rdoc_currency_symbol(currency)) != NULL)
		snprintf(code, size, "\"%s\"#,##0.00", sym);
	else
		snprintf(code, size, "#,##0.00\" %.3s\"", currency);
}

/* The number format of money in currency, made once per workbook. */
static lxw_format *money_format_of(struct xlsx_writer *w, const char *currency)
{
	char code[64];

	for (int i = 0; i < w->nmoney; i++)
		if (!strcmp(w->money[i].code, currency))
			return w->money[i].fmt;
	money_code(w, currency, code, sizeof(code));
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
						    num(w, NUM_DECIMAL2)));
}

void xlsx_ratio(struct xlsx_writer *w, uint32_t row, uint16_t col, double r)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, r, num(w, NUM_RATIO)));
}

void xlsx_date(struct xlsx_writer *w, uint32_t row, uint16_t col, int32_t day)
{
	if (ok(w))
		check(w, xwf.worksheet_write_number(w->ws, row, col, xlsx_day_serial(day),
						    num(w, NUM_DATE)));
}

void xlsx_chart(struct xlsx_writer *w, const struct xlsx_chart *c)
{
	lxw_chart_options opt = { 0 };
	lxw_chart *xc;
	char money[64] = "";
	uint32_t last = c->first + c->ncat - 1;

	if (!ok(w) || !c->ncat || !c->nseries)
		return;
	xc = xwf.workbook_add_chart(w->wb, c->lines ? LXW_CHART_LINE : LXW_CHART_COLUMN);
	if (!xc) {
		check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	for (uint16_t i = 0; i < c->nseries; i++) {
		lxw_chart_series *s = xwf.chart_add_series(xc, NULL, NULL);
		lxw_chart_fill fill = { 0 };
		lxw_chart_line line = { 0 };
		if (!s) {
			check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
			return;
		}
		fill.color = line.color = c->colours[i];
		line.width = 2.0;
		xwf.chart_series_set_categories(s, w->sheet, c->first, 0, last, 0);
		xwf.chart_series_set_values(s, w->sheet, c->first, i + 1, last, i + 1);
		xwf.chart_series_set_name(s, c->names[i] ? c->names[i] : "");
		if (c->lines)
			xwf.chart_series_set_line(s, &line);
		else
			xwf.chart_series_set_fill(s, &fill);
	}
	if (c->title)
		xwf.chart_title_set_name(xc, c->title);
	if (!c->num_format)
		money_code(w, c->currency ? c->currency : "", money, sizeof(money));
	xwf.chart_axis_set_num_format(xc->y_axis, c->num_format ? c->num_format : money);
	xwf.chart_legend_set_position(xc, c->nseries > 1 ? LXW_CHART_LEGEND_BOTTOM
							 : LXW_CHART_LEGEND_NONE);
	opt.x_scale = 1.25;
	opt.y_scale = 1.0;
	check(w, xwf.worksheet_insert_chart_opt(w->ws, c->at, 0, xc, &opt));
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
