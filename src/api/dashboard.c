/*
 * dashboard.c - /api/v1/projects/{code}/dashboard: the monitoring view of
 * SPEC step 5 (totals, goals with progress and lint, breakdowns, weeks) from
 * the rollups, as of today or ?as_of=YYYY-MM-DD. Computed once per data
 * version and kept (api/cache.h); a request answered from what is kept asks
 * the database nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/dashboard.h"
#include "analytics/forecast.h"
#include "analytics/kept.h"
#include "analytics/monitor.h"
#include "api/api.h"
#include "api/cache.h"
#include "core/project.h"
#include "base/date.h"
#include "base/money.h"
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

/*
 * The answer kept in the database for key (analytics/kept.h) when it was
 * computed from the data as it is now, into the cache at version. Asked only
 * for a key this process has not had (its first request after a start); a
 * failure here fails nothing: the answer is computed instead.
 */
static const struct api_cached *from_kept(struct store *st, const char *key, int64_t version)
{
	char stamp[KEPT_STAMP_MAX];
	struct buf body = BUF_INIT;
	struct err e = { 0 };
	const struct api_cached *c = NULL;
	int found = 0;

	if (api_cache_known(key) || store_begin(st, 0, &e))
		return NULL;
	if (!kept_stamp(st, stamp, &e) && !kept_get(st, key, stamp, &body, &found, &e) && found)
		c = api_cache_keep(key, version, body.p, body.len);
	store_rollback(st);
	buf_release(&body);
	return c;
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
	if ((r->cached = api_cache_find(key, version)) || (r->cached = from_kept(r->st, key, version)))
		return 0;
	if (dashboard_build(r->st, &r->actor, code, today, &d, err))
		return -1;
	dashboard_write_json(&r->jw, &d);
	dashboard_release(&d);
	r->cached = api_cache_keep(key, version, r->out.p, r->out.len);
	return 0;
}

/* The pipeline answer's seed when none is asked for: the same answer for everyone. */
#define PIPELINE_SEED 1
#define PIPELINE_SEED_MAX 999999999

/* "pipeline/CODE/DAY/SEED": the key of a forecast answer. */
static void pipeline_key(char *key, size_t size, const char *code, int32_t day, int64_t seed)
{
	snprintf(key, size, "pipeline/%s/%d/%lld", code, (int)day, (long long)seed);
}

static int build_pipeline(struct store *st, const struct actor *a, const char *code,
			  int32_t day, int64_t seed, struct jw *w, struct err *err)
{
	struct pipeline_forecast f;
	if (pipeline_forecast_build(st, a, code, day, (uint64_t)seed, &f, err))
		return -1;
	pipeline_forecast_write_json(w, &f);
	pipeline_forecast_release(&f);
	return 0;
}

/*
 * GET .../pipeline: each goal's projection, probability and coverage, and
 * the funnel with win rate, average deal size, by owner and by channel
 * (analytics/forecast.h). Its own answer, kept per data version as the
 * dashboard's: the simulation runs once per write, never on a dashboard hit.
 */
static int get_pipeline(struct api_req *r, struct err *err)
{
	const char *as_of = api_query(r, "as_of"), *seed_s = api_query(r, "seed");
	int32_t today = date_today();
	int64_t version = store_data_version(r->st), seed = PIPELINE_SEED;
	char key[160], code[64];

	if (as_of && date_parse(as_of, strlen(as_of), &today, "as_of", err))
		return -1;
	if (seed_s && int_parse(seed_s, strlen(seed_s), &seed, "seed", err))
		return -1;
	if (seed < 0 || seed > PIPELINE_SEED_MAX)
		return err_set(err, ERR_INVALID, "seed", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "seed", 0, PIPELINE_SEED_MAX);
	if (readable_project(r, api_param(r, "code"), version, code, err))
		return -1;
	pipeline_key(key, sizeof(key), code, today, seed);
	if ((r->cached = api_cache_find(key, version)) || (r->cached = from_kept(r->st, key, version)))
		return 0;
	if (build_pipeline(r->st, &r->actor, code, today, seed, &r->jw, err))
		return -1;
	r->cached = api_cache_keep(key, version, r->out.p, r->out.len);
	return 0;
}

/*
 * GET .../monitor: the monitoring panels (analytics/monitor.h) as of today or
 * ?as_of=, problems judged at this minute. Kept per data version, day and
 * minute: an open problem's SLA state moves with the clock, not only with the
 * data, so an answer serves one minute at most. The minute goes into the
 * entry's stamp, not its key, so a project's answer takes one place in the
 * cache (the next minute's replaces it) rather than one a minute.
 */
static int get_monitor(struct api_req *r, struct err *err)
{
	const char *as_of = api_query(r, "as_of");
	int32_t today = date_today();
	int64_t version = store_data_version(r->st), minute = ts_now() / 60;
	/* data version and minute (24 bits: 31 years before one stamp could come again) */
	int64_t stamp = (int64_t)((uint64_t)version << 24 | (uint64_t)(minute & 0xffffff));
	struct monitor m;
	char key[160], code[64];

	if (as_of && date_parse(as_of, strlen(as_of), &today, "as_of", err))
		return -1;
	if (readable_project(r, api_param(r, "code"), version, code, err))
		return -1;
	snprintf(key, sizeof(key), "monitor/%s/%d", code, (int)today);
	if ((r->cached = api_cache_find(key, stamp)))
		return 0;
	if (monitor_build(r->st, &r->actor, code, today, minute * 60, &m, err))
		return -1;
	monitor_write_json(&r->jw, &m);
	monitor_release(&m);
	r->cached = api_cache_keep(key, stamp, r->out.p, r->out.len);
	return 0;
}

/* Dashboards computed anew at a stop for the next start: a stop waits for a few at most. */
#define KEEP_REBUILD_MAX 8

struct keeping {
	struct store *st;
	int64_t version;
	char stamp[KEPT_STAMP_MAX];
	int rebuilt, failed;
	struct err *err;
};

/* Keep e's answer at the stamp: as it is when still current, else computed again now. */
static void keep_one(const struct api_cached *e, void *ctx)
{
	static const struct actor keeper = { 0, ROLE_ADMIN, "" };
	struct keeping *k = ctx;
	int pipeline = !strncmp(e->key, "pipeline/", 9);
	const char *code = e->key + (pipeline ? 9 : strlen("dashboard/")), *slash = strchr(code, '/');
	char name[64];
	long long day, seed = 0;
	struct dashboard d;
	struct buf b = BUF_INIT;
	struct jw w;
	struct err ignored = { 0 };

	if (k->failed)
		return;
	if (e->version == k->version) {
		k->failed = kept_put(k->st, e->key, k->stamp, e->body, e->len, k->err);
		return;
	}
	/* "dashboard/CODE/DAY" */
	if (k->rebuilt >= KEEP_REBUILD_MAX || !slash || slash <= code ||
	    (size_t)(slash - code) >= sizeof(name))
		return;
	memcpy(name, code, (size_t)(slash - code));
	name[slash - code] = '\0';
	day = strtoll(slash + 1, NULL, 10);
	if (pipeline && (slash = strchr(slash + 1, '/')))
		seed = strtoll(slash + 1, NULL, 10);
	k->rebuilt++;
	jw_init(&w, &b);
	/* a project gone since is no failure: there is nothing to keep for it */
	if (pipeline) {
		if (build_pipeline(k->st, &keeper, name, (int32_t)day, seed, &w, &ignored)) {
			buf_release(&b);
			return;
		}
	} else {
		if (dashboard_build(k->st, &keeper, name, (int32_t)day, &d, &ignored)) {
			buf_release(&b);
			return;
		}
		dashboard_write_json(&w, &d);
		dashboard_release(&d);
	}
	k->failed = b.p ? kept_put(k->st, e->key, k->stamp, b.p, b.len, k->err) : 0;
	buf_release(&b);
}

void api_dashboards_keep(const char *db_path)
{
	struct err err = { 0 };
	struct keeping k = { 0 };
	struct store *st = store_open(db_path, 0, &err);

	k.st = st;
	k.err = &err;
	/* the write lock first: no write can come between the stamp and the answers */
	if (!st || store_begin(st, 1, &err))
		goto out;
	k.version = store_data_version(st);
	if (kept_stamp(st, k.stamp, &err))
		goto out;
	api_cache_each("dashboard/", keep_one, &k);
	api_cache_each("pipeline/", keep_one, &k);
	if (k.failed || store_commit(st, &err))
		goto out;
	store_free(st);
	return;
out:
	fprintf(stderr, "salespm: the dashboards were not kept for the next start: %s\n", err.msg);
	store_free(st);
}

const struct api_route api_dashboard_routes[] = {
	{ "GET", "/api/v1/projects/{code}/dashboard", get_dashboard, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/pipeline", get_pipeline, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/projects/{code}/monitor", get_monitor, ROLE_VIEWER, 0 },
	{ NULL },
};
