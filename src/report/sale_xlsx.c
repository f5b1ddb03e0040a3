/*
 * sale_xlsx.c - sales import and export as .xlsx (see sale_xlsx.h): a sheet
 * read row by row (xlsx_read) as the import's row source, and the export's
 * pages written row by row (xlsx_write, constant memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/sale_xlsx.h"
#include "base/csv.h"
#include "base/xalloc.h"
#include "report/xlsx_read.h"
#include "report/xlsx_write.h"
#include "base/banned.h"

/* --- import ------------------------------------------------------------------------ */

struct xlsx_rows {
	struct sale_rows base;
	const struct sale_xlsx_source *in;
	struct xlsx_reader *r;
	struct sale_cell *cells;
	size_t acells;
};

static enum sale_cell_type cell_type(enum xlsx_type t)
{
	switch (t) {
	case XLSX_NUMBER: return SALE_CELL_NUMBER;
	case XLSX_DATE: return SALE_CELL_DATE;
	case XLSX_ERROR: return SALE_CELL_ERROR;
	case XLSX_STRING:
	case XLSX_BOOL:
	default: return SALE_CELL_TEXT;
	}
}

/*
 * The next row of the sheet, its cells laid out by column (the cells the
 * file leaves out are empty). The workbook is opened on the first call:
 * after the import checked the caller may write.
 */
static int xlsx_rows_next(struct sale_rows *src, struct err *err)
{
	struct xlsx_rows *x = (struct xlsx_rows *)src;
	const struct xlsx_row *row;
	size_t n;
	int rc;

	if (!x->r) {
		rc = x->in->path ? xlsx_open_file(x->in->path, x->in->sheet, &x->r, err)
				 : xlsx_open_mem(x->in->data, x->in->len, x->in->sheet, &x->r, err);
		if (rc)
			return -1;
		src->sheet = xlsx_sheet_name(x->r);
		src->total = xlsx_sheet_size(x->r);
		/* a row holding a value takes more than 11 bytes of XML: <row><c>...</c></row> */
		src->bound = (int64_t)(src->total / 11) + 1;
	}
	rc = xlsx_next(x->r, &row, err);
	src->done = xlsx_sheet_read(x->r);
	if (rc <= 0)
		return rc;
	src->row = (long)row->row;
	n = row->ncells ? (size_t)row->cells[row->ncells - 1].col + 1 : 0;
	for (size_t i = 0; i < row->ncells; i++)
		if ((size_t)row->cells[i].col + 1 > n)
			n = (size_t)row->cells[i].col + 1;
	ALLOC_GROW(x->cells, n, x->acells);
	for (size_t i = 0; i < n; i++) {
		x->cells[i].s = "";
		x->cells[i].len = 0;
		x->cells[i].type = SALE_CELL_TEXT;
	}
	for (size_t i = 0; i < row->ncells; i++) {
		struct sale_cell *c = &x->cells[row->cells[i].col];
		c->s = row->cells[i].text;
		c->len = row->cells[i].len;
		c->type = cell_type(row->cells[i].type);
	}
	src->cells = x->cells;
	src->ncells = n;
	return 1;
}

int sale_import_xlsx(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_xlsx_source *in, const struct sale_import_opts *opts,
		     struct sale_import_result *res, struct err *err)
{
	struct xlsx_rows x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.base.next = xlsx_rows_next;
	x.base.sparse = 1;
	x.base.encoding = "UTF-8";
	x.in = in;
	rc = sale_import_rows(st, a, project_code, &x.base, opts, res, err);
	xlsx_close(x.r);
	free(x.cells);
	return rc;
}

/* --- export -------------------------------------------------------------------------- */

/* Excel's last row is 1,048,576: the header and this many sales. */
#define XLSX_MAX_SALES 1048575

/* The widths of the import format's columns (SALE_CSV_HEADER's, in its order). */
static const double widths[] = { 12, 28, 14, 12, 12, 10, 12, 10, 12, 12 };

struct export_ctx {
	struct xlsx_writer *w;
	uint32_t row;
	int64_t n;
};

/*
 * A text cell. A string cell is never run as a formula (a cell is a formula
 * only with an <f> element), so "=SUM(A1)" is written as it is, not
 * neutralised as the CSV must. Only text the import would change is marked:
 * one that starts with ' before = + - @ tab CR or ' (the import takes that '
 * off) gets one more ', so an export imports back exactly.
 */
static void text_cell(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *t)
{
	size_t len = strlen(t);
	if (csv_unneutralise(t, &len) != t) {
		struct buf b = BUF_INIT;
		buf_addch(&b, '\'');
		buf_adds(&b, t);
		xlsx_text(w, row, col, buf_cstr(&b));
		buf_release(&b);
		return;
	}
	xlsx_text(w, row, col, t);
}

static void export_row(void *ctx, const struct sale_export_row *r)
{
	struct export_ctx *c = ctx;
	uint32_t row = ++c->row;

	if (++c->n > XLSX_MAX_SALES)
		return;
	xlsx_date(c->w, row, 0, r->sold_on);
	text_cell(c->w, row, 1, r->customer);
	text_cell(c->w, row, 2, r->product);
	text_cell(c->w, row, 3, r->channel);
	text_cell(c->w, row, 4, r->rep);
	xlsx_number(c->w, row, 5, (double)r->quantity);
	xlsx_decimal2(c->w, row, 6, r->unit_price_minor);
	xlsx_decimal2(c->w, row, 7, r->discount_minor);
	text_cell(c->w, row, 8, r->promotion);
	text_cell(c->w, row, 9, r->segment);
}

int sale_export_xlsx(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_filter *f, struct buf *out, struct err *err)
{
	struct sale_export *x = NULL;
	struct export_ctx c = { 0 };
	int rc;

	if (sale_export_open(st, a, project_code, f, &x, err))
		return -1;
	if (xlsx_writer_new(&c.w, 1, err)) {
		sale_export_close(x);
		return -1;
	}
	xlsx_sheet(c.w, project_code);
	/* the header is the CSV's, column for column */
	{
		const char *h = SALE_CSV_HEADER;
		for (uint16_t i = 0; *h; i++) {
			size_t n = strcspn(h, ",");
			char name[32];
			snprintf(name, sizeof(name), "%.*s", (int)n, h);
			xlsx_col_width(c.w, i, i, i < sizeof(widths) / sizeof(widths[0]) ? widths[i] : 12);
			xlsx_header(c.w, 0, i, name);
			h += n + (h[n] == ',');
		}
	}
	xlsx_freeze_header(c.w);
	while ((rc = sale_export_next_rows(x, export_row, &c, err)) > 0 && c.n <= XLSX_MAX_SALES)
		;
	sale_export_close(x);
	if (rc >= 0 && c.n > XLSX_MAX_SALES)
		rc = err_set(err, ERR_TOO_LARGE, NULL, "xlsx_too_many_rows:max",
			     "a sheet holds at most %d sales; export fewer (a date range) or as CSV",
			     XLSX_MAX_SALES);
	if (rc < 0) {
		xlsx_writer_free(c.w);
		return -1;
	}
	return xlsx_writer_finish(c.w, out, err);
}
