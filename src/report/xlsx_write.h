/*
 * xlsx_write.h - write an .xlsx workbook into memory: a small, generic layer
 * over libxlsxwriter (loaded on first use, report/dl.h) for the sales export
 * and the evaluation report. Cells are typed as a spreadsheet user expects:
 * text as strings, money as numbers in major units under the currency's
 * format ("¥"#,##0.00), counts as integers, ratios as percents with one
 * decimal, dates as real Excel dates (serial numbers shown yyyy-mm-dd).
 *
 *     struct xlsx_writer *w;
 *     if (xlsx_writer_new(&w, 1, err)) return -1;
 *     xlsx_sheet(w, "FY26Q1");
 *     xlsx_header(w, 0, 0, "date"); ... xlsx_freeze_header(w);
 *     xlsx_date(w, 1, 0, day); xlsx_money(w, 1, 1, 19900, "CNY"); ...
 *     rc = xlsx_writer_finish(w, &out, err);   (frees w)
 *
 * Rows and columns are 0-based. A failed write (a text longer than Excel's
 * 32,767 characters ...) is sticky: later writes do nothing and
 * xlsx_writer_finish() reports the first failure.
 */
#ifndef REPORT_XLSX_WRITE_H
#define REPORT_XLSX_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct xlsx_writer;

/*
 * A new workbook. row_order 1: every sheet is written row after row (the
 * columns of a row in any order), and only the current row is held in
 * memory (libxlsxwriter's constant memory mode: strings written inline), for
 * a big export; 0: cells in any order, all held until the end. Fails with
 * ERR_UNAVAILABLE, reason xlsx_unavailable, without libxlsxwriter.
 */
int xlsx_writer_new(struct xlsx_writer **out, int row_order, struct err *err);

/*
 * Add a sheet and make it the current one. The name is made acceptable to
 * Excel: at most 31 characters, none of []:*?/\ (replaced by '_'), and a
 * name already used gets " (2)" ...
 */
void xlsx_sheet(struct xlsx_writer *w, const char *name);

/* A column's width in characters (as Excel counts them), from col to last. */
void xlsx_col_width(struct xlsx_writer *w, uint16_t col, uint16_t last, double width);

/* Keep row 0 in view while scrolling (the header). */
void xlsx_freeze_header(struct xlsx_writer *w);

/* A header cell: bold text, a border below. */
void xlsx_header(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text);

/* A text cell (a typed string: a spreadsheet never runs it as a formula). */
void xlsx_text(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text);

/* A number in the General format. */
void xlsx_number(struct xlsx_writer *w, uint32_t row, uint16_t col, double v);

/* An integer count, shown #,##0. */
void xlsx_count(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t n);

/*
 * Money given in minor units, written in major units (199.50) under the
 * currency's format: "¥"#,##0.00 for CNY, [$$-409]#,##0.00 for USD, the
 * symbol for the others doc.h knows, else #,##0.00 "CODE".
 */
void xlsx_money(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t minor,
		const char *currency);

/* A decimal given in hundredths, written as the number shown 0.00 (no symbol: data, not a report). */
void xlsx_decimal2(struct xlsx_writer *w, uint32_t row, uint16_t col, int64_t hundredths);

/* A ratio, 0.125 shown 12.5%. */
void xlsx_ratio(struct xlsx_writer *w, uint32_t row, uint16_t col, double r);

/* A calendar day (days since 1970-01-01) as an Excel date shown yyyy-mm-dd. */
void xlsx_date(struct xlsx_writer *w, uint32_t row, uint16_t col, int32_t day);

/*
 * Close the workbook and append its bytes to out (which may be capped: past
 * its cap, ERR_TOO_LARGE, reason export_too_large). Frees w in every case.
 */
int xlsx_writer_finish(struct xlsx_writer *w, struct buf *out, struct err *err);

/* Drop a workbook without writing it (NULL is fine). */
void xlsx_writer_free(struct xlsx_writer *w);

/* The mime type of an .xlsx file. */
#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#endif
