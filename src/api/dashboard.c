/*
 * dashboard.c - /api/v1/projects/{code}/dashboard: the monitoring view of
 * SPEC step 5 (totals, goals with progress and lint, breakdowns, weeks) from
 * the rollups, as of today or ?as_of=YYYY-MM-DD. Computed once per data
 * version and kept (api/cache.h); a request answered from what is kept asks
 * the database nothing.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/dashboard.h"
#include "api/api.h"
#include "api/cache.h"
#include "core/project.h"
#include "base/date.h"
#include "base/banned.h"

/*
 * Who may read which project, as found at a data version, per thread: the
 * project's own code for the caller's (user, role) and the code they asked
 * for. A write of any kind moves the version, and the question goes to the
 * database again.
 */
#define SEEN_SLOTS 8

static _Thread_local struct seen {
	int64_t version, user_id;
	enum role role;
	char asked[64];
	char code[64];
} seen[SEEN_SLOTS];
static _Thread_local unsigned seen_next;

/* The code of the project r's caller asks for as code, when they may read it. */
static int readable_project(struct api_req *r, const char *code, int64_t version,
			    char out[64], struct err *err)
{
	struct project p;
	struct seen *s;

	if (strlen(code) >= sizeof(seen[0].asked))
		code = ""; /* no project has so long a code: asked of the database below */
	for (int i = 0; i < SEEN_SLOTS && *code; i++) {
		s = &seen[i];
		if (s->version == version && s->user_id == r->actor.user_id &&
		    s->role == r->actor.role && s->code[0] && !strcmp(s->asked, code)) {
			memcpy(out, s->code, sizeof(s->code));
			return 0;
		}
	}
	if (project_get(r->st, &r->actor, api_param(r, "code"), &p, err))
		return -1;
	snprintf(out, 64, "%s", p.code);
	if (*code) {
		s = &seen[seen_next++ % SEEN_SLOTS];
		s->version = version;
		s->user_id = r->actor.user_id;
		s->role = r->actor.role;
		snprintf(s->asked, sizeof(s->asked), "%s", code);
		snprintf(s->code, sizeof(s->code), "%s", p.code);
	}
	return 0;
}

static int get_dashboard(struct api_req *r, struct err *err)
{
	struct dashboard d;
	const char *as_of = api_query(r, "as_of");
	int32_t today = date_today();
	/* read before anything else: what is read after it is current at it */
	int64_t version = store_data_version(r->st);
	char key[160], code[64];

	if (as_of && date_parse(as_of, strlen(as_of), &today, "as_of", err))
		return -1;
	/* who may see it is checked first; the answer is the same for all of them */
	if (readable_project(r, api_param(r, "code"), version, code, err))
		return -1;
	snprintf(key, sizeof(key), "dashboard/%s/%d", code, (int)today);
	if ((r->cached = api_cache_find(key, version)))
		return 0;
	if (dashboard_build(r->st, &r->actor, code, today, &d, err))
		return -1;
	dashboard_write_json(&r->jw, &d);
	dashboard_release(&d);
	r->cached = api_cache_keep(key, version, r->out.p, r->out.len);
	return 0;
}

const struct api_route api_dashboard_routes[] = {
	{ "GET", "/api/v1/projects/{code}/dashboard", get_dashboard, ROLE_VIEWER, 0 },
	{ NULL },
};
