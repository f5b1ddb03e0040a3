/*
 * render_csv.c - a report as CSV for a spreadsheet: UTF-8 with a byte order
 * mark (Excel on Chinese Windows reads it as UTF-8 then), RFC 4180 quoting,
 * text cells neutralised as the sales export does (base/csv.c).
 *
 * Layout: the title (the subtitle and the interim note under it), then each
 * section one after another: a line with its title, then each block - a table
 * as its title (when it has one), its header of labels and its rows; a chart
 * as its data (title; categories down, one column per series); a paragraph as
 * one field - with a blank line between blocks and before each section.
 *
 * Figures are numbers a spreadsheet computes with, without symbol or grouping:
 * money in decimal major units ("1234.50"; the header says the currency:
 * "收入 (CNY)"), counts as integers, ratios as fractions ("0.125" for 12.5%;
 * the header says "（比率）" / " (ratio)"), dates "2026-03-01", numbers with
 * up to two decimals. A figure that does not apply is an empty field.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/money.h"
#include "report/render_impl.h"
#include "base/banned.h"

static void field(struct buf *b, const char *s, int first)
{
	if (!first)
		buf_addch(b, ',');
	csv_write_field(b, s ? s : "", s ? strlen(s) : 0, 1);
}

/* v with at most dec decimals, trailing zeros dropped ("0.125", "3"). */
static void trimmed(char *out, size_t size, double v, int dec)
{
	size_t n;
	snprintf(out, size, "%.*f", dec, v + 0.0);
	if (!strchr(out, '.'))
		return;
	n = strlen(out);
	while (n && out[n - 1] == '0')
		out[--n] = '\0';
	if (n && out[n - 1] == '.')
		out[--n] = '\0';
	if (!strcmp(out, "-0"))
		snprintf(out, size, "0");
}

/* A figure as a spreadsheet reads it (numbers never start a formula: no neutralising). */
static void figure(struct buf *b, enum rcell_type type, int64_t i, double r, int first)
{
	char tmp[64] = "";

	if (!first)
		buf_addch(b, ',');
	switch (type) {
	case RC_MONEY:
		money_format(i, tmp);
		break;
	case RC_COUNT:
		snprintf(tmp, sizeof(tmp), "%lld", (long long)i);
		break;
	case RC_RATIO:
		if (isfinite(r))
			trimmed(tmp, sizeof(tmp), r, 4);
		break;
	case RC_NUMBER:
		if (isfinite(r))
			trimmed(tmp, sizeof(tmp), r, 2);
		break;
	case RC_DATE:
		date_format((int32_t)i, tmp);
		break;
	default:
		break;
	}
	buf_adds(b, tmp);
}

/* A column's header: its label, with the unit a bare number does not show. */
static void header(struct buf *b, const struct rdoc *d, const char *label, enum rcell_type type,
		   int first)
{
	char tmp[512];
	if (type == RC_MONEY)
		snprintf(tmp, sizeof(tmp), "%s (%s)", label ? label : "", d->currency);
	else if (type == RC_RATIO)
		snprintf(tmp, sizeof(tmp), "%s%s", label ? label : "", render_word(d, RW_RATIO));
	else
		snprintf(tmp, sizeof(tmp), "%s", label ? label : "");
	field(b, tmp, first);
}

static void table(struct buf *b, const struct rdoc *d, const struct rtable *t)
{
	size_t r, c;

	if (t->title) {
		field(b, t->title, 1);
		buf_adds(b, "\r\n");
	}
	for (c = 0; c < t->ncols; c++)
		header(b, d, t->cols[c].label, t->cols[c].type, c == 0);
	buf_adds(b, "\r\n");
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const struct rcell *x = &t->cells[r * t->ncols + c];
			if (x->type == RC_TEXT)
				field(b, x->s, c == 0);
			else
				figure(b, x->type, x->i, x->r, c == 0);
		}
		buf_adds(b, "\r\n");
	}
}

static void chart(struct buf *b, const struct rdoc *d, const struct rchart *ch)
{
	size_t i, j;

	if (ch->title) {
		field(b, ch->title, 1);
		buf_adds(b, "\r\n");
	}
	field(b, "", 1);
	for (i = 0; i < ch->nseries; i++)
		header(b, d, ch->series[i].label, ch->unit, 0);
	buf_adds(b, "\r\n");
	for (j = 0; j < ch->ncat; j++) {
		field(b, ch->categories[j], 1);
		for (i = 0; i < ch->nseries; i++) {
			double v = ch->series[i].values[j];
			if (!isfinite(v))
				figure(b, RC_NONE, 0, 0, 0);
			else if (ch->unit == RC_MONEY)
				figure(b, RC_MONEY, llround(v * 100.0), 0, 0);
			else if (ch->unit == RC_COUNT)
				figure(b, RC_COUNT, llround(v), 0, 0);
			else
				figure(b, ch->unit, 0, v, 0);
		}
		buf_adds(b, "\r\n");
	}
}

int render_csv(const struct rdoc *d, struct buf *out, struct err *err)
{
	size_t s, k;

	buf_adds(out, "\xEF\xBB\xBF");
	field(out, d->title ? d->title : "", 1);
	buf_adds(out, "\r\n");
	if (d->subtitle) {
		field(out, d->subtitle, 1);
		buf_adds(out, "\r\n");
	}
	if (d->interim) {
		field(out, d->interim_note ? d->interim_note : render_word(d, RW_INTERIM), 1);
		buf_adds(out, "\r\n");
	}
	for (s = 0; s < d->nsections; s++) {
		const struct rsection *sec = &d->sections[s];
		buf_adds(out, "\r\n");
		field(out, sec->title ? sec->title : "", 1);
		buf_adds(out, "\r\n");
		for (k = 0; k < sec->nblocks; k++) {
			const struct rblock *bl = &sec->blocks[k];
			if (k)
				buf_adds(out, "\r\n");
			if (bl->kind == RB_TABLE)
				table(out, d, bl->table);
			else if (bl->kind == RB_CHART)
				chart(out, d, bl->chart);
			else {
				field(out, bl->text ? bl->text : "", 1);
				buf_adds(out, "\r\n");
			}
		}
	}
	if (out->overflow)
		return err_set(err, ERR_TOO_LARGE, NULL, "too_large", "the report is too large");
	return 0;
}
