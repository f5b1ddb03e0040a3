/*
 * render_xlsx.c - a report as an XLSX workbook through libxlsxwriter: one
 * worksheet per section (its title, cut to Excel's 31 characters, without the
 * characters Excel refuses, unique), the document's title and interim note at
 * the top of each, every table with a bold header row (the first one frozen),
 * figures as numbers with formats (money in the document's currency, counts,
 * ratios as percentages, dates as Excel dates), a chart as its data and a
 * native Excel chart over it, paragraphs in wide merged cells. Column widths
 * follow the content (a CJK character counts two).
 *
 * libxlsxwriter is loaded on the first workbook, not linked; without it an
 * XLSX is 503 xlsx_unavailable. It writes to a file: a temporary one in
 * $TMPDIR (else /tmp), read back and removed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/xalloc.h"
#include "report/dl.h"
#include "report/render_impl.h"
#include "base/banned.h"

#define XLSX_FUNCTIONS(X)              \
	X(chart_add_series)            \
	X(chart_axis_set_num_format)   \
	X(chart_legend_set_position)   \
	X(chart_series_set_categories) \
	X(chart_series_set_fill)       \
	X(chart_series_set_line)       \
	X(chart_series_set_name)       \
	X(chart_series_set_values)     \
	X(chart_title_set_name)        \
	X(format_set_align)            \
	X(format_set_bg_color)         \
	X(format_set_bold)             \
	X(format_set_bottom)           \
	X(format_set_bottom_color)     \
	X(format_set_font_color)       \
	X(format_set_font_size)        \
	X(format_set_num_format)       \
	X(format_set_text_wrap)        \
	X(lxw_strerror)                \
	X(workbook_add_chart)          \
	X(workbook_add_format)         \
	X(workbook_add_worksheet)      \
	X(workbook_close)              \
	X(workbook_new_opt)            \
	X(workbook_set_properties)     \
	X(worksheet_fit_to_pages)      \
	X(worksheet_freeze_panes)      \
	X(worksheet_insert_chart_opt)  \
	X(worksheet_merge_range)       \
	X(worksheet_set_column)        \
	X(worksheet_set_paper)         \
	X(worksheet_set_row)           \
	X(worksheet_write_blank)       \
	X(worksheet_write_number)      \
	X(worksheet_write_string)

static struct {
	XLSX_FUNCTIONS(DL_MEMBER)
} xw;
#define XLSX_ENTRY(f) DL_ENTRY(xw, f)
static const struct dl_sym xw_syms[] = { XLSX_FUNCTIONS(XLSX_ENTRY) };
static struct dl_lib xw_lib = DL_LIB("libxlsxwriter.so.4", "xlsx_unavailable", "an XLSX workbook",
				     xw_syms);

/* Each call below goes through its pointer (after the table, which names the members). */
#define chart_add_series xw.chart_add_series
#define chart_axis_set_num_format xw.chart_axis_set_num_format
#define chart_legend_set_position xw.chart_legend_set_position
#define chart_series_set_categories xw.chart_series_set_categories
#define chart_series_set_fill xw.chart_series_set_fill
#define chart_series_set_line xw.chart_series_set_line
#define chart_series_set_name xw.chart_series_set_name
#define chart_series_set_values xw.chart_series_set_values
#define chart_title_set_name xw.chart_title_set_name
#define format_set_align xw.format_set_align
#define format_set_bg_color xw.format_set_bg_color
#define format_set_bold xw.format_set_bold
#define format_set_bottom xw.format_set_bottom
#define format_set_bottom_color xw.format_set_bottom_color
#define format_set_font_color xw.format_set_font_color
#define format_set_font_size xw.format_set_font_size
#define format_set_num_format xw.format_set_num_format
#define format_set_text_wrap xw.format_set_text_wrap
#define lxw_strerror xw.lxw_strerror
#define workbook_add_chart xw.workbook_add_chart
#define workbook_add_format xw.workbook_add_format
#define workbook_add_worksheet xw.workbook_add_worksheet
#define workbook_close xw.workbook_close
#define workbook_new_opt xw.workbook_new_opt
#define workbook_set_properties xw.workbook_set_properties
#define worksheet_fit_to_pages xw.worksheet_fit_to_pages
#define worksheet_freeze_panes xw.worksheet_freeze_panes
#define worksheet_insert_chart_opt xw.worksheet_insert_chart_opt
#define worksheet_merge_range xw.worksheet_merge_range
#define worksheet_set_column xw.worksheet_set_column
#define worksheet_set_paper xw.worksheet_set_paper
#define worksheet_set_row xw.worksheet_set_row
#define worksheet_write_blank xw.worksheet_write_blank
#define worksheet_write_number xw.worksheet_write_number
#define worksheet_write_string xw.worksheet_write_string

/* --- the workbook ----------------------------------------------------------- */

#define MAX_COLS 64
#define MIN_WIDE 8 /* columns a paragraph or a title spans at least */

struct formats {
	lxw_format *title, *subtitle, *interim, *section, *caption, *head, *head_fig, *text,
		*para, *money, *count, *ratio, *date, *number, *none;
};

struct sheet {
	lxw_worksheet *ws;
	const char *name;
	lxw_row_t row;         /* the next row to write */
	size_t width[MAX_COLS]; /* characters each column needs */
	size_t ncols;          /* columns the tables use (the wide cells span them) */
	int frozen;
};

static lxw_format *format(lxw_workbook *wb, const char *num, int bold)
{
	lxw_format *f = workbook_add_format(wb);
	if (num)
		format_set_num_format(f, num);
	if (bold)
		format_set_bold(f);
	return f;
}

static void make_formats(const struct rdoc *d, lxw_workbook *wb, struct formats *f)
{
	char money[64];
	const char *sym = rdoc_currency_symbol(d->currency);

	if (sym)
		snprintf(money, sizeof(money), "\"%s\"#,##0.00", sym);
	else
		snprintf(money, sizeof(money), "#,##0.00 \"%s\"", d->currency);
	f->title = format(wb, NULL, 1);
	format_set_font_size(f->title, 16);
	format_set_font_color(f->title, 0x12324F);
	f->subtitle = format(wb, NULL, 0);
	format_set_font_color(f->subtitle, 0x6B7280);
	f->interim = format(wb, NULL, 1);
	format_set_bg_color(f->interim, 0xFEF3C7);
	format_set_font_color(f->interim, 0x78350F);
	format_set_text_wrap(f->interim);
	format_set_align(f->interim, LXW_ALIGN_VERTICAL_TOP);
	f->section = format(wb, NULL, 1);
	format_set_font_size(f->section, 13);
	format_set_font_color(f->section, 0x12324F);
	f->caption = format(wb, NULL, 1);
	f->head = format(wb, NULL, 1);
	f->head_fig = format(wb, NULL, 1);
	lxw_format *heads[] = { f->head, f->head_fig };
	for (size_t i = 0; i < 2; i++) {
		format_set_bg_color(heads[i], 0x1F4E79);
		format_set_font_color(heads[i], 0xFFFFFF);
		format_set_text_wrap(heads[i]);
		format_set_align(heads[i], LXW_ALIGN_VERTICAL_BOTTOM);
	}
	format_set_align(f->head_fig, LXW_ALIGN_RIGHT);
	f->text = format(wb, NULL, 0);
	format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
	f->para = format(wb, NULL, 0);
	format_set_text_wrap(f->para);
	format_set_align(f->para, LXW_ALIGN_VERTICAL_TOP);
	f->money = format(wb, money, 0);
	f->count = format(wb, "#,##0", 0);
	f->ratio = format(wb, "0.0%", 0);
	f->date = format(wb, "yyyy-mm-dd", 0);
	f->number = format(wb, "0.0", 0);
	f->none = format(wb, NULL, 0);
	format_set_align(f->none, LXW_ALIGN_CENTER);
	format_set_font_color(f->none, 0x9CA3AF);
}

/* The bytes of s's longest prefix of whole characters within max UTF-16 units. */
static size_t units_prefix(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, u = 0;
	while (p[i]) {
		size_t len = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3 : 4;
		size_t uu = len == 4 ? 2 : 1;
		if (u + uu > max)
			break;
		for (size_t k = 1; k < len; k++)
			if (!p[i + k])
				return i;
		u += uu;
		i += len;
	}
	return i;
}

/* A section title as a sheet name Excel takes: no []:*?/\ or control characters, no ' at
 * either end, 31 characters (UTF-16 units) at most, unique in the workbook ignoring case. */
static void sheet_name(const char *title, size_t index, char names[][128], char *out)
{
	char base[128];
	const char *s = title ? title : "";
	size_t n = 0, k, start;

	/* [a] stays (a), a/b a-b; : * ? and control characters go; spaces do not pile up */
	for (; *s && n < sizeof(base) - 1; s++) {
		char ch = *s == '[' ? '(' : *s == ']' ? ')' : *s == '/' || *s == '\\' ? '-' : *s;
		if (strchr(":*?", ch) || (unsigned char)ch < 0x20)
			ch = ' ';
		if (ch == ' ' && (!n || base[n - 1] == ' '))
			continue;
		base[n++] = ch;
	}
	base[n] = '\0';
	start = strspn(base, "' ");
	memmove(base, base + start, strlen(base + start) + 1);
	base[units_prefix(base, 31)] = '\0';
	n = strlen(base);
	while (n && (base[n - 1] == '\'' || base[n - 1] == ' '))
		base[--n] = '\0';
	if (!*base)
		snprintf(base, sizeof(base), "Sheet%zu", index + 1);
	snprintf(out, 128, "%s", base);
	for (int dup = 2;; dup++) {
		int taken = 0;
		for (k = 0; k < index; k++)
			taken |= !strcasecmp(names[k], out);
		if (!taken)
			return;
		char tail[16];
		snprintf(tail, sizeof(tail), " (%d)", dup);
		snprintf(out, 128, "%.*s%s", (int)units_prefix(base, 31 - strlen(tail)), base, tail);
	}
}

static void widen(struct sheet *sh, size_t col, const char *text)
{
	size_t w = render_text_width(text);
	if (col < MAX_COLS && w > sh->width[col])
		sh->width[col] = w;
}

static void cell(struct sheet *sh, const struct rdoc *d, const struct formats *f, size_t col,
		 const struct rcell *c)
{
	char text[512];

	rdoc_cell_text(d, c, text, sizeof(text));
	widen(sh, col, text);
	switch (c->type) {
	case RC_TEXT:
		worksheet_write_string(sh->ws, sh->row, (lxw_col_t)col, c->s ? c->s : "", f->text);
		return;
	case RC_MONEY:
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, (double)c->i / 100.0,
				       f->money);
		return;
	case RC_COUNT:
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, (double)c->i, f->count);
		return;
	case RC_RATIO:
	case RC_NUMBER:
		if (!isfinite(c->r))
			break;
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, c->r,
				       c->type == RC_RATIO ? f->ratio : f->number);
		return;
	case RC_DATE:
		/* Excel's day 0 is 1899-12-30: 25569 days before 1970-01-01 */
		worksheet_write_number(sh->ws, sh->row, (lxw_col_t)col, (double)c->i + 25569.0,
				       f->date);
		return;
	default:
		break;
	}
	worksheet_write_string(sh->ws, sh->row, (lxw_col_t)col, "—", f->none);
}

static void header_row(struct sheet *sh, const struct formats *f, const char *const *labels,
		       const enum rcell_type *types, size_t n)
{
	size_t c;
	for (c = 0; c < n; c++) {
		worksheet_write_string(sh->ws, sh->row, (lxw_col_t)c, labels[c] ? labels[c] : "",
				       render_is_figure(types[c]) ? f->head_fig : f->head);
		widen(sh, c, labels[c]);
	}
	if (!sh->frozen) {
		worksheet_freeze_panes(sh->ws, sh->row + 1, 0);
		sh->frozen = 1;
	}
	sh->row++;
}

static void table(struct sheet *sh, const struct rdoc *d, const struct formats *f,
		  const struct rtable *t)
{
	const char *labels[MAX_COLS];
	enum rcell_type types[MAX_COLS];
	size_t r, c, n = t->ncols < MAX_COLS ? t->ncols : MAX_COLS;

	if (t->title)
		worksheet_write_string(sh->ws, sh->row++, 0, t->title, f->caption);
	for (c = 0; c < n; c++) {
		labels[c] = t->cols[c].label;
		types[c] = t->cols[c].type;
	}
	header_row(sh, f, labels, types, n);
	for (r = 0; r < t->nrows; r++, sh->row++)
		for (c = 0; c < n; c++)
			cell(sh, d, f, c, &t->cells[r * t->ncols + c]);
	sh->ncols = n > sh->ncols ? n : sh->ncols;
	sh->row++;
}

/* A chart: its data as a table, and a native chart of the same kind drawn from it. */
static void chart(struct sheet *sh, lxw_workbook *wb, const struct rdoc *d,
		  const struct formats *f, const struct rchart *ch)
{
	const char *labels[MAX_COLS];
	enum rcell_type types[MAX_COLS];
	size_t i, j, n = ch->nseries < MAX_COLS - 1 ? ch->nseries : MAX_COLS - 1;
	lxw_row_t first;
	lxw_chart *xc;
	lxw_chart_options opt = { 0 };
	const char *numfmt = ch->unit == RC_MONEY   ? f->money->num_format
			     : ch->unit == RC_RATIO ? "0%"
			     : ch->unit == RC_COUNT ? "#,##0"
						    : "0.0";

	if (ch->title)
		worksheet_write_string(sh->ws, sh->row++, 0, ch->title, f->caption);
	labels[0] = "";
	types[0] = RC_TEXT;
	for (i = 0; i < n; i++) {
		labels[i + 1] = ch->series[i].label;
		types[i + 1] = ch->unit;
	}
	header_row(sh, f, labels, types, n + 1);
	first = sh->row;
	for (j = 0; j < ch->ncat; j++, sh->row++) {
		struct rcell c = { RC_TEXT, 0, 0, ch->categories[j] };
		cell(sh, d, f, 0, &c);
		for (i = 0; i < n; i++) {
			double v = ch->series[i].values[j];
			struct rcell x = { isfinite(v) ? ch->unit : RC_NONE, 0, v, NULL };
			if (ch->unit == RC_MONEY || ch->unit == RC_COUNT)
				x.i = isfinite(v) ? llround(ch->unit == RC_MONEY ? v * 100 : v) : 0;
			cell(sh, d, f, i + 1, &x);
		}
	}
	sh->ncols = n + 1 > sh->ncols ? n + 1 : sh->ncols;
	sh->row++;
	if (!ch->ncat || !n)
		return;
	xc = workbook_add_chart(wb, ch->kind == RCHART_BAR ? LXW_CHART_COLUMN : LXW_CHART_LINE);
	for (i = 0; i < n; i++) {
		lxw_chart_series *s = chart_add_series(xc, NULL, NULL);
		lxw_chart_fill fill = { 0 };
		lxw_chart_line line = { 0 };
		fill.color = render_series_colour(i);
		line.color = render_series_colour(i);
		line.width = 2.0;
		chart_series_set_categories(s, sh->name, first, 0,
					    first + (lxw_row_t)ch->ncat - 1, 0);
		chart_series_set_values(s, sh->name, first, (lxw_col_t)(i + 1),
					first + (lxw_row_t)ch->ncat - 1, (lxw_col_t)(i + 1));
		chart_series_set_name(s, ch->series[i].label ? ch->series[i].label : "");
		if (ch->kind == RCHART_BAR)
			chart_series_set_fill(s, &fill);
		else
			chart_series_set_line(s, &line);
	}
	if (ch->title)
		chart_title_set_name(xc, ch->title);
	chart_axis_set_num_format(xc->y_axis, numfmt);
	chart_legend_set_position(xc, n > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
	opt.x_scale = 1.25;
	opt.y_scale = 1.0;
	worksheet_insert_chart_opt(sh->ws, sh->row, 0, xc, &opt);
	sh->row += 16; /* the chart's 288 pixels, and a row */
}

/* A paragraph across the sheet's width, tall enough for its lines. */
static void paragraph(struct sheet *sh, const struct formats *f, const char *text, size_t span)
{
	size_t total = 0, c, w = render_text_width(text), lines = 1;
	const char *p;

	for (c = 0; c < span; c++)
		total += sh->width[c] > 10 ? sh->width[c] + 2 : 12;
	for (p = text; *p; p++)
		lines += *p == '\n';
	lines += w / (total ? total : 1);
	worksheet_merge_range(sh->ws, sh->row, 0, sh->row, (lxw_col_t)(span - 1), text, f->para);
	worksheet_set_row(sh->ws, sh->row, 15.0 * (double)(lines < 40 ? lines : 40), NULL);
	sh->row += 2;
}

/* The title, subtitle and interim note over a sheet, across span columns. */
static void heading(struct sheet *sh, const struct rdoc *d, const struct formats *f,
		    const struct rsection *sec, size_t span)
{
	worksheet_write_string(sh->ws, sh->row++, 0, d->title ? d->title : "", f->title);
	if (d->subtitle)
		worksheet_write_string(sh->ws, sh->row++, 0, d->subtitle, f->subtitle);
	if (d->interim) {
		const char *note = d->interim_note ? d->interim_note : render_word(d, RW_INTERIM);
		worksheet_merge_range(sh->ws, sh->row, 0, sh->row, (lxw_col_t)(span - 1), note,
				      f->interim);
		worksheet_set_row(sh->ws, sh->row, 30, NULL);
		sh->row++;
	}
	sh->row++;
	worksheet_write_string(sh->ws, sh->row++, 0, sec->title ? sec->title : "", f->section);
	sh->row++;
}

/* The columns a section's tables and charts use, for the cells that span them. */
static size_t section_span(const struct rsection *sec)
{
	size_t k, n = MIN_WIDE;
	for (k = 0; k < sec->nblocks; k++) {
		const struct rblock *b = &sec->blocks[k];
		size_t c = b->kind == RB_TABLE ? b->table->ncols
			   : b->kind == RB_CHART ? b->chart->nseries + 1
						 : 0;
		n = c > n ? c : n;
	}
	return n < MAX_COLS ? n : MAX_COLS;
}

static int write_workbook(const struct rdoc *d, const char *path, struct err *err)
{
	lxw_workbook_options wo = { 0 };
	lxw_doc_properties props = { 0 };
	struct formats f;
	char (*names)[128] = xcalloc(d->nsections + 1, sizeof(*names));
	lxw_workbook *wb;
	lxw_error rc;
	size_t s, k, c;

	wo.tmpdir = getenv("TMPDIR");
	wb = workbook_new_opt(path, &wo);
	if (!wb) {
		free(names);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "libxlsxwriter could not start a workbook");
	}
	props.title = (char *)(d->title ? d->title : "");
	props.author = (char *)"salespm";
	workbook_set_properties(wb, &props);
	make_formats(d, wb, &f);
	for (s = 0; s < d->nsections || (!s && !d->nsections); s++) {
		static const struct rsection none = { 0 };
		const struct rsection *sec = d->nsections ? &d->sections[s] : &none;
		struct sheet sh = { 0 };
		size_t span = section_span(sec);

		sheet_name(sec->title, s, names, names[s]);
		sh.name = names[s];
		sh.ws = workbook_add_worksheet(wb, names[s]);
		worksheet_set_paper(sh.ws, 9); /* A4 */
		worksheet_fit_to_pages(sh.ws, 1, 0);
		heading(&sh, d, &f, sec, span);
		/* the tables first set the widths the paragraphs wrap in */
		for (k = 0; k < sec->nblocks; k++) {
			const struct rblock *b = &sec->blocks[k];
			if (b->kind == RB_TABLE)
				table(&sh, d, &f, b->table);
			else if (b->kind == RB_CHART)
				chart(&sh, wb, d, &f, b->chart);
			else if (b->text && *b->text)
				paragraph(&sh, &f, b->text, span);
		}
		for (c = 0; c < span; c++) {
			double w = (double)sh.width[c] + 2;
			worksheet_set_column(sh.ws, (lxw_col_t)c, (lxw_col_t)c,
					     w < 10 ? 10 : w > 60 ? 60 : w, NULL);
		}
	}
	rc = workbook_close(wb);
	free(names);
	if (rc != LXW_NO_ERROR)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "libxlsxwriter: %s",
			       lxw_strerror(rc));
	return 0;
}

int render_xlsx(const struct rdoc *d, struct buf *out, struct err *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	char chunk[65536];
	FILE *fp = NULL;
	size_t n;
	int fd, rc = -1;

	if (dl_load(&xw_lib, err))
		return -1;
	snprintf(path, sizeof(path), "%s/salespm-report-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "a temporary file: %s",
			       strerror(errno));
	close(fd);
	if (write_workbook(d, path, err))
		goto out;
	fp = fopen(path, "rb");
	if (!fp) {
		err_set(err, ERR_INTERNAL, NULL, "internal", "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(out, chunk, n)) {
			err_set(err, ERR_TOO_LARGE, NULL, "too_large", "the report is too large");
			goto out;
		}
	rc = 0;
out:
	if (fp)
		fclose(fp);
	unlink(path);
	return rc;
}
