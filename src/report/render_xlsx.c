/*
 * render_xlsx.c - a report as an XLSX workbook (through report/xlsx_write.h):
 * one worksheet per section (its title, cut to Excel's 31 characters,
 * without the characters Excel refuses, unique), the document's title and
 * interim note at the top of each, every table with a bold header row (the
 * first one frozen), figures as numbers with formats (money in the
 * document's currency, counts, ratios as percentages, dates as Excel dates),
 * a chart as its data and a native Excel chart over it, paragraphs in wide
 * merged cells. Column widths follow the content (a CJK character counts two).
 * Without libxlsxwriter an XLSX is 503 xlsx_unavailable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "report/render_impl.h"
#include "report/xlsx_write.h"
#include "base/banned.h"

#define MAX_COLS 64
#define MIN_WIDE 8 /* columns a paragraph or a title spans at least */

struct sheet {
	struct xlsx_writer *w;
	uint32_t row;           /* the next row to write */
	size_t width[MAX_COLS]; /* characters each column needs */
	int frozen;
};

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

static void cell(struct sheet *sh, const struct rdoc *d, size_t col, const struct rcell *c)
{
	char text[512];
	uint16_t x = (uint16_t)col;

	rdoc_cell_text(d, c, text, sizeof(text));
	widen(sh, col, text);
	switch (c->type) {
	case RC_TEXT:
		xlsx_styled(sh->w, sh->row, x, c->s, XLSX_TOP);
		return;
	case RC_MONEY:
		xlsx_money(sh->w, sh->row, x, c->i, d->currency);
		return;
	case RC_COUNT:
		xlsx_count(sh->w, sh->row, x, c->i);
		return;
	case RC_RATIO:
	case RC_NUMBER:
		if (!isfinite(c->r))
			break;
		if (c->type == RC_RATIO)
			xlsx_ratio(sh->w, sh->row, x, c->r);
		else
			xlsx_decimal1(sh->w, sh->row, x, c->r);
		return;
	case RC_DATE:
		xlsx_date(sh->w, sh->row, x, (int32_t)c->i);
		return;
	default:
		break;
	}
	xlsx_styled(sh->w, sh->row, x, "—", XLSX_MISSING);
}

static void header_row(struct sheet *sh, const char *const *labels, const enum rcell_type *types,
		       size_t n)
{
	size_t c;
	for (c = 0; c < n; c++) {
		xlsx_styled(sh->w, sh->row, (uint16_t)c, labels[c],
			    render_is_figure(types[c]) ? XLSX_BAND_FIG : XLSX_BAND);
		widen(sh, c, labels[c]);
	}
	if (!sh->frozen) {
		xlsx_freeze_rows(sh->w, sh->row + 1);
		sh->frozen = 1;
	}
	sh->row++;
}

static void table(struct sheet *sh, const struct rdoc *d, const struct rtable *t)
{
	const char *labels[MAX_COLS];
	enum rcell_type types[MAX_COLS];
	size_t r, c, n = t->ncols < MAX_COLS ? t->ncols : MAX_COLS;

	if (t->title)
		xlsx_styled(sh->w, sh->row++, 0, t->title, XLSX_CAPTION);
	for (c = 0; c < n; c++) {
		labels[c] = t->cols[c].label;
		types[c] = t->cols[c].type;
	}
	header_row(sh, labels, types, n);
	for (r = 0; r < t->nrows; r++, sh->row++)
		for (c = 0; c < n; c++)
			cell(sh, d, c, &t->cells[r * t->ncols + c]);
	sh->row++;
}

/* A chart: its data as a table, and a native chart of the same kind drawn from it. */
static void chart(struct sheet *sh, const struct rdoc *d, const struct rchart *ch)
{
	const char *labels[MAX_COLS];
	enum rcell_type types[MAX_COLS];
	unsigned colours[MAX_COLS];
	size_t i, j, n = ch->nseries < MAX_COLS - 1 ? ch->nseries : MAX_COLS - 1;
	struct xlsx_chart xc = { 0 };

	if (ch->title)
		xlsx_styled(sh->w, sh->row++, 0, ch->title, XLSX_CAPTION);
	labels[0] = "";
	types[0] = RC_TEXT;
	for (i = 0; i < n; i++) {
		labels[i + 1] = ch->series[i].label;
		types[i + 1] = ch->unit;
		colours[i] = render_series_colour(i);
	}
	header_row(sh, labels, types, n + 1);
	xc.first = sh->row;
	for (j = 0; j < ch->ncat; j++, sh->row++) {
		struct rcell c = { RC_TEXT, 0, 0, ch->categories[j] };
		cell(sh, d, 0, &c);
		for (i = 0; i < n; i++) {
			double v = ch->series[i].values[j];
			struct rcell x = { isfinite(v) ? ch->unit : RC_NONE, 0, v, NULL };
			if (ch->unit == RC_MONEY || ch->unit == RC_COUNT)
				x.i = isfinite(v) ? llround(ch->unit == RC_MONEY ? v * 100 : v) : 0;
			cell(sh, d, i + 1, &x);
		}
	}
	sh->row++;
	if (!ch->ncat || !n)
		return;
	xc.lines = ch->kind != RCHART_BAR;
	xc.title = ch->title;
	xc.ncat = (uint32_t)ch->ncat;
	xc.at = sh->row;
	xc.nseries = (uint16_t)n;
	xc.names = labels + 1;
	xc.colours = colours;
	xc.num_format = ch->unit == RC_MONEY   ? NULL
			: ch->unit == RC_RATIO ? "0%"
			: ch->unit == RC_COUNT ? "#,##0"
					       : "0.0";
	xc.currency = d->currency;
	xlsx_chart(sh->w, &xc);
	sh->row += 16; /* the chart's 288 pixels, and a row */
}

/* A paragraph across the sheet's width, tall enough for its lines. */
static void paragraph(struct sheet *sh, const char *text, size_t span)
{
	size_t total = 0, c, w = render_text_width(text), lines = 1;
	const char *p;

	for (c = 0; c < span; c++)
		total += sh->width[c] > 10 ? sh->width[c] + 2 : 12;
	for (p = text; *p; p++)
		lines += *p == '\n';
	lines += w / (total ? total : 1);
	xlsx_merged(sh->w, sh->row, 0, (uint16_t)(span - 1), text, XLSX_PARA);
	xlsx_row_height(sh->w, sh->row, 15.0 * (double)(lines < 40 ? lines : 40));
	sh->row += 2;
}

/* The title, subtitle and interim note over a sheet, across span columns. */
static void heading(struct sheet *sh, const struct rdoc *d, const struct rsection *sec,
		    size_t span)
{
	xlsx_styled(sh->w, sh->row++, 0, d->title, XLSX_TITLE);
	if (d->subtitle)
		xlsx_styled(sh->w, sh->row++, 0, d->subtitle, XLSX_SUBTITLE);
	if (d->interim) {
		const char *note = d->interim_note ? d->interim_note : render_word(d, RW_INTERIM);
		xlsx_merged(sh->w, sh->row, 0, (uint16_t)(span - 1), note, XLSX_NOTE);
		xlsx_row_height(sh->w, sh->row, 30);
		sh->row++;
	}
	sh->row++;
	xlsx_styled(sh->w, sh->row++, 0, sec->title, XLSX_SECTION);
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

int render_xlsx(const struct rdoc *d, struct buf *out, struct err *err)
{
	char (*names)[128];
	struct xlsx_writer *w;
	size_t s, k, c;

	if (xlsx_writer_new(&w, 0, err))
		return -1;
	xlsx_report_style(w, d->title);
	names = xcalloc(d->nsections + 1, sizeof(*names));
	for (s = 0; s < d->nsections || (!s && !d->nsections); s++) {
		static const struct rsection none = { 0 };
		const struct rsection *sec = d->nsections ? &d->sections[s] : &none;
		struct sheet sh = { 0 };
		size_t span = section_span(sec);

		sheet_name(sec->title, s, names, names[s]);
		sh.w = w;
		xlsx_sheet(w, names[s]);
		heading(&sh, d, sec, span);
		/* the tables first set the widths the paragraphs wrap in */
		for (k = 0; k < sec->nblocks; k++) {
			const struct rblock *b = &sec->blocks[k];
			if (b->kind == RB_TABLE)
				table(&sh, d, b->table);
			else if (b->kind == RB_CHART)
				chart(&sh, d, b->chart);
			else if (b->text && *b->text)
				paragraph(&sh, b->text, span);
		}
		for (c = 0; c < span; c++) {
			double wd = (double)sh.width[c] + 2;
			xlsx_col_width(w, (uint16_t)c, (uint16_t)c, wd < 10 ? 10 : wd > 60 ? 60 : wd);
		}
	}
	free(names);
	return xlsx_writer_finish(w, out, err);
}
