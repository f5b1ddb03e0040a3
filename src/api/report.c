/*
 * report.c - a project's evaluation report (analytics/evaluation.h):
 * GET /api/v1/projects/{code}/report?format=&lang=&as_of= as JSON, or as a
 * file drawn from its document (report/evaluation_doc.h, report/render.h),
 * and GET .../report/compare?with=CODE2 for two projects side by side. Any
 * reader of the project (of both, for a comparison).
 */
#include <stdio.h>
#include <string.h>

#include "analytics/evaluation.h"
#include "api/api.h"
#include "base/date.h"
#include "report/evaluation_doc.h"
#include "report/render.h"
#include "base/banned.h"

/* The query's format (default json), language and as-of day. */
static int report_query(struct api_req *r, enum report_format *f, const char **lang,
			int32_t *as_of, struct err *err)
{
	const char *fs = api_query(r, "format"), *ls = api_query(r, "lang"),
		   *ds = api_query(r, "as_of");

	*f = REPORT_JSON;
	*as_of = NO_DATE;
	if (fs && *fs && report_format_parse(fs, f, err))
		return -1;
	if (ls && *ls && strcmp(ls, "zh-CN") && strcmp(ls, "en"))
		return err_set(err, ERR_INVALID, "lang", "bad_enum:value,_,_,allowed",
			       "\"%.15s\" is not a %s %s (%s)", ls, "report", "language", "zh-CN, en");
	*lang = evaluation_lang(ls && *ls ? ls : api_header(r, "Accept-Language"));
	if (ds && *ds && date_parse(ds, strlen(ds), as_of, "as_of", err))
		return -1;
	return 0;
}

/* The drawn file as the answer, with its type and name. */
static int answer_file(struct api_req *r, const struct rdoc *d, enum report_format f,
		       const char *name, struct err *err)
{
	char disp[300];

	if (report_render(d, f, &r->out, err))
		return -1;
	r->content_type_out = report_format_mime(f);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	api_header_out(r, "Content-Disposition", disp);
	return 0;
}

static int get_report(struct api_req *r, struct err *err)
{
	struct evaluation ev;
	struct rdoc d;
	enum report_format f;
	const char *lang = "zh-CN";
	int32_t as_of;
	char name[200];
	int rc;

	if (report_query(r, &f, &lang, &as_of, err) ||
	    evaluation_build(r->st, &r->actor, api_param(r, "code"), as_of, &ev, err))
		return -1;
	if (f == REPORT_JSON) {
		evaluation_write_json(&r->jw, &ev);
		evaluation_release(&ev);
		return 0;
	}
	evaluation_doc(&ev, lang, &d);
	evaluation_file_name(&ev, report_format_ext(f), name, sizeof(name));
	rc = answer_file(r, &d, f, name, err);
	rdoc_release(&d);
	evaluation_release(&ev);
	return rc;
}

static int get_compare(struct api_req *r, struct err *err)
{
	struct evaluation a, b;
	struct rdoc d;
	enum report_format f;
	const char *lang = "zh-CN", *with = api_query(r, "with");
	int32_t as_of;
	char name[200];
	int rc;

	if (report_query(r, &f, &lang, &as_of, err))
		return -1;
	if (!with || !*with)
		return err_set(err, ERR_INVALID, "with", "required:_", "%s is required", "with");
	if (evaluation_build(r->st, &r->actor, api_param(r, "code"), as_of, &a, err))
		return -1;
	if (evaluation_build(r->st, &r->actor, with, as_of, &b, err)) {
		evaluation_release(&a);
		if (err->code == ERR_NOT_FOUND)
			snprintf(err->field, sizeof(err->field), "%s", "with");
		return -1;
	}
	if (f == REPORT_JSON) {
		compare_write_json(&r->jw, &a, &b);
		rc = 0;
	} else {
		compare_doc(&a, &b, lang, &d);
		compare_file_name(&a, &b, report_format_ext(f), name, sizeof(name));
		rc = answer_file(r, &d, f, name, err);
		rdoc_release(&d);
	}
	evaluation_release(&a);
	evaluation_release(&b);
	return rc;
}

const struct api_route api_report_routes[] = {
	{ "GET", "/api/v1/projects/{code}/report", get_report, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/report/compare", get_compare, ROLE_VIEWER, 0 },
	{ NULL },
};
