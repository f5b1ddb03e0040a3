/*
 * quota.c - a goal's quotas: its target split among the project's members
 * (core/quota.h describes the rules). Tables in store/schema/016-quotas.sql:
 * quota_splits (one row a goal: its version) and quotas (one row a person).
 */
#include "core/quota.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/project.h"
#include "core/tx.h"
#include "base/banned.h"

static const char SQL_QUOTA_SPLIT[] =
	"SELECT version, updated_at FROM quota_splits WHERE goal_id = ?1";
static const char SQL_QUOTA_LINES[] =
	"SELECT q.user_id, u.login, u.name, q.target FROM quotas q JOIN users u ON u.id = q.user_id "
	"WHERE q.goal_id = ?1 ORDER BY u.login";
/* ?1 the project, ?2 the login: the member's user id and project role */
static const char SQL_QUOTA_MEMBER[] =
	"SELECT m.user_id, m.role FROM members m JOIN users u ON u.id = m.user_id "
	"WHERE m.project_id = ?1 AND u.login = ?2";
static const char SQL_QUOTA_CLEAR[] = "DELETE FROM quotas WHERE goal_id = ?1";
static const char SQL_QUOTA_INSERT[] =
	"INSERT INTO quotas (goal_id, user_id, target) VALUES (?1, ?2, ?3)";
static const char SQL_QUOTA_SPLIT_INSERT[] =
	"INSERT INTO quota_splits (goal_id, project_id, version, created_at, updated_at) "
	"VALUES (?1, ?2, 1, ?3, ?3)";
static const char SQL_QUOTA_SPLIT_BUMP[] =
	"UPDATE quota_splits SET version = version + 1, updated_at = ?2 WHERE goal_id = ?1";

enum quota_refusal quota_offered(const struct goal *g)
{
	const struct metric_def *d = metric_def(g->metric);

	if (!d || !d->cumulative || d->calc == CALC_CHECKIN)
		return QUOTA_NOT_ADDITIVE;
	if (g->scope.rep_id != NO_ID)
		return QUOTA_ONE_REP;
	return QUOTA_OFFERED;
}

const char *quota_refusal_str(enum quota_refusal r)
{
	switch (r) {
	case QUOTA_NOT_ADDITIVE:
		return "metric";
	case QUOTA_ONE_REP:
		return "rep_scope";
	default:
		return NULL;
	}
}

int quota_split_load(struct store *st, int64_t goal_id, struct quota_split *out,
		     struct err *err)
{
	struct stmt *s;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->goal_id = goal_id;
	if (!(s = store_prepare(st, SQL_QUOTA_SPLIT, err)))
		return -1;
	store_bind_int(st, s, 1, goal_id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->version = store_col_int(st, s, 0);
		out->updated_at = store_col_int(st, s, 1);
	}
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, SQL_QUOTA_LINES, err)))
		return -1;
	store_bind_int(st, s, 1, goal_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct quota_line *l;
		ALLOC_GROW(out->lines, out->n + 1, alloc);
		l = &out->lines[out->n++];
		l->user_id = store_col_int(st, s, 0);
		snprintf(l->login, sizeof(l->login), "%s", store_col_text(st, s, 1));
		snprintf(l->name, sizeof(l->name), "%s", store_col_text(st, s, 2));
		l->target = store_col_int(st, s, 3);
	}
	store_done(st, s);
	if (rc < 0) {
		quota_split_release(out);
		return -1;
	}
	return 0;
}

void quota_split_release(struct quota_split *s)
{
	free(s->lines);
	s->lines = NULL;
	s->n = 0;
}

/* The split as the audit keeps it: {"goal","version","quotas":[{"person","target"}]}. */
static void split_json(struct buf *b, const struct quota_split *s)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_kint(&w, "goal", s->goal_id);
	jw_kint(&w, "version", s->version);
	jw_key(&w, "quotas");
	jw_arr(&w);
	for (size_t i = 0; i < s->n; i++) {
		jw_obj(&w);
		jw_kstr(&w, "person", s->lines[i].login);
		jw_kint(&w, "target", s->lines[i].target);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

/* The member named login in project_id: their user id and role (NO_ID: not a member). */
static int member_of(struct store *st, int64_t project_id, const char *login, int64_t *uid,
		     char *role, size_t role_size, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_QUOTA_MEMBER, err);
	int rc;

	*uid = NO_ID;
	role[0] = '\0';
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	store_bind_text(st, s, 2, login);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*uid = store_col_int(st, s, 0);
		snprintf(role, role_size, "%s", store_col_text(st, s, 1));
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Each line's person (a seller on the project, once) and target; the sum is the goal's target. */
static int check_lines(struct store *st, const struct project *p, const struct goal *g,
		       const struct quota_input *in, size_t n, int64_t *uids, struct err *err)
{
	enum unit u = metric_unit(g->metric);
	char role[16], a[48], b[48], c[48];
	__int128 sum = 0;

	if (n > QUOTA_MAX_LINES)
		return err_set(err, ERR_INVALID, "quotas", "too_many:max",
			       "a split has at most %d lines", QUOTA_MAX_LINES);
	for (size_t i = 0; i < n; i++) {
		const char *login = in[i].login ? in[i].login : "";
		if (member_of(st, p->id, login, &uids[i], role, sizeof(role), err))
			return -1;
		if (uids[i] == NO_ID)
			return err_set(err, ERR_INVALID, "person", "not_member:login,project",
				       "%.60s is not a member of %s", login, p->code);
		if (!strcmp(role, "viewer"))
			return err_set(err, ERR_INVALID, "person", "quota_viewer:login",
				       "%.60s is a viewer of the project: quotas are for those who "
				       "sell",
				       login);
		for (size_t k = 0; k < i; k++)
			if (uids[k] == uids[i])
				return err_set(err, ERR_INVALID, "person", "quota_twice:login",
					       "%.60s has two lines: one quota a person", login);
		if (in[i].target < 0)
			return err_set(err, ERR_INVALID, "target", "quota_negative:login",
				       "%.60s's quota is below zero", login);
		sum += in[i].target;
	}
	if (n && sum != g->target) {
		int64_t s64 = sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
		__int128 left = (__int128)g->target - sum;
		goal_value_format(u, s64, a, sizeof(a));
		goal_value_format(u, g->target, b, sizeof(b));
		if (left < 0) {
			goal_value_format(u, -left > INT64_MAX ? INT64_MAX : (int64_t)-left, c,
					  sizeof(c));
			return err_set(err, ERR_INVALID, "quotas", "quota_sum_over:sum,target,over",
				       "the quotas sum to %s, more than the goal's target %s (%s "
				       "over)",
				       a, b, c);
		}
		goal_value_format(u, (int64_t)left, c, sizeof(c));
		return err_set(err, ERR_INVALID, "quotas", "quota_sum:sum,target,left",
			       "the quotas sum to %s, not the goal's target %s (%s left to allocate)",
			       a, b, c);
	}
	return 0;
}

/* Replace the split's lines and bump (or start) its version, inside tx. */
static int write_split(struct tx *tx, const struct project *p, int64_t goal_id, int exists,
		       const struct quota_input *in, const int64_t *uids, size_t n,
		       struct err *err)
{
	struct store *st = tx->st;
	struct stmt *s;
	int rc;

	if (!(s = store_prepare(st, SQL_QUOTA_CLEAR, err)))
		return -1;
	store_bind_int(st, s, 1, goal_id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!(s = store_prepare(st, SQL_QUOTA_INSERT, err)))
			return -1;
		store_bind_int(st, s, 1, goal_id);
		store_bind_int(st, s, 2, uids[i]);
		store_bind_int(st, s, 3, in[i].target);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			return -1;
	}
	if (!(s = store_prepare(st, exists ? SQL_QUOTA_SPLIT_BUMP : SQL_QUOTA_SPLIT_INSERT, err)))
		return -1;
	store_bind_int(st, s, 1, goal_id);
	if (exists) {
		store_bind_int(st, s, 2, tx->now);
	} else {
		store_bind_int(st, s, 2, p->id);
		store_bind_int(st, s, 3, tx->now);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* 0 when g takes quotas; else quota_not_offered with why. */
static int refuse_unoffered(const struct goal *g, struct err *err)
{
	enum quota_refusal why = quota_offered(g);

	if (why == QUOTA_OFFERED)
		return 0;
	return err_set(err, ERR_INVALID, "goal", "quota_not_offered:goal,metric,why",
		       "goal %lld (%s) takes no quotas: %s", (long long)g->id, metric_str(g->metric),
		       why == QUOTA_ONE_REP ? "it is narrowed to one rep already"
					    : "its metric does not add up over people");
}

int quota_split_write(struct tx *tx, const struct project *p, const struct goal *g,
		      int64_t version, const struct quota_input *in, size_t n,
		      struct quota_split *out, struct err *err)
{
	struct store *st = tx->st;
	struct quota_split before = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	int64_t *uids = NULL;
	char name[32];
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (refuse_unoffered(g, err))
		return -1;
	uids = xcalloc(n ? n : 1, sizeof(*uids));
	if (quota_split_load(st, g->id, &before, err))
		goto out;
	snprintf(name, sizeof(name), "of goal %lld", (long long)g->id);
	if (version != QUOTA_ANY_VERSION && version != before.version) {
		tx_version_conflict("the split", name, version, before.version, err);
		goto out;
	}
	if (check_lines(st, p, g, in, n, uids, err) ||
	    write_split(tx, p, g->id, before.version > 0, in, uids, n, err) ||
	    quota_split_load(st, g->id, out, err))
		goto out;
	split_json(&b1, &before);
	split_json(&b2, out);
	if (tx_audit(tx, "quota", g->id, before.version ? "update" : "create",
		     before.version ? buf_cstr(&b1) : NULL, buf_cstr(&b2), err))
		goto out;
	r = 0;
out:
	if (r)
		quota_split_release(out);
	quota_split_release(&before);
	buf_release(&b1);
	buf_release(&b2);
	free(uids);
	return r;
}

int quota_split_save(struct store *st, const struct actor *a, const char *code, int64_t id,
		     int64_t version, const struct quota_input *in, size_t n,
		     struct quota_split *out, struct err *err)
{
	struct project p;
	struct goal g;
	struct tx tx = { 0 };

	memset(out, 0, sizeof(*out));
	if (project_get_as(st, a, code, PROLE_MANAGER, "setting quotas", &p, err) ||
	    goal_get(st, a, code, id, &g, err))
		return -1;
	if (refuse_unoffered(&g, err) ||
	    tx_begin_project(&tx, st, a, p.id, code, PROLE_MANAGER, "setting quotas", err))
		return -1;
	if (quota_split_write(&tx, &p, &g, version, in, n, out, err) || tx_commit(&tx, err)) {
		tx_abort(&tx);
		quota_split_release(out);
		return -1;
	}
	return 0;
}
