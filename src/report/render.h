/*
 * render.h - a report document (doc.h) as a file a person opens: CSV for a
 * spreadsheet, a printable HTML page, an XLSX workbook or a PDF. JSON is the
 * caller's own (it writes the figures, not the document).
 */
#ifndef REPORT_RENDER_H
#define REPORT_RENDER_H

#include "base/buf.h"
#include "base/err.h"
#include "report/doc.h"

enum report_format { REPORT_JSON, REPORT_CSV, REPORT_HTML, REPORT_XLSX, REPORT_PDF };

/* "json", "csv", "html", "xlsx" or "pdf" into *out; else 422, reason report_format:format. */
int report_format_parse(const char *s, enum report_format *out, struct err *err);

/* The format's media type: "application/pdf" ...; csv "text/csv; charset=utf-8". */
const char *report_format_mime(enum report_format f);

/* The format's file name extension, without the dot: "pdf" ... */
const char *report_format_ext(enum report_format f);

/*
 * Render d as f (not REPORT_JSON: the caller writes its own JSON) into out.
 * XLSX and PDF load their libraries on first use: without them, 503 with
 * reason xlsx_unavailable / pdf_unavailable.
 */
int report_render(const struct rdoc *d, enum report_format f, struct buf *out, struct err *err);

#endif
