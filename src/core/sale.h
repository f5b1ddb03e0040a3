/*
 * sale.h - sales records, the source of truth for revenue: one line of a
 * customer buying a quantity of a product through a channel from a rep, at a
 * unit price less a discount. The unit cost comes from the product's price
 * history on the sale's date. Bulk import and export use SPEC.md's CSV format.
 *
 * Who may write: project owners and managers (and admins) any line; project
 * members only lines where they are the rep; viewers nothing.
 */
#ifndef CORE_SALE_H
#define CORE_SALE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/jw.h"
#include "core/core.h"

struct tx;

struct sale {
	int64_t id, project_id;
	int32_t sold_on;
	int64_t customer_id, product_id, channel_id, rep_id, promotion_id, segment_id;
	char customer[200];
	char product[64];   /* SKU */
	char channel[64];   /* code */
	char rep[64];       /* login */
	char promotion[64]; /* code or "" */
	char segment[64];   /* code or "" */
	int64_t quantity, unit_price_minor, discount_minor, amount_minor, cost_minor;
	int64_t version, created_by, created_at;
};

/* Sums of sale lines. */
struct sale_totals {
	int64_t lines, quantity, amount, cost;
};

struct sale_list {
	struct sale *items;
	size_t n, alloc;
	int64_t total; /* rows matching the filter, ignoring limit/offset */
	struct sale_totals totals; /* over every row matching the filter, not just the page */
};

/*
 * What a new sale names, as text (as in a CSV row) plus numbers. A unit price
 * of SALE_PRICE_IN_FORCE is the product's list price in force on the sale's
 * date (its price history: the entry of the latest date on or before it).
 */
#define SALE_PRICE_IN_FORCE INT64_MIN
struct sale_input {
	int32_t sold_on;
	const char *customer, *product, *channel, *rep, *promotion, *segment;
	int64_t quantity, unit_price_minor, discount_minor;
};

enum sale_sort { SALE_SORT_DATE, SALE_SORT_AMOUNT, SALE_SORT_QUANTITY, SALE_SORT_CUSTOMER,
		 SALE_SORT_ID, SALE__SORT_COUNT };

struct sale_filter {
	int32_t from, to; /* inclusive; NO_DATE = open */
	const char *channel, *product, *rep, *segment; /* codes / login; NULL = any */
	const char *customer; /* part of the customer's name (literal, A-Z in any case); NULL = any */
	enum sale_sort sort;
	int desc;
	int64_t limit, offset; /* limit 0 = all */
};

/* Parse a sort key name ("date", "amount", "quantity", "customer", "id"). */
int sale_sort_parse(const char *s, enum sale_sort *out, struct err *err);

/* Record one sale (a new customer name creates the customer). */
int sale_add(struct store *st, const struct actor *a, const char *project_code,
	     const struct sale_input *in, struct sale *out, struct err *err);
/* sale_add, and the new sale as JSON (as sale_write_json writes it) appended to json. */
int sale_add_json(struct store *st, const struct actor *a, const char *project_code,
		  const struct sale_input *in, struct sale *out, struct buf *json, struct err *err);

/* One sale by id within the project. */
int sale_get(struct store *st, const struct actor *a, const char *project_code, int64_t id,
	     struct sale *out, struct err *err);

/* Sales of a project matching f, with the totals of every matching row. */
int sale_list(struct store *st, const struct actor *a, const char *project_code,
	      const struct sale_filter *f, struct sale_list *out, struct err *err);
void sale_list_release(struct sale_list *l);

/* Replace a sale's fields at version (in->... as for sale_add). */
int sale_update(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, const struct sale_input *in, struct sale *out, struct err *err);

/* Delete a sale at version. */
int sale_delete(struct store *st, const struct actor *a, const char *project_code, int64_t id,
		int64_t version, struct err *err);

void sale_write_json(struct jw *w, const struct sale *s);

/*
 * Totals as {"lines","quantity","amount","cost","gross_profit","margin"}: money
 * in minor units; margin = (amount - cost) / amount by the ratio rule
 * (ratio_bp, four decimals), null without revenue.
 */
void sale_totals_write_json(struct jw *w, const struct sale_totals *t);

/*
 * The LIKE pattern (ESCAPE '!'; lower-cased, so match it against LOWER(name))
 * that finds text literally inside a name, A-Z in any case.
 */
void sale_like_pattern(const char *text, char *out, size_t size);

struct price_point;

/*
 * Inside tx: re-cost every sale of product_id by the cost rule over its price
 * history pts (price_point_on), moving the rollups by each difference: the
 * sales a dated change reaches move, no other. A line cost past MONEY_LINE_MAX
 * refuses the change (reason amount_limit, field cost). A closed project's sales
 * keep their cost (its figures are frozen).
 */
int sale_recost(struct tx *tx, int64_t product_id, const struct price_point *pts, size_t n,
		struct err *err);

/*
 * Inside tx: re-cost project_id's sales by their products' price histories
 * (a reopened project, whose sales kept their cost while it was closed);
 * margin[0] and margin[1] get its sales' margin (revenue less cost, minor
 * units) before and after, for the reopen's adjustment to show.
 */
int sale_recost_project(struct tx *tx, int64_t project_id, int64_t margin[2], struct err *err);

/* --- CSV import / export ---------------------------------------------------- */

/* One problem of one line (a bad line may have several, one per cell). */
struct sale_import_error {
	long line;         /* the CSV line, or the sheet's row number */
	char sheet[128];   /* the sheet's name ("" for a CSV) */
	char column[24];
	char message[400]; /* "line 5, column unit_price: \"12,5\" is not a decimal",
			      "sheet 销售, row 12, column unit_price: ..." */
	char reason[40];   /* the stable code, as struct err's */
	char params[256];  /* its parameters, a JSON object */
};

struct sale_import_result {
	int64_t imported;      /* rows written (0 on failure or dry run) */
	int64_t rows;          /* data rows read */
	int64_t new_customers; /* customers the import creates */
	struct sale_import_error *errors; /* every problem of every bad row, at most max_errors kept */
	size_t nerrors, alloc;
	int64_t errors_total;  /* every bad row counted (once), kept or not */
	const char *encoding;  /* what the file was read as: "UTF-8" or "GB18030" */
};

struct sale_import_opts {
	int dry_run;       /* validate and report, write nothing */
	int gb18030;       /* the sender declared GB18030 (or GBK): read it so, not by detection */
	size_t max_errors; /* rows listed in errors (all are counted); 0 = every bad row */
	/* Called now and then with the phase ("checking", "writing") and progress. */
	void (*progress)(void *ctx, const char *phase, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/*
 * Import CSV text (modified in place while parsing) into the project: all or
 * nothing. When any row is bad, nothing is written, every bad row is in
 * res->errors (line, column, message) and the call fails with ERR_INVALID.
 * The whole import is one transaction with one audit row.
 *
 * The text is UTF-8 (a byte order mark skipped) or, when it is not valid
 * UTF-8, GB18030 (res->encoding says which; neither: csv_encoding_unknown).
 * Columns are separated by commas, or by semicolons or tabs when the header
 * line is (csv_delimiter when it seems separated by anything else). Rows whose
 * every cell is empty are skipped; a header without rows imports nothing and
 * succeeds. Every date lies within the project's dates (outside_project).
 */
int sale_import(struct store *st, const struct actor *a, const char *project_code, char *csv,
		size_t len, const struct sale_import_opts *opts, struct sale_import_result *res,
		struct err *err);
void sale_import_result_release(struct sale_import_result *res);

/*
 * Rows to import from any format: the CSV reader's records, or a
 * worksheet's rows (report/sale_xlsx.c). next() reads the next row into
 * cells: 1 a row, 0 the end, -1 on an error that ends reading (err; the
 * import reports it on row). The first row is the header. Cells are
 * NUL-terminated, valid until the next call; a text cell keeps the CSV
 * neutralisation rule (one leading ' removed before = + - @ tab CR ').
 */
enum sale_cell_type {
	SALE_CELL_TEXT,   /* text as typed (every CSV cell) */
	SALE_CELL_NUMBER, /* a number as plain decimal text: "199.5" */
	SALE_CELL_DATE,   /* a date cell: "YYYY-MM-DD" */
	SALE_CELL_ERROR   /* a spreadsheet error value: "#N/A" */
};

struct sale_cell {
	const char *s;
	size_t len;
	enum sale_cell_type type;
};

struct sale_rows {
	int (*next)(struct sale_rows *src, struct err *err);
	const struct sale_cell *cells; /* the row's cells by column; an empty one has len 0 */
	size_t ncells;
	long row;          /* the row's line (CSV) or number (sheet) */
	const char *sheet; /* NULL: a CSV, problems say "line N"; else "sheet S, row N" */
	int sparse;        /* a sheet: rows as long as their last value, columns without a
			      header ignored when empty (a CSV row has the header's count) */
	uint64_t done, total; /* progress: bytes read of total */
	int64_t bound;     /* at least as many as the data rows (ids are reserved for them) */
	const char *encoding; /* what the text was read as, for the result ("UTF-8") */
};

/*
 * Import the rows of src into the project, with sale_import()'s rules: all or
 * nothing, every problem of every bad row, one transaction.
 */
int sale_import_rows(struct store *st, const struct actor *a, const char *project_code,
		     struct sale_rows *src, const struct sale_import_opts *opts,
		     struct sale_import_result *res, struct err *err);

/*
 * The members a failed import adds to its error object, the same for every
 * face: "rows" (each problem: line, column, message, reason, params, and
 * for a sheet "sheet" and "row" (= line)),
 * "bad_rows" (every bad row counted, listed or not) and "encoding".
 */
void sale_import_errors_write_json(struct jw *w, const struct sale_import_result *res);

/*
 * Write the project's sales (all, or those matching f when not NULL) as CSV in
 * the import format to out; text cells a spreadsheet would run as formulas are
 * neutralised. The whole file in memory: for a small export (the CLI's, a
 * test's); a server streams it with the cursor below.
 */
int sale_export(struct store *st, const struct actor *a, const char *project_code,
		const struct sale_filter *f, struct buf *out, struct err *err);

/*
 * The export as a cursor: open checks the caller and the filter and opens a
 * read transaction on st (one snapshot for the whole file; st is the
 * cursor's until close); each next appends the header (first) and the next
 * page of rows to out and returns 1 while more may follow, 0 at the end, -1
 * on failure. Memory holds one page whatever the project's size.
 */
struct sale_export;
int sale_export_open(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_filter *f, struct sale_export **out, struct err *err);
int sale_export_next(struct sale_export *x, struct buf *out, struct err *err);
void sale_export_close(struct sale_export *x);

/* One exported sale in the import format's columns (texts valid during the call). */
struct sale_export_row {
	int32_t sold_on;
	const char *customer, *product, *channel, *rep, *promotion, *segment; /* "" when none */
	int64_t quantity, unit_price_minor, discount_minor;
};

/*
 * As sale_export_next(), the next page given row by row to fn instead of as
 * CSV (no header): for the other formats (report/sale_xlsx.c).
 */
int sale_export_next_rows(struct sale_export *x,
			  void (*fn)(void *ctx, const struct sale_export_row *r), void *ctx,
			  struct err *err);

/*
 * `db check` of the sales: every sale's amount (quantity x unit price -
 * discount) and cost (the cost rule over its product's price history) and its
 * numbers within their limits, and every sale_rollup row against sums
 * recomputed from the sales. Findings go to report (at most max_lines of each
 * kind); returns how many there are, -1 on error.
 */
int sale_check(struct store *st, struct buf *report, int max_lines, struct err *err);

/* The CSV header sale_export() writes. */
extern const char SALE_CSV_HEADER[];

#endif
