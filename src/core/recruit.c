/*
 * recruit.c - recruitment (step 3 of the method): the candidates of the open
 * positions and their interviews, two nouns of the entity engine that only
 * managers and admins read and write (a recruiter's notes are not for the
 * team), and the stage move, which is not generic: a candidate's stage
 * changes only by candidate_move, and the move to hired creates the new
 * person's user and their membership of the position's project in the same
 * transaction as the move. Tables in store/schema/015-recruitment.sql; labels
 * in the UI's catalogs as ent.candidate.* and ent.interview.*.
 *
 * A candidate's rating is the average of their interviews' ratings (each
 * interviewer rates what they saw; the candidate's is the panel's), rounded
 * half up to a whole 1-5, shown beside how many interviews they had.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/recruit.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

/* --- the project a reference names ------------------------------------------------ */

struct project_ref {
	int64_t id;
	char code[64];
	char name[256];
};

#define F(field) offsetof(struct project_ref, field), sizeof(((struct project_ref *)0)->field)

static const struct ent_field project_ref_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "code", EK_CODE, EF_KEY | EF_REQUIRED, "code", F(code) },
	{ "name", EK_TEXT, EF_REQUIRED, "name", F(name) },
	{ NULL },
};

#undef F

const struct entity project_ref_entity = {
	.name = "project",
	.plural = "projects",
	.table = "projects",
	.summary = "a project, as a reference names it",
	.size = sizeof(struct project_ref),
	.fields = project_ref_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_ADMIN,
	.order = "t.code",
	.own_faces = 1,
};

/* --- candidates ------------------------------------------------------------------ */

struct candidate {
	int64_t id;
	int64_t position_id;
	char position[24];
	char position_title[256];
	char name[128];
	char email[128];
	char phone[48];
	char source[16];
	char stage[16];
	int32_t stage_on, applied_on;
	char notes[4000];
	int64_t user_id;
	char login[64];
	int64_t interviews, rating;
	int64_t version, created_at, updated_at;
};

static const char *const candidate_sources[] = { "referral", "job_board", "campus", "agency",
						  "other", NULL };
/* In the pipeline's order; hired and rejected end it. */
static const char *const candidate_stages[] = { "applied", "screening", "interview", "offer",
						 "hired", "rejected", NULL };

enum { ST_APPLIED, ST_SCREENING, ST_INTERVIEW, ST_OFFER, ST_HIRED, ST_REJECTED };

static int candidate_check(struct tx *tx, const void *before, void *rec,
			   const struct ent_input *in, struct err *err);
static int candidate_after(struct tx *tx, const void *before, const void *after,
			   const struct ent_input *in, struct err *err);
static int candidate_fill(struct store *st, const struct actor *a, void *rec, struct err *err);

static const struct ent_blocker candidate_blockers[] = {
	{ "SELECT COUNT(*) FROM interviews WHERE candidate_id = ?", "interview", "interviews" },
	{ NULL, NULL, NULL },
};

#define F(field) offsetof(struct candidate, field), sizeof(((struct candidate *)0)->field)

static const struct ent_field candidate_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "position", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "position_id",
	  F(position_id), .ref = &position_entity,
	  .key_off = offsetof(struct candidate, position),
	  .key_size = sizeof(((struct candidate *)0)->position),
	  .help = "the position applied for (its id; open or on hold)", .example = "2" },
	{ "position_title", EK_TEXT, EF_READONLY, "title", F(position_title), .via = "position" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name), 0, 120,
	  .help = "the candidate's name", .example = "陈晓" },
	{ "email", EK_EMAIL, EF_FILTER, "email", F(email),
	  .help = "email address", .example = "chen.xiao@example.com" },
	{ "phone", EK_TEXT, 0, "phone", F(phone), 0, 40,
	  .help = "phone number", .example = "138 0013 8000" },
	{ "source", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "source", F(source),
	  .values = candidate_sources, .help = "where they came from", .example = "referral" },
	{ "stage", EK_ENUM, EF_READONLY | EF_SORT | EF_FILTER, "stage", F(stage),
	  .values = candidate_stages,
	  .help = "where they stand; changes only by the stage move (candidate stage)" },
	{ "stage_since", EK_DATE, EF_READONLY | EF_SORT, "stage_on", F(stage_on),
	  .help = "the day they entered their stage" },
	{ "applied", EK_DATE, EF_SORT | EF_FILTER, "applied_on", F(applied_on),
	  .help = "the day they applied (default today)", .example = "2026-12-01" },
	{ "notes", EK_NOTE, 0, "notes", F(notes), 0, 3000,
	  .help = "the recruiter's notes: background, expectations, availability",
	  .example = "5 years selling to hospitals; expects 25k" },
	{ "login", EK_REF, EF_READONLY | EF_NULLABLE | EF_FILTER, "user_id", F(user_id),
	  .ref = &user_entity, .key_off = offsetof(struct candidate, login),
	  .key_size = sizeof(((struct candidate *)0)->login),
	  .help = "once hired: the login of the user the hire created" },
	{ "interviews", EK_COUNT, EF_READONLY, NULL, F(interviews),
	  .help = "how many interviews they had" },
	{ "rating", EK_COUNT, EF_READONLY | EF_NULLABLE, NULL, F(rating), 1, 5,
	  .help = "the average of their interviews' ratings, 1 to 5 rounded half up (none: not "
		  "rated yet)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(candidate) = {
	.name = "candidate",
	.plural = "candidates",
	.table = "candidates",
	.summary = "a candidate for an open position, moving through the stages applied, "
		   "screening, interview, offer, hired or rejected (managers only)",
	.size = sizeof(struct candidate),
	.fields = candidate_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_MANAGER,
	.write_role = ROLE_MANAGER,
	.blockers = candidate_blockers,
	.order = "t.id DESC",
	.hooks = { .check = candidate_check, .after = candidate_after, .fill = candidate_fill },
	.section = "team",
	.section_rank = 2,
};

static int stage_index(const char *s)
{
	for (int i = 0; candidate_stages[i]; i++)
		if (!strcmp(candidate_stages[i], s))
			return i;
	return -1;
}

static const char SQL_POSITION_OF[] =
	"SELECT t.openings, t.status, t.title, t.version, p.code FROM positions t "
	"LEFT JOIN projects p ON p.id = t.project_id WHERE t.id = ?";

/* What the move and a new candidate need of a position. */
struct position_state {
	int64_t openings, version;
	char status[16];
	char title[256];
	char project[64]; /* "" none */
};

static int position_state(struct store *st, int64_t id, struct position_state *out,
			  struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_POSITION_OF, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		const char *p = store_col_text(st, s, 4);
		out->openings = store_col_int(st, s, 0);
		snprintf(out->status, sizeof(out->status), "%s", store_col_text(st, s, 1));
		snprintf(out->title, sizeof(out->title), "%s", store_col_text(st, s, 2));
		out->version = store_col_int(st, s, 3);
		snprintf(out->project, sizeof(out->project), "%s", p ? p : "");
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc != STORE_ROW)
		return err_set(err, ERR_NOT_FOUND, "position", "no_record:_,key",
			       "no position \"%lld\"", (long long)id);
	return 0;
}

/* A position filled or closed takes no one more. */
static int position_open(const struct position_state *p, const char *key, struct err *err)
{
	if (!strcmp(p->status, "filled") || !strcmp(p->status, "closed"))
		return err_set(err, ERR_CONFLICT, "position", "position_not_open:position,_,status",
			       "position %s (%s) is %s: it takes no more candidates or hires", key,
			       p->title, p->status);
	return 0;
}

/* A new candidate applied today unless told, starts at applied, for a position still open. */
static int candidate_check(struct tx *tx, const void *before, void *rec,
			   const struct ent_input *in, struct err *err)
{
	struct candidate *c = rec;
	struct position_state p;

	(void)in;
	if (c->applied_on == NO_DATE)
		c->applied_on = before ? ((const struct candidate *)before)->applied_on
				       : date_today();
	if (before)
		return 0;
	snprintf(c->stage, sizeof(c->stage), "%s", candidate_stages[ST_APPLIED]);
	c->stage_on = c->applied_on;
	c->user_id = NO_ID;
	if (position_state(tx->st, c->position_id, &p, err))
		return -1;
	return position_open(&p, c->position, err);
}

/* A hired candidate is the record of how their user came to be: kept. */
static int candidate_after(struct tx *tx, const void *before, const void *after,
			   const struct ent_input *in, struct err *err)
{
	const struct candidate *cur = before;

	(void)tx;
	(void)in;
	if (cur && !after && !strcmp(cur->stage, candidate_stages[ST_HIRED]))
		return err_set(err, ERR_CONFLICT, "stage", "candidate_hired:name,login",
			       "%s was hired (user %s): the candidate record is kept", cur->name,
			       cur->login);
	return 0;
}

/* The rating: the average of the interviews' ratings, half up: (2 * sum + n) / (2 * n). */
static const char SQL_CANDIDATE_FIGURES[] =
	"SELECT COUNT(*), COUNT(rating), COALESCE(SUM(rating), 0) FROM interviews "
	"WHERE candidate_id = ?";

static int candidate_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct candidate *c = rec;
	struct stmt *s = store_prepare(st, SQL_CANDIDATE_FIGURES, err);
	int rc;

	(void)a;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, c->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		int64_t rated = store_col_int(st, s, 1), sum = store_col_int(st, s, 2);
		c->interviews = store_col_int(st, s, 0);
		c->rating = rated ? (2 * sum + rated) / (2 * rated) : NO_ID;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- interviews ------------------------------------------------------------------ */

struct interview {
	int64_t id;
	int64_t candidate_id;
	char candidate[24];
	char candidate_name[128];
	int64_t interviewer_id;
	char interviewer[64];
	char interviewer_name[128];
	int32_t held_on;
	int64_t rating;
	char notes[4000];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct interview, field), sizeof(((struct interview *)0)->field)

static const struct ent_field interview_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "candidate", EK_REF, EF_REQUIRED | EF_CREATE | EF_SORT | EF_FILTER, "candidate_id",
	  F(candidate_id), .ref = &candidate_entity,
	  .key_off = offsetof(struct interview, candidate),
	  .key_size = sizeof(((struct interview *)0)->candidate),
	  .help = "the candidate (their id)", .example = "5" },
	{ "candidate_name", EK_TEXT, EF_READONLY, "name", F(candidate_name), .via = "candidate" },
	{ "interviewer", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "interviewer_id",
	  F(interviewer_id), .ref = &user_entity,
	  .key_off = offsetof(struct interview, interviewer),
	  .key_size = sizeof(((struct interview *)0)->interviewer),
	  .help = "who interviewed (a login)", .example = "li.na" },
	{ "interviewer_name", EK_TEXT, EF_READONLY, "name", F(interviewer_name),
	  .via = "interviewer" },
	{ "date", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "held_on", F(held_on),
	  .help = "the day it was held", .example = "2026-12-08" },
	{ "rating", EK_COUNT, EF_NULLABLE | EF_SORT | EF_FILTER, "rating", F(rating), 1, 5,
	  .help = "the interviewer's rating, 1 (weak) to 5 (excellent); none: not rated yet",
	  .example = "4" },
	{ "notes", EK_NOTE, 0, "notes", F(notes), 0, 3000,
	  .help = "what the interviewer saw", .example = "Clear on pricing; weak on references" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(interview) = {
	.name = "interview",
	.plural = "interviews",
	.table = "interviews",
	.summary = "an interview of a candidate: interviewer, date, rating 1-5, notes "
		   "(managers only)",
	.size = sizeof(struct interview),
	.fields = interview_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_MANAGER,
	.write_role = ROLE_MANAGER,
	.order = "t.held_on DESC, t.id DESC",
	.section = "team",
	.section_rank = 2, /* beside candidates (by name) */
};

/* --- the stage move ---------------------------------------------------------------- */

static const char SQL_CANDIDATE_MOVE[] =
	"UPDATE candidates SET stage = ?1, stage_on = ?2, user_id = ?3, version = version + 1, "
	"updated_at = ?4 WHERE id = ?5 AND version = ?6";
static const char SQL_POSITION_HIRES[] =
	"SELECT COUNT(*) FROM candidates WHERE position_id = ? AND stage = 'hired'";
static const char SQL_POSITION_FILLED[] =
	"UPDATE positions SET status = 'filled', version = version + 1, updated_at = ?1 "
	"WHERE id = ?2";

/* Whether the move from cur to stage to is one the pipeline allows; else why not. */
static int move_allowed(const struct candidate *cur, int from, int to, const char *key,
			struct err *err)
{
	if (from == to)
		return err_set(err, ERR_INVALID, "stage", "same_stage:_,stage",
			       "candidate %s is already at %s", key, candidate_stages[to]);
	if (from == ST_HIRED)
		return err_set(err, ERR_CONFLICT, "stage", "hired_final:name,login",
			       "%s was hired (user %s): a hire is final", cur->name, cur->login);
	if (from == ST_REJECTED && to != ST_APPLIED)
		return err_set(err, ERR_INVALID, "stage", "reopen_to_applied",
			       "a rejected candidate is reopened to applied, and moves on from there");
	if (to == ST_HIRED && from != ST_OFFER)
		return err_set(err, ERR_INVALID, "stage", "hire_from_offer:from",
			       "a candidate is hired from offer, not from %s", candidate_stages[from]);
	if (from != ST_REJECTED && to != ST_REJECTED && to < from)
		return err_set(err, ERR_INVALID, "stage", "stage_backward:from,stage",
			       "a candidate does not move back from %s to %s (reject, then reopen)",
			       candidate_stages[from], candidate_stages[to]);
	return 0;
}

/* The hire's inputs, checked before anything is written. */
static int hire_inputs(const struct actor *a, const struct stage_move *m, int to,
		       enum role *role, struct err *err)
{
	*role = ROLE_REP;
	if (to != ST_HIRED) {
		const char *given = m->login ? "login" : m->name ? "name" : m->email ? "email"
							: m->role ? "role" : NULL;
		if (given)
			return err_set(err, ERR_INVALID, given, "hire_only:_",
				       "%s is given only with a move to hired", given);
		return 0;
	}
	if (!m->login || !m->login[0])
		return err_set(err, ERR_INVALID, "login", "required",
			       "login is required: the hire creates the new person's user");
	if (m->role && role_parse(m->role, role, err))
		return -1;
	/* a manager hires reps and viewers; managers and admins are an admin's to make */
	if (*role > ROLE_REP && a->role < ROLE_ADMIN)
		return err_set(err, ERR_DENIED, "role", "admin_only",
			       "only an admin may hire as %s", role_str(*role));
	return 0;
}

/* The position filled by a hire: its status, versioned and audited with the record before and after. */
static int fill_position(struct tx *tx, int64_t id, struct stage_result *out, struct err *err)
{
	void *before = xcalloc(2, position_entity.size), *after = (char *)before + position_entity.size;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	char key[24];
	struct stmt *s;
	int rc, r = -1;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (entity_load(tx->st, &position_entity, NULL, key, 1, before, err) ||
	    !(s = store_prepare(tx->st, SQL_POSITION_FILLED, err)))
		goto out;
	store_bind_int(tx->st, s, 1, tx->now);
	store_bind_int(tx->st, s, 2, id);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	if (rc < 0 || entity_load(tx->st, &position_entity, NULL, key, 1, after, err) ||
	    tx_audit(tx, "position", id, "update", entity_json(&position_entity, before, &b1),
		     entity_json(&position_entity, after, &b2), err))
		goto out;
	out->filled = 1;
	r = 0;
out:
	buf_release(&b1);
	buf_release(&b2);
	free(before);
	return r;
}

/*
 * The hire's writes, in tx: the user (made as an admin would, no password),
 * the membership of the position's project (by the mover, who must manage
 * its members), and the position filled when its hires reach its openings.
 */
static int hire(struct tx *tx, const struct actor *a, const struct candidate *cur,
		const struct stage_move *m, enum role role, const struct position_state *pos,
		struct stage_result *out, struct err *err)
{
	struct actor as_admin = *a;
	struct user_input ui = { 0 };
	struct member mem;
	struct stmt *s;
	int64_t hires = 0;
	int rc;

	as_admin.role = ROLE_ADMIN;
	ui.login = m->login;
	ui.name = m->name ? m->name : cur->name;
	ui.email = m->email ? m->email : cur->email;
	ui.role = role_str(role);
	if (user_create(tx->st, &as_admin, &ui, &out->user, err))
		return -1;
	if (pos->project[0]) {
		if (member_add(tx->st, a, pos->project, m->login, PROLE_MEMBER, &mem, err))
			return -1;
		snprintf(out->project, sizeof(out->project), "%s", pos->project);
	}
	if (!(s = store_prepare(tx->st, SQL_POSITION_HIRES, err)))
		return -1;
	store_bind_int(tx->st, s, 1, cur->position_id);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW)
		hires = store_col_int(tx->st, s, 0);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	/* (this candidate's own row still says offer: they are the one more) */
	if (hires + 1 < pos->openings)
		return 0;
	return fill_position(tx, cur->position_id, out, err);
}

/* The project a hire joins: the mover must manage its members (an admin does). */
static int may_add_member(struct store *st, const struct actor *a,
			  const struct position_state *pos, struct err *err)
{
	struct project pr;

	if (!pos->project[0])
		return 0;
	if (project_get(st, a, pos->project, &pr, err))
		return -1;
	if (project_access(st, a, pr.id, err) < PROLE_MANAGER)
		return err_set(err, ERR_DENIED, "stage", "hire_project_manager:project",
			       "the hire joins project %s: only its managers and owners (or an "
			       "admin) hire for it", pos->project);
	return 0;
}

int candidate_move(struct store *st, const struct actor *a, const char *id,
		   const struct stage_move *m, struct stage_result *out, struct err *err)
{
	struct candidate cur, *now = out->candidate;
	struct position_state pos;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct stmt *s;
	enum role role;
	int from, to, rc, r = -1;

	out->hired = out->filled = 0;
	out->project[0] = '\0';
	if (require_role(a, ROLE_MANAGER, "moving candidates", err))
		return -1;
	if (!m->stage || (to = stage_index(m->stage)) < 0)
		return err_set(err, ERR_INVALID, "stage", "bad_enum:value,_,_,allowed",
			       "\"%.40s\" is not a %s %s (%s)", m->stage ? m->stage : "", "candidate",
			       "stage", "applied, screening, interview, offer, hired, rejected");
	if (hire_inputs(a, m, to, &role, err))
		return -1;
	if (entity_get(st, a, &candidate_entity, NULL, id, &cur, err))
		return -1;
	if (tx_begin(&tx, st, a, err))
		return -1;
	/* read again under the write lock: the version and the stage as they are now */
	if (entity_load(st, &candidate_entity, NULL, id, 1, &cur, err) ||
	    position_state(st, cur.position_id, &pos, err))
		goto out;
	if (m->version != cur.version) {
		tx_version_conflict("candidate", id, m->version, cur.version, err);
		goto out;
	}
	from = stage_index(cur.stage);
	if (move_allowed(&cur, from, to, id, err))
		goto out;
	if (to == ST_HIRED && (position_open(&pos, cur.position, err) ||
			       may_add_member(st, a, &pos, err) ||
			       hire(&tx, a, &cur, m, role, &pos, out, err)))
		goto out;
	if (!(s = store_prepare(st, SQL_CANDIDATE_MOVE, err)))
		goto out;
	store_bind_text(st, s, 1, candidate_stages[to]);
	store_bind_int(st, s, 2, date_today());
	store_bind_int_or_null(st, s, 3, to == ST_HIRED ? out->user.id : NO_ID, NO_ID);
	store_bind_int(st, s, 4, tx.now);
	store_bind_int(st, s, 5, cur.id);
	store_bind_int(st, s, 6, cur.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || entity_load(st, &candidate_entity, NULL, id, 1, now, err) ||
	    tx_audit(&tx, "candidate", cur.id, "stage", entity_json(&candidate_entity, &cur, &b1),
		     entity_json(&candidate_entity, now, &b2), err) ||
	    tx_commit(&tx, err))
		goto out;
	out->hired = to == ST_HIRED;
	r = 0;
	/* committed: what a read adds (the interviews and rating) is the answer's */
	if (candidate_fill(st, a, now, err))
		r = -1;
out:
	tx_abort(&tx); /* (nothing left open after a commit) */
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

void stage_result_write_json(struct jw *w, const struct stage_result *r)
{
	jw_obj(w);
	jw_key(w, "candidate");
	entity_write_json(w, &candidate_entity, r->candidate);
	jw_key(w, "user");
	if (r->hired)
		user_write_json(w, &r->user);
	else
		jw_null(w);
	jw_key(w, "project");
	jw_str(w, r->hired && r->project[0] ? r->project : NULL);
	jw_kbool(w, "filled", r->filled);
	jw_obj_end(w);
}
