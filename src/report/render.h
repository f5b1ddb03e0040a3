/*
 * render.h - a document (report/doc.h) drawn in a file format: CSV, HTML,
 * XLSX or PDF. JSON is not drawn from a document: a report writes its own.
 */
#ifndef REPORT_RENDER_H
#define REPORT_RENDER_H

#include "base/buf.h"
#include "base/err.h"
#include "report/doc.h"

enum report_format { REPORT_JSON, REPORT_CSV, REPORT_HTML, REPORT_XLSX, REPORT_PDF };

/* "json", "csv", "html", "xlsx", "pdf"; ERR_INVALID on field "format" otherwise. */
int report_format_parse(const char *s, enum report_format *out, struct err *err);
/* The format's media type ("application/pdf"). */
const char *report_format_mime(enum report_format f);
/* The file name's extension without the dot ("pdf"). */
const char *report_format_ext(enum report_format f);

/* Draw d in format f, appended to out. */
int report_render(const struct rdoc *d, enum report_format f, struct buf *out, struct err *err);

#endif
