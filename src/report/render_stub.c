/*
 * render_stub.c - TEMPORARY: the formats' names and types, and a renderer
 * that draws none yet (ERR_UNAVAILABLE), until the renderers (branch render)
 * come; dropped at that merge in favour of the real report/render.c.
 */
#include "report/render.h"

#include <string.h>

#include "base/banned.h"

static const char *const names[] = { "json", "csv", "html", "xlsx", "pdf", NULL };
static const char *const mimes[] = {
	"application/json; charset=utf-8",
	"text/csv; charset=utf-8",
	"text/html; charset=utf-8",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/pdf",
};

int report_format_parse(const char *s, enum report_format *out, struct err *err)
{
	for (int i = 0; s && names[i]; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "format", "bad_enum:value,_,_,allowed",
		       "\"%.15s\" is not a %s %s (%s)", s ? s : "", "report", "format",
		       "json, csv, html, xlsx, pdf");
}

const char *report_format_mime(enum report_format f)
{
	return mimes[f];
}

const char *report_format_ext(enum report_format f)
{
	return names[f];
}

int report_render(const struct rdoc *d, enum report_format f, struct buf *out, struct err *err)
{
	(void)d;
	(void)out;
	return err_set(err, ERR_UNAVAILABLE, "format", "format_unavailable:format",
		       "the %s renderer is not built in yet", names[f]);
}
