/*
 * xlsx_read.h - a streaming reader of one worksheet of an .xlsx workbook
 * (Office Open XML, ECMA-376): the archive opened with libzip, the sheet's XML
 * fed to expat in chunks as it inflates (never the whole sheet in memory), the
 * shared strings read once. It yields the sheet's rows as the file states
 * them: row numbers and columns as written (rows and cells may be skipped),
 * each cell typed and as text. libzip and libexpat are loaded on first use
 * (report/dl.h): without them, ERR_UNAVAILABLE with reason xlsx_unavailable.
 */
#ifndef REPORT_XLSX_READ_H
#define REPORT_XLSX_READ_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What a cell holds, from its type attribute and its number format. */
enum xlsx_type {
	XLSX_STRING, /* a shared or inline string, or a formula's text result */
	XLSX_NUMBER, /* text: the stored number as plain decimal, "199" or "199.5" */
	XLSX_DATE,   /* text: "YYYY-MM-DD", a number under a date format (or an ISO date cell) */
	XLSX_BOOL,   /* text: "TRUE" or "FALSE" */
	XLSX_ERROR   /* text: the error value, "#DIV/0!" */
};

struct xlsx_cell {
	uint32_t col;       /* 0-based: A = 0, as its reference says (or the one after the last) */
	enum xlsx_type type;
	const char *text;   /* NUL-terminated UTF-8, valid until the next row */
	size_t len;
};

/* A row with at least one cell holding a value (empty cells are left out). */
struct xlsx_row {
	uint32_t row;       /* 1-based, as the file says */
	struct xlsx_cell *cells; /* in file order (by column) */
	size_t ncells;
};

struct xlsx_reader;

/*
 * Open the workbook held in data[0..len) (not copied: it must outlive the
 * reader) at the sheet named sheet, or its first sheet when sheet is NULL
 * or "". Errors: xlsx_unreadable (not a zip, not a workbook, bad XML: the
 * message says which part), xlsx_sheet_missing (params sheet, sheets: the
 * names it has), xlsx_too_large (its shared strings past the limit),
 * xlsx_unavailable.
 */
int xlsx_open_mem(const void *data, size_t len, const char *sheet, struct xlsx_reader **out,
		  struct err *err);

/* xlsx_open_mem() on a file. */
int xlsx_open_file(const char *path, const char *sheet, struct xlsx_reader **out,
		   struct err *err);

/*
 * The next row holding a value: 1 with *row set (valid until the next call),
 * 0 at the end of the sheet, -1 on an error (bad XML, a cell past the limits).
 */
int xlsx_next(struct xlsx_reader *r, const struct xlsx_row **row, struct err *err);

/* The name of the sheet being read. */
const char *xlsx_sheet_name(const struct xlsx_reader *r);

/* The sheet's uncompressed size in bytes, and how many were read so far. */
uint64_t xlsx_sheet_size(const struct xlsx_reader *r);
uint64_t xlsx_sheet_read(const struct xlsx_reader *r);

/* Close the reader (NULL is fine). */
void xlsx_close(struct xlsx_reader *r);

/*
 * An Excel date serial as a calendar day (days since 1970-01-01), the time of
 * day dropped. In the 1900 system (date1904 0) day 1 is 1900-01-01 and serial
 * 60 is Lotus's 1900-02-29, which never was: it gives *fake 1 (and the day
 * of 1900-02-28); from 61 on, days count from 1899-12-30. In the 1904 system
 * day 0 is 1904-01-01. -1 for a serial before the epoch or past 9999-12-31.
 */
int xlsx_serial_day(double serial, int date1904, int32_t *day, int *fake);

/* The serial of a calendar day in the 1900 system (for writing): 2025-01-01 -> 45658. */
double xlsx_day_serial(int32_t day);

/*
 * A number as the shortest decimal that reads back to the same double, in
 * plain notation ("199.5", "0.0001", "100000000000000000000", "-3"). out
 * holds at least XLSX_NUMBER_MAX bytes.
 */
#define XLSX_NUMBER_MAX 352
void xlsx_number_text(double v, char *out);

/* A column's letters from its 0-based index: 0 -> "A", 26 -> "AA" (out: 4 bytes). */
void xlsx_col_name(uint32_t col, char out[4]);

#endif
