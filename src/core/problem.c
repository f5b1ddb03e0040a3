/*
 * problem.c - problems a customer meets (step 4 of the method: execution):
 * a project noun of the entity engine (routes under
 * /api/v1/projects/{code}/problems, the CLI's `problem`; tables in
 * store/schema/019-problems-collections.sql; labels ent.problem.* in the UI's
 * catalogs). Its status moves only by problem_move, each move kept in
 * problem_history; its due time is the moment it was opened plus the
 * project's SLA for its severity (problem_sla, standard hours where the
 * project set none). A problem not resolved by its due time is overdue and
 * counts against its owner in the summary.
 */
#include "core/problem.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/collection.h"
#include "core/customer.h"
#include "core/project.h"
#include "core/comment.h"
#include "core/notify.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

const char *const problem_severities[PROBLEM_SEVERITIES + 1] = { "low", "medium", "high",
								  "critical", NULL };
const int64_t problem_sla_default_hours[PROBLEM_SEVERITIES] = { 168, 72, 24, 4 };

static const char *const problem_types[] = { "product", "service", "delivery", "pricing",
					      "other", NULL };
/* In the order a problem goes through them. */
static const char *const problem_statuses[] = { "open", "in_progress", "resolved", "closed",
						 NULL };
enum { PS_OPEN, PS_IN_PROGRESS, PS_RESOLVED, PS_CLOSED };

struct problem {
	int64_t id;
	char type[16];
	char severity[16];
	char title[256];
	char description[4000];
	int64_t owner_id;
	char owner[64];
	char owner_name[128];
	int64_t customer_id;
	char customer[24];
	char customer_name[256];
	int64_t deal_id;
	char deal[24];
	char deal_title[256];
	int64_t sale_id;
	char sale[24];
	char status[16];
	int64_t opened_at, due_at;
	char resolution[2000];
	int64_t version, created_at, updated_at;
	/* filled on read */
	int64_t resolved_at, closed_at; /* NO_ID: none */
	int64_t now;                    /* the moment overdue is judged at */
	int open, breached, due_soon;   /* list filters only (the monitor's drill-down) */
};

/* --- the sales a problem may name (sales have faces of their own: core/sale.c) --------- */

struct sale_ref {
	int64_t id;
};

static const struct ent_field sale_ref_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", offsetof(struct sale_ref, id), sizeof(int64_t) },
	{ NULL },
};

static const struct entity sale_ref_entity = {
	.name = "sale",
	.plural = "sales",
	.table = "sales",
	.summary = "a sales line, as a reference names it (its id)",
	.size = sizeof(struct sale_ref),
	.fields = sale_ref_fields,
	.scope = ENT_WORKSPACE,
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_ADMIN,
	.own_faces = 1,
};

#define F(field) offsetof(struct problem, field), sizeof(((struct problem *)0)->field)

static int problem_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err);
static int problem_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err);
static int problem_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static void problem_extra(struct jw *w, const void *rec);
static int problem_detail(struct store *st, struct jw *w, const void *rec, struct err *err);

static const struct ent_field problem_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "type", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "type", F(type),
	  .values = problem_types,
	  .help = "what kind of problem: product, service, delivery, pricing or other",
	  .example = "delivery" },
	{ "severity", EK_ENUM, EF_REQUIRED | EF_SORT | EF_FILTER, "severity", F(severity),
	  .values = problem_severities,
	  .help = "low, medium, high or critical: sets the due time through the project's SLA",
	  .example = "high" },
	{ "title", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "title", F(title), 0, 200,
	  .help = "what went wrong, in a line", .example = "交换机到货延误两周" },
	{ "description", EK_NOTE, 0, "description", F(description), 0, 3000,
	  .help = "what the customer met, in detail", .example = "客户原定 3 月 1 日上线" },
	{ "owner", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "owner_id", F(owner_id),
	  .ref = &user_entity, .key_off = offsetof(struct problem, owner),
	  .key_size = sizeof(((struct problem *)0)->owner),
	  .help = "who answers for solving it (a login on the project)", .example = "wang.fang" },
	{ "owner_name", EK_TEXT, EF_READONLY, "name", F(owner_name), .via = "owner" },
	{ "customer", EK_REF, EF_REQUIRED | EF_SORT | EF_FILTER, "customer_id", F(customer_id),
	  .ref = &customer_entity, .key_off = offsetof(struct problem, customer),
	  .key_size = sizeof(((struct problem *)0)->customer),
	  .help = "the customer who met it (their id)", .example = "12" },
	{ "customer_name", EK_TEXT, EF_READONLY, "name", F(customer_name), .via = "customer" },
	{ "deal", EK_REF, EF_NULLABLE | EF_FILTER, "deal_id", F(deal_id), .ref = &deal_ref_entity,
	  .key_off = offsetof(struct problem, deal), .key_size = sizeof(((struct problem *)0)->deal),
	  .help = "the deal it concerns (its id; of the project and the customer)",
	  .example = "7" },
	{ "deal_title", EK_TEXT, EF_READONLY, "title", F(deal_title), .via = "deal" },
	{ "sale", EK_REF, EF_NULLABLE | EF_FILTER, "sale_id", F(sale_id), .ref = &sale_ref_entity,
	  .key_off = offsetof(struct problem, sale), .key_size = sizeof(((struct problem *)0)->sale),
	  .help = "the sales line it concerns (its id; of the project and the customer)",
	  .example = "1042" },
	{ "status", EK_ENUM, EF_READONLY | EF_SORT | EF_FILTER, "status", F(status),
	  .values = problem_statuses,
	  .help = "open, in_progress, resolved or closed; changes only by a move (problem "
		  "start, resolve, close, reopen)" },
	{ "opened_at", EK_INSTANT, EF_READONLY | EF_SORT | EF_FILTER, "opened_at", F(opened_at),
	  .help = "when it was recorded: its SLA runs from here" },
	{ "due_at", EK_INSTANT, EF_READONLY | EF_SORT, "due_at", F(due_at),
	  .help = "when it must be resolved by: opened_at plus the project's SLA for its severity" },
	{ "resolution", EK_NOTE, EF_READONLY, "resolution", F(resolution),
	  .help = "how it was resolved (given by the move to resolved)" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	/* the monitor's drill-down (analytics/monitor.c judges the same in C) */
	{ "open", EK_BOOL, EF_READONLY | EF_HIDDEN | EF_FILTER, NULL, F(open),
	  .help = "not yet resolved: open or in progress",
	  .filter_sql = "t.status IN ('open', 'in_progress')" },
	{ "breached", EK_BOOL, EF_READONLY | EF_HIDDEN | EF_FILTER, NULL, F(breached),
	  .help = "not yet resolved, and past its SLA due time",
	  .filter_sql = "t.status IN ('open', 'in_progress') AND t.due_at < ?NOW" },
	{ "due_soon", EK_BOOL, EF_READONLY | EF_HIDDEN | EF_FILTER, NULL, F(due_soon),
	  .help = "not yet resolved, within its SLA with less than a quarter of it left",
	  .filter_sql = "t.status IN ('open', 'in_progress') AND t.due_at >= ?NOW AND "
			"4 * ?NOW >= 3 * t.due_at + t.opened_at" },
	{ NULL },
};

#undef F

ENTITY(problem) = {
	.name = "problem",
	.plural = "problems",
	.table = "problems",
	.summary = "a problem a customer met (product, service, delivery, pricing, other) with "
		   "its severity, owner, SLA due time, status and resolution",
	.size = sizeof(struct problem),
	.fields = problem_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "owner",
	.order = "CASE t.status WHEN 'open' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'resolved' "
		 "THEN 3 ELSE 4 END, t.due_at, t.id",
	.hooks = { .check = problem_check,
		   .after = problem_after,
		   .fill = problem_fill,
		   .write_extra = problem_extra,
		   .write_detail = problem_detail },
	.extra_schema = "{\"resolved_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
			"\"closed_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"},"
			"\"overdue\":{\"type\":\"boolean\"},"
			"\"sla_met\":{\"type\":[\"boolean\",\"null\"]}}",
	.detail_schema = "{\"history\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
			 "\"properties\":{\"from\":{\"type\":[\"string\",\"null\"]},"
			 "\"to\":{\"type\":\"string\"},\"by\":{\"type\":[\"string\",\"null\"]},"
			 "\"by_name\":{\"type\":[\"string\",\"null\"]},"
			 "\"at\":{\"type\":\"string\",\"format\":\"date-time\"},"
			 "\"note\":{\"type\":\"string\"}}}}}",
	.section = "execution",
	.section_rank = 5,
};

static int status_index(const char *s)
{
	for (int i = 0; problem_statuses[i]; i++)
		if (!strcmp(problem_statuses[i], s))
			return i;
	return -1;
}

static int severity_index(const char *s)
{
	for (int i = 0; problem_severities[i]; i++)
		if (!strcmp(problem_severities[i], s))
			return i;
	return -1;
}

/* --- the SLA table ------------------------------------------------------------------ */

static const char SQL_SLA_ROWS[] = "SELECT severity, hours FROM problem_sla WHERE project_id = ?";
/* ?1 project, ?2 severity, ?3 hours, ?4 who, ?5 when */
static const char SQL_SLA_PUT[] =
	"INSERT INTO problem_sla (project_id, severity, hours, updated_by, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (project_id, severity) DO UPDATE SET "
	"hours = excluded.hours, updated_by = excluded.updated_by, updated_at = excluded.updated_at";

static int sla_read(struct store *st, int64_t project_id, struct problem_sla *out,
		    struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SLA_ROWS, err);
	int rc;

	for (int i = 0; i < PROBLEM_SEVERITIES; i++) {
		out->hours[i] = problem_sla_default_hours[i];
		out->set[i] = 0;
	}
	if (!s)
		return -1;
	store_bind_int(st, s, 1, project_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		int i = severity_index(store_col_text(st, s, 0));
		if (i >= 0) {
			out->hours[i] = store_col_int(st, s, 1);
			out->set[i] = 1;
		}
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int problem_sla_get(struct store *st, const struct actor *a, const char *code,
		    struct problem_sla *out, struct err *err)
{
	struct project p;

	if (project_get_as(st, a, code, PROLE_VIEWER, "reading the SLA", &p, err))
		return -1;
	return sla_read(st, p.id, out, err);
}

/* The table as JSON text for the audit. */
static const char *sla_json(const struct problem_sla *s, struct buf *b)
{
	struct jw w;

	buf_reset(b);
	jw_init(&w, b);
	jw_obj(&w);
	for (int i = 0; i < PROBLEM_SEVERITIES; i++)
		jw_kint(&w, problem_severities[i], s->hours[i]);
	jw_obj_end(&w);
	return buf_cstr(b);
}

int problem_sla_set(struct store *st, const struct actor *a, const char *code,
		    const int64_t hours[PROBLEM_SEVERITIES], const int given[PROBLEM_SEVERITIES],
		    struct problem_sla *out, struct err *err)
{
	struct project p;
	struct problem_sla before;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	struct tx tx = { 0 };
	int any = 0, r = -1;

	if (project_get(st, a, code, &p, err))
		return -1;
	for (int i = 0; i < PROBLEM_SEVERITIES; i++) {
		if (!given[i])
			continue;
		any = 1;
		if (hours[i] < 1 || hours[i] > 8760)
			return err_set(err, ERR_INVALID, problem_severities[i],
				       "sla_range:_,hours", "%s: an SLA is 1 to 8760 hours, not %lld",
				       problem_severities[i], (long long)hours[i]);
	}
	if (!any)
		return err_set(err, ERR_INVALID, "sla", "sla_nothing",
			       "name the hours of at least one severity (low, medium, high, critical)");
	if (tx_begin_project(&tx, st, a, p.id, p.code, PROLE_MANAGER, "changing the SLA", err))
		return -1;
	if (sla_read(st, p.id, &before, err))
		goto out;
	for (int i = 0; i < PROBLEM_SEVERITIES; i++) {
		struct stmt *s;
		int rc;
		if (!given[i])
			continue;
		if (!(s = store_prepare(st, SQL_SLA_PUT, err)))
			goto out;
		store_bind_int(st, s, 1, p.id);
		store_bind_text(st, s, 2, problem_severities[i]);
		store_bind_int(st, s, 3, hours[i]);
		store_bind_int(st, s, 4, a->user_id);
		store_bind_int(st, s, 5, tx.now);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
	}
	if (sla_read(st, p.id, out, err) ||
	    tx_audit(&tx, "problem_sla", p.id, "update", sla_json(&before, &b1), sla_json(out, &b2),
		     err) ||
	    tx_commit(&tx, err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

void problem_sla_write_json(struct jw *w, const char *code, const struct problem_sla *s)
{
	jw_obj(w);
	jw_kstr(w, "project", code);
	jw_key(w, "sla");
	jw_arr(w);
	for (int i = 0; i < PROBLEM_SEVERITIES; i++) {
		jw_obj(w);
		jw_kstr(w, "severity", problem_severities[i]);
		jw_kint(w, "hours", s->hours[i]);
		jw_kint(w, "standard_hours", problem_sla_default_hours[i]);
		jw_kbool(w, "custom", s->set[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

int problem_sla_parse(const char *text, const char *field, int64_t *hours, struct err *err)
{
	size_t n = strlen(text);
	int64_t v = 0, mult = 1;

	if (n && (text[n - 1] == 'h' || text[n - 1] == 'H'))
		n--;
	else if (n && (text[n - 1] == 'd' || text[n - 1] == 'D')) {
		n--;
		mult = 24;
	}
	if (!n || n > 6)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			goto bad;
		v = v * 10 + (text[i] - '0');
	}
	*hours = v * mult;
	return 0;
bad:
	return err_set(err, ERR_INVALID, field, "bad_sla:value",
		       "\"%.40s\" is not an SLA: hours as 4h or 4, days as 2d", text);
}

/* --- the record's rules ----------------------------------------------------------------- */

/* ?1 the project, ?2 the user */
static const char SQL_PROBLEM_MEMBER[] =
	"SELECT COUNT(*) FROM members WHERE project_id = ?1 AND user_id = ?2";
static const char SQL_PROBLEM_DEAL[] = "SELECT project_id, customer_id FROM deals WHERE id = ?";
static const char SQL_PROBLEM_SALE[] = "SELECT project_id, customer_id FROM sales WHERE id = ?";
/* ?1 id, ?2 opened, ?3 due */
static const char SQL_PROBLEM_TIMES[] = "UPDATE problems SET opened_at = ?2, due_at = ?3 WHERE id = ?1";
/* ?1 problem, ?2 from, ?3 to, ?4 note, ?5 who, ?6 when */
static const char SQL_PROBLEM_HISTORY_ADD[] =
	"INSERT INTO problem_history (problem_id, from_status, to_status, note, changed_by, "
	"changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* The project and customer of the deal or sale sql names by id. */
static int link_of(struct store *st, const char *sql, int64_t id, int64_t *project,
		   int64_t *customer, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	*project = *customer = NO_ID;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		*project = store_col_int(st, s, 0);
		*customer = store_col_int(st, s, 1);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* The deal or sale (what: "deal", "sale") is of the problem's project and customer. */
static int link_check(struct tx *tx, const char *what, const char *sql, int64_t id,
		      const char *key, const struct problem *p, const struct ent_input *in,
		      struct err *err)
{
	int64_t project, customer;

	if (id == NO_ID)
		return 0;
	if (link_of(tx->st, sql, id, &project, &customer, err))
		return -1;
	if (project != in->project->id)
		return err_set(err, ERR_INVALID, what, "link_other_project:_,key,project",
			       "%s %s is not of project %s", what, key, in->project->code);
	if (customer != p->customer_id)
		return err_set(err, ERR_INVALID, what, "link_other_customer:_,key,customer",
			       "%s %s is not of customer %s (%s)", what, key, p->customer,
			       p->customer_name);
	return 0;
}

static int problem_check(struct tx *tx, const void *before, void *rec,
			 const struct ent_input *in, struct err *err)
{
	const struct problem *cur = before;
	struct problem *p = rec;
	struct stmt *s;
	int64_t n = 0;
	int rc;

	if (!cur || p->owner_id != cur->owner_id) {
		if (!(s = store_prepare(tx->st, SQL_PROBLEM_MEMBER, err)))
			return -1;
		store_bind_int(tx->st, s, 1, in->project->id);
		store_bind_int(tx->st, s, 2, p->owner_id);
		rc = store_step(tx->st, s, err);
		n = rc == STORE_ROW ? store_col_int(tx->st, s, 0) : 0;
		store_done(tx->st, s);
		if (rc < 0)
			return -1;
		if (!n)
			return err_set(err, ERR_INVALID, "owner", "not_member:login,project",
				       "%s is not a member of %s", p->owner, in->project->code);
	}
	if (link_check(tx, "deal", SQL_PROBLEM_DEAL, p->deal_id, p->deal, p, in, err) ||
	    link_check(tx, "sale", SQL_PROBLEM_SALE, p->sale_id, p->sale, p, in, err))
		return -1;
	if (!cur) {
		snprintf(p->status, sizeof(p->status), "%s", problem_statuses[PS_OPEN]);
		p->resolution[0] = '\0';
		p->opened_at = tx->now;
	}
	if (!cur || strcmp(cur->severity, p->severity)) {
		struct problem_sla sla;
		int i = severity_index(p->severity);
		if (i < 0 || sla_read(tx->st, in->project->id, &sla, err))
			return i < 0 ? err_set(err, ERR_INVALID, "severity", "required",
					       "severity is required") : -1;
		p->due_at = p->opened_at + sla.hours[i] * 3600;
	}
	return 0;
}

static int history_add(struct tx *tx, int64_t id, const char *from, const char *to,
		       const char *note, int64_t at, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_PROBLEM_HISTORY_ADD, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, id);
	store_bind_text_or_null(tx->st, s, 2, from);
	store_bind_text(tx->st, s, 3, to);
	store_bind_text(tx->st, s, 4, note ? note : "");
	store_bind_int(tx->st, s, 5, tx->actor->user_id);
	store_bind_int(tx->st, s, 6, at);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * The times the engine does not write (readonly instants): when it was
 * opened and when it is due; a new problem's first line of history.
 */
static int problem_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err)
{
	const struct problem *cur = before, *p = after;
	struct stmt *s;
	int rc;

	if (!p) /* deleted: its history goes with it, its comments here */
		return comment_forget(tx, "problem", cur->id, err);
	if (notify_owner(tx, cur ? cur->owner_id : NO_ID, p->owner_id, "problem", p->id,
			 in->project->id, p->title, err))
		return -1;
	if (cur && cur->due_at == p->due_at)
		return 0;
	if (!(s = store_prepare(tx->st, SQL_PROBLEM_TIMES, err)))
		return -1;
	store_bind_int(tx->st, s, 1, p->id);
	store_bind_int(tx->st, s, 2, p->opened_at);
	store_bind_int(tx->st, s, 3, p->due_at);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	return cur ? 0 : history_add(tx, p->id, NULL, problem_statuses[PS_OPEN], NULL, p->opened_at, err);
}

static const char SQL_PROBLEM_ENDS[] = "SELECT resolved_at, closed_at FROM problems WHERE id = ?";

static int problem_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct problem *p = rec;
	struct stmt *s = store_prepare(st, SQL_PROBLEM_ENDS, err);
	int rc;

	(void)a;
	p->resolved_at = p->closed_at = NO_ID;
	p->now = ts_now();
	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		p->resolved_at = store_col_int_or(st, s, 0, NO_ID);
		p->closed_at = store_col_int_or(st, s, 1, NO_ID);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Not resolved, and past its due time. */
static int overdue(const struct problem *p)
{
	int i = status_index(p->status);
	return (i == PS_OPEN || i == PS_IN_PROGRESS) && p->now > p->due_at;
}

static void problem_extra(struct jw *w, const void *rec)
{
	const struct problem *p = rec;

	jw_key(w, "resolved_at");
	if (p->resolved_at == NO_ID)
		jw_null(w);
	else
		jw_ts(w, p->resolved_at);
	jw_key(w, "closed_at");
	if (p->closed_at == NO_ID)
		jw_null(w);
	else
		jw_ts(w, p->closed_at);
	jw_kbool(w, "overdue", overdue(p));
	jw_key(w, "sla_met");
	if (p->resolved_at == NO_ID)
		jw_null(w);
	else
		jw_bool(w, p->resolved_at <= p->due_at);
}

static const char SQL_PROBLEM_HISTORY[] =
	"SELECT h.from_status, h.to_status, u.login, u.name, h.changed_at, h.note "
	"FROM problem_history h LEFT JOIN users u ON u.id = h.changed_by "
	"WHERE h.problem_id = ? ORDER BY h.id";

static int problem_detail(struct store *st, struct jw *w, const void *rec, struct err *err)
{
	const struct problem *p = rec;
	struct stmt *s = store_prepare(st, SQL_PROBLEM_HISTORY, err);
	int rc;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, p->id);
	jw_key(w, "history");
	jw_arr(w);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		jw_obj(w);
		jw_kstr(w, "from", store_col_is_null(st, s, 0) ? NULL : store_col_text(st, s, 0));
		jw_kstr(w, "to", store_col_text(st, s, 1));
		jw_kstr(w, "by", store_col_is_null(st, s, 2) ? NULL : store_col_text(st, s, 2));
		jw_kstr(w, "by_name", store_col_is_null(st, s, 3) ? NULL : store_col_text(st, s, 3));
		jw_kts(w, "at", store_col_int(st, s, 4));
		jw_kstr(w, "note", store_col_text(st, s, 5));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- the status move ---------------------------------------------------------------------- */

/* ?1 status, ?2 resolution, ?3 resolved_at, ?4 closed_at, ?5 now, ?6 id, ?7 version */
static const char SQL_PROBLEM_MOVE[] =
	"UPDATE problems SET status = ?1, resolution = ?2, resolved_at = ?3, closed_at = ?4, "
	"version = version + 1, updated_at = ?5 WHERE id = ?6 AND version = ?7";
static const char SQL_PROBLEM_LAST_MOVE[] =
	"SELECT MAX(changed_at) FROM problem_history WHERE problem_id = ?";

/* Whether the move from to to is one a problem makes; else why not. */
static int move_allowed(int from, int to, const char *key, struct err *err)
{
	static const char *const allowed[] = {
		[PS_OPEN] = "in_progress or resolved",
		[PS_IN_PROGRESS] = "resolved",
		[PS_RESOLVED] = "closed or open (reopen)",
		[PS_CLOSED] = "open (reopen)",
	};
	int ok = (from == PS_OPEN && (to == PS_IN_PROGRESS || to == PS_RESOLVED)) ||
		 (from == PS_IN_PROGRESS && to == PS_RESOLVED) ||
		 (from == PS_RESOLVED && (to == PS_CLOSED || to == PS_OPEN)) ||
		 (from == PS_CLOSED && to == PS_OPEN);

	if (from == to)
		return err_set(err, ERR_INVALID, "status", "same_status:_,status",
			       "problem %s is already %s", key, problem_statuses[to]);
	if (!ok)
		return err_set(err, ERR_INVALID, "status", "problem_move:from,_,status",
			       "a problem that is %s moves to %s, not to %s", problem_statuses[from],
			       allowed[from], problem_statuses[to]);
	return 0;
}

/* The move's inputs, judged before the write: the status known, a resolution only to resolve. */
static int move_inputs(const struct problem_move *m, int *to, char *resolution, size_t size,
		       struct err *err)
{
	if (!m->status || (*to = status_index(m->status)) < 0)
		return err_set(err, ERR_INVALID, "status", "bad_enum:value,_,_,allowed",
			       "\"%.40s\" is not a %s %s (%s)", m->status ? m->status : "", "problem",
			       "status", "open, in_progress, resolved or closed");
	if (*to == PS_RESOLVED) {
		if (text_field(resolution, size, m->resolution ? m->resolution : "", 1, 1,
			       "resolution", err))
			return -1;
	} else if (m->resolution) {
		return err_set(err, ERR_INVALID, "resolution", "resolution_only",
			       "a resolution is given only with the move to resolved");
	}
	if (m->note && strlen(m->note) > 1000)
		return err_set(err, ERR_INVALID, "note", "too_long:_,len,max",
			       "note is too long (%zu bytes, at most %d)", strlen(m->note), 1000);
	return 0;
}

int problem_move(struct store *st, const struct actor *a, const char *code, const char *id,
		 const struct problem_move *m, void *out, struct err *err)
{
	struct problem cur, *now = out;
	struct project pr;
	struct ent_project ep;
	struct tx tx = { 0 };
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;
	char resolution[2000] = "", note[1004] = "";
	struct stmt *s;
	int64_t at, last = 0, resolved_at, closed_at;
	int from, to = 0, rc, r = -1;
	enum prole role;

	if (move_inputs(m, &to, resolution, sizeof(resolution), err) ||
	    (m->note && text_field(note, sizeof(note), m->note, 0, 1, "note", err)) ||
	    project_get(st, a, code, &pr, err))
		return -1;
	ep.id = pr.id;
	ep.code = pr.code;
	if (entity_get(st, a, &problem_entity, &ep, id, &cur, err))
		return -1;
	if (tx_begin_project(&tx, st, a, pr.id, pr.code, PROLE_MEMBER, "moving problems", err))
		return -1;
	/* read again under the write lock: the version and status as they are now */
	if (entity_load(st, &problem_entity, &ep, id, 1, &cur, err))
		goto out;
	role = project_access(st, a, pr.id, err);
	if (role < PROLE_MANAGER && cur.owner_id != a->user_id) {
		err_set(err, ERR_DENIED, "owner", "own_records_only:_,owner",
			"you may change only your own %s%s", "problems", "");
		goto out;
	}
	if (m->version != cur.version) {
		tx_version_conflict("problem", id, m->version, cur.version, err);
		goto out;
	}
	from = status_index(cur.status);
	if (move_allowed(from, to, id, err))
		goto out;
	if (!(s = store_prepare(st, SQL_PROBLEM_LAST_MOVE, err)))
		goto out;
	store_bind_int(st, s, 1, cur.id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		last = store_col_int_or(st, s, 0, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	at = m->at ? m->at : tx.now;
	if (at > tx.now || at < last || at < cur.opened_at) {
		char t1[TS_FMT_MAX];
		err_set(err, ERR_INVALID, "at", "move_time:at", "a move at %s is before the problem's last "
			"change or in the future", ts_format(at, t1));
		goto out;
	}
	if (problem_fill(st, a, &cur, err))
		goto out;
	resolved_at = to == PS_RESOLVED ? at : to == PS_CLOSED ? cur.resolved_at : NO_ID;
	closed_at = to == PS_CLOSED ? at : NO_ID;
	if (!(s = store_prepare(st, SQL_PROBLEM_MOVE, err)))
		goto out;
	store_bind_text(st, s, 1, problem_statuses[to]);
	store_bind_text(st, s, 2, to == PS_RESOLVED ? resolution
					     : to == PS_CLOSED ? cur.resolution : "");
	store_bind_int_or_null(st, s, 3, resolved_at, NO_ID);
	store_bind_int_or_null(st, s, 4, closed_at, NO_ID);
	store_bind_int(st, s, 5, tx.now);
	store_bind_int(st, s, 6, cur.id);
	store_bind_int(st, s, 7, cur.version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 ||
	    history_add(&tx, cur.id, problem_statuses[from], problem_statuses[to],
			to == PS_RESOLVED && !note[0] ? resolution : note, at, err) ||
	    entity_load(st, &problem_entity, &ep, id, 1, now, err) ||
	    problem_fill(st, a, now, err) ||
	    tx_audit(&tx, "problem", cur.id, "status", entity_json(&problem_entity, &cur, &b1),
		     entity_json(&problem_entity, now, &b2), err) ||
	    tx_commit(&tx, err))
		goto out;
	r = 0;
out:
	if (r)
		tx_abort(&tx);
	buf_release(&b1);
	buf_release(&b2);
	return r;
}

/* --- the summary per owner ------------------------------------------------------------------ */

/* ?1 project, ?2 now */
static const char SQL_PROBLEM_SUMMARY[] =
	"SELECT u.login, u.name, "
	"SUM(CASE WHEN p.status IN ('open', 'in_progress') THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN p.status IN ('open', 'in_progress') AND p.due_at < ?2 THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN p.resolved_at IS NOT NULL THEN 1 ELSE 0 END), "
	"SUM(CASE WHEN p.resolved_at IS NOT NULL AND p.resolved_at <= p.due_at THEN 1 ELSE 0 END) "
	"FROM problems p JOIN users u ON u.id = p.owner_id WHERE p.project_id = ?1 "
	"GROUP BY u.login, u.name ORDER BY u.login";

int problem_summary(struct store *st, const struct actor *a, const char *code, int64_t now,
		    struct problem_summary *out, struct err *err)
{
	struct project p;
	struct stmt *s;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (project_get_as(st, a, code, PROLE_VIEWER, "reading problems", &p, err))
		return -1;
	snprintf(out->project, sizeof(out->project), "%s", p.code);
	out->now = now ? now : ts_now();
	if (!(s = store_prepare(st, SQL_PROBLEM_SUMMARY, err)))
		return -1;
	store_bind_int(st, s, 1, p.id);
	store_bind_int(st, s, 2, out->now);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		struct problem_owner_sum *o;
		if (out->nowners == alloc) {
			alloc = alloc * 2 + 8;
			out->owners = xrealloc(out->owners, alloc * sizeof(*out->owners));
		}
		o = &out->owners[out->nowners++];
		memset(o, 0, sizeof(*o));
		snprintf(o->login, sizeof(o->login), "%s", store_col_text(st, s, 0));
		snprintf(o->name, sizeof(o->name), "%s", store_col_text(st, s, 1));
		o->open = store_col_int(st, s, 2);
		o->overdue = store_col_int(st, s, 3);
		o->resolved = store_col_int(st, s, 4);
		o->resolved_in_sla = store_col_int(st, s, 5);
		out->total.open += o->open;
		out->total.overdue += o->overdue;
		out->total.resolved += o->resolved;
		out->total.resolved_in_sla += o->resolved_in_sla;
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void problem_summary_release(struct problem_summary *s)
{
	free(s->owners);
	s->owners = NULL;
	s->nowners = 0;
}

static void owner_sum_json(struct jw *w, const struct problem_owner_sum *o, int named)
{
	jw_obj(w);
	if (named) {
		jw_kstr(w, "owner", o->login);
		jw_kstr(w, "name", o->name);
	}
	jw_kint(w, "open", o->open);
	jw_kint(w, "overdue", o->overdue);
	jw_kint(w, "resolved", o->resolved);
	jw_kint(w, "resolved_in_sla", o->resolved_in_sla);
	jw_key(w, "sla_rate");
	if (o->resolved)
		jw_num(w, (double)o->resolved_in_sla / (double)o->resolved, 4);
	else
		jw_null(w);
	jw_obj_end(w);
}

void problem_summary_write_json(struct jw *w, const struct problem_summary *s)
{
	jw_obj(w);
	jw_kstr(w, "project", s->project);
	jw_kts(w, "at", s->now);
	jw_key(w, "total");
	owner_sum_json(w, &s->total, 0);
	jw_key(w, "owners");
	jw_arr(w);
	for (size_t i = 0; i < s->nowners; i++)
		owner_sum_json(w, &s->owners[i], 1);
	jw_arr_end(w);
	jw_obj_end(w);
}
