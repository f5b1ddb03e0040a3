/*
 * sale_xlsx.h - the sales import and export (core/sale.h, SPEC's format) as
 * .xlsx workbooks: a sheet's rows fed to the one import (sale_import_rows),
 * and the export written as a typed sheet named by the project's code.
 */
#ifndef REPORT_SALE_XLSX_H
#define REPORT_SALE_XLSX_H

#include "base/buf.h"
#include "core/sale.h"

/* Where the workbook is: in memory (data, len), or a file (path). */
struct sale_xlsx_source {
	const void *data;
	size_t len;
	const char *path;  /* read from the file when not NULL */
	const char *sheet; /* the sheet to read; NULL or "": the first */
};

/*
 * Import the sheet's rows as sale_import() does a CSV: the header row (the
 * first holding a value) names the columns; cells are taken as their type
 * says (a number as the decimal it is, a date cell as its day, text with the
 * neutralisation rule); problems name sheet, row and column. Errors of the
 * file: xlsx_unreadable, xlsx_sheet_missing, xlsx_empty, xlsx_unavailable.
 */
int sale_import_xlsx(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_xlsx_source *in, const struct sale_import_opts *opts,
		     struct sale_import_result *res, struct err *err);

/*
 * The project's sales (those matching f when not NULL) as a workbook in the
 * import format, appended to out (its cap gives ERR_TOO_LARGE, reason
 * export_too_large): one sheet named by the project's code, a bold frozen
 * header, dates as Excel dates, quantities as numbers, unit prices and
 * discounts as numbers in major units shown 0.00. Importing it gives the
 * same sales back.
 */
int sale_export_xlsx(struct store *st, const struct actor *a, const char *project_code,
		     const struct sale_filter *f, struct buf *out, struct err *err);

#endif
