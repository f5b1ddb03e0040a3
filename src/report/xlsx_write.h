/*
 * xlsx_write.h - write an .xlsx workbook into memory: a small, generic layer
 * over libxlsxwriter (loaded on first use, report/dl.h) for the sales export
 * and the evaluation report (report/render_xlsx.c): the one file that calls
 * libxlsxwriter. Cells are typed as a spreadsheet user expects:
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

/* Keep the rows above row n in view while scrolling. */
void xlsx_freeze_rows(struct xlsx_writer *w, uint32_t n);

/* Keep row 0 in view while scrolling (the header): xlsx_freeze_rows(w, 1). */
void xlsx_freeze_header(struct xlsx_writer *w);

/*
 * A report's workbook: the document's title and "salespm" as its properties,
 * money under the currency's plain symbol ("$"#,##0.00 for USD too, as the
 * report prints it), and every sheet added after this call printed on A4,
 * one page wide.
 */
void xlsx_report_style(struct xlsx_writer *w, const char *title);

/* How a text cell looks (each made once per workbook, on first use). */
enum xlsx_style {
	XLSX_PLAIN,    /* Excel's default */
	XLSX_HEADER,   /* an export's header: bold, a border below */
	XLSX_TITLE,    /* a document's title: bold, 16 points, dark blue */
	XLSX_SUBTITLE, /* grey */
	XLSX_NOTE,     /* a warning band: bold brown on amber, wrapped, at the top */
	XLSX_SECTION,  /* a section's title: bold, 13 points, dark blue */
	XLSX_CAPTION,  /* a table's title: bold */
	XLSX_BAND,     /* a report table's header: bold white on dark blue, wrapped, at the bottom */
	XLSX_BAND_FIG, /* the same over a column of figures: right-aligned */
	XLSX_TOP,      /* text at the top of its cell */
	XLSX_PARA,     /* a paragraph: wrapped, at the top */
	XLSX_MISSING,  /* a missing figure's dash: grey, centred */
	XLSX_NSTYLES
};

/* A text cell in a style; unlike xlsx_text(), an empty text still writes the (styled) cell. */
void xlsx_styled(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text,
		 enum xlsx_style style);

/* A header cell: xlsx_styled(..., XLSX_HEADER). */
void xlsx_header(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text);

/* One text across columns col..last of a row, merged into one cell. */
void xlsx_merged(struct xlsx_writer *w, uint32_t row, uint16_t col, uint16_t last,
		 const char *text, enum xlsx_style style);

/* A row's height in points (Excel's default is 15). */
void xlsx_row_height(struct xlsx_writer *w, uint32_t row, double points);

/* A text cell (a typed string: a spreadsheet never runs it as a formula). */
void xlsx_text(struct xlsx_writer *w, uint32_t row, uint16_t col, const char *text);

/* A number in the General format. */
void xlsx_number(struct xlsx_writer *w, uint32_t row, uint16_t col, double v);

/* A number shown with one decimal, 4.2. */
void xlsx_decimal1(struct xlsx_writer *w, uint32_t row, uint16_t col, double v);

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
 * A native chart of a block of the current sheet: the categories in column 0
 * and each series' values in the columns after it, rows first to
 * first + ncat - 1; drawn from row at, column 0, 1.25 times Excel's default
 * width (480 x 288 pixels: 16 rows).
 */
struct xlsx_chart {
	int lines;                /* 1: a line chart; 0: columns */
	const char *title;        /* or NULL */
	uint32_t first, ncat, at;
	uint16_t nseries;
	const char *const *names; /* each series' (NULL: none) */
	const unsigned *colours;  /* each series' colour, 0xRRGGBB */
	const char *num_format;   /* the value axis's; NULL: money in currency */
	const char *currency;
};
void xlsx_chart(struct xlsx_writer *w, const struct xlsx_chart *c);

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
