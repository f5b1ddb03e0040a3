/*
 * engagement.c - a project's activities (step 4 of the method, execution): a
 * call, visit, demo, email, meeting or other contact with a customer and/or a
 * deal of the project, on a day and at a time, by a member, tagged pre-sale,
 * in-sale or after-sale, with its outcome and notes. A planned activity is the
 * member's to-do, due at its day and time (the end of its day without a time),
 * overdue once that has passed; marking it done says when. A project noun of
 * the entity engine (routes under /api/v1/projects/{code}/activities, the
 * CLI's `activity`; table in store/schema/018-activities.sql; labels
 * ent.activity.* in the UI's catalogs, screen web/src/screens/activities.js).
 * (core/activity.c is another thing: the customers' purchase days kept for
 * the customer metrics.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "core/customer.h"
#include "core/engagement.h"
#include "core/entity.h"
#include "core/project.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

struct activity {
	int64_t id;
	char kind[16];
	int32_t date;
	char time[8];
	int64_t user_id;
	char member[64];
	char member_name[128];
	int64_t customer_id;
	char customer[24];
	char customer_name[256];
	int64_t deal_id;
	char phase[16];
	char status[16];
	int64_t due_at;
	int overdue;
	int64_t done_at;
	char outcome[256];
	char notes[2000];
	int64_t version, created_at, updated_at;
};

#define F(field) offsetof(struct activity, field), sizeof(((struct activity *)0)->field)

const char *const activity_kinds[] = { "call", "visit", "demo", "email", "meeting", "other",
				       NULL };
const char *const activity_phases[] = { "pre_sale", "in_sale", "after_sale", NULL };
static const char *const activity_statuses[] = { "planned", "done", NULL };

static int activity_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err);
static int activity_after(struct tx *tx, const void *before, const void *after,
			  const struct ent_input *in, struct err *err);
static int activity_fill(struct store *st, const struct actor *a, void *rec, struct err *err);

static const struct ent_field activity_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "kind", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "kind", F(kind),
	  .values = activity_kinds, .help = "call, visit, demo, email, meeting or other",
	  .example = "visit" },
	{ "date", EK_DATE, EF_REQUIRED | EF_FILTER | EF_SORT, "happened_on", F(date),
	  .help = "the day it happens (lists filter on a range: FROM..TO)",
	  .example = "2027-01-12" },
	{ "time", EK_TEXT, 0, "at_time", F(time), 0, 5,
	  .help = "the time of day, HH:MM (24 hours; \"\" for none)", .example = "14:30" },
	{ "member", EK_REF, EF_FILTER | EF_SORT, "user_id", F(user_id), .ref = &user_entity,
	  .key_off = offsetof(struct activity, member),
	  .key_size = sizeof(((struct activity *)0)->member),
	  .help = "the member who does it (a login on the project; default: you)",
	  .example = "wang.fang" },
	{ "member_name", EK_TEXT, EF_READONLY, "name", F(member_name), .via = "member" },
	{ "customer", EK_REF, EF_NULLABLE | EF_FILTER | EF_SORT, "customer_id", F(customer_id),
	  .ref = &customer_entity, .key_off = offsetof(struct activity, customer),
	  .key_size = sizeof(((struct activity *)0)->customer),
	  .help = "the customer (its id); taken from the deal when only a deal is given",
	  .example = "12" },
	{ "customer_name", EK_TEXT, EF_READONLY, "name", F(customer_name), .via = "customer" },
	{ "deal", EK_COUNT, EF_NULLABLE | EF_FILTER, "deal_id", F(deal_id), 1, INT64_MAX,
	  .help = "the deal of the project it is about (its id)", .example = "7" },
	{ "phase", EK_ENUM, EF_REQUIRED | EF_FILTER | EF_SORT, "phase", F(phase),
	  .values = activity_phases, .help = "pre_sale, in_sale or after_sale",
	  .example = "pre_sale" },
	{ "status", EK_ENUM, EF_FILTER | EF_SORT, "status", F(status), .values = activity_statuses,
	  .help = "planned (a to-do) or done (default done)", .example = "planned" },
	{ "due_at", EK_INSTANT, EF_READONLY | EF_NULLABLE | EF_SORT, "due_at", F(due_at),
	  .help = "a planned activity's due time: its day and time (the end of its day without "
		  "a time) in the workspace's time zone" },
	{ "overdue", EK_BOOL, EF_READONLY | EF_FILTER, NULL, F(overdue),
	  .help = "planned, and its due time has passed",
	  .filter_sql = "t.status = 'planned' AND t.due_at < ?NOW" },
	{ "done_at", EK_INSTANT, EF_READONLY | EF_NULLABLE, "done_at", F(done_at),
	  .help = "when it was logged or marked done" },
	{ "outcome", EK_TEXT, 0, "outcome", F(outcome), 0, 200,
	  .help = "what came of it, in a line", .example = "约好下周演示" },
	{ "notes", EK_NOTE, 0, "notes", F(notes), 0, 1900,
	  .help = "notes", .example = "客户关心交付周期" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(activity) = {
	.name = "activity",
	.plural = "activities",
	.table = "activities",
	.summary = "a call, visit, demo, email or meeting with a customer or about a deal, "
		   "done or planned (a to-do)",
	.size = sizeof(struct activity),
	.fields = activity_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "member",
	.order = "t.happened_on DESC, t.at_time DESC, t.id DESC",
	.hooks = { .check = activity_check, .after = activity_after, .fill = activity_fill },
	/* its own screen at the route the nav gives it: web/src/screens/activities.js */
	.section = "execution",
	.section_rank = 1,
};

/* ?1 the project, ?2 the user: the member's project role ("" when not a member) */
static const char SQL_ACTIVITY_ROLE[] =
	"SELECT role FROM members WHERE project_id = ?1 AND user_id = ?2";
/* ?1 the deal, ?2 the project: the deal's customer */
static const char SQL_ACTIVITY_DEAL[] =
	"SELECT customer_id FROM deals WHERE id = ?1 AND project_id = ?2";
/* ?1 due, ?2 done, ?3 the activity: the times the server keeps */
static const char SQL_ACTIVITY_TIMES[] = "UPDATE activities SET due_at = ?1, done_at = ?2 WHERE id = ?3";

int engagement_member_role(struct tx *tx, int64_t project_id, int64_t user_id, char *role,
			   size_t size, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_ACTIVITY_ROLE, err);
	int rc;

	role[0] = '\0';
	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, project_id);
	store_bind_int(tx->st, s, 2, user_id);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW)
		snprintf(role, size, "%s", store_col_text(tx->st, s, 0));
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

int engagement_deal_customer(struct tx *tx, int64_t project_id, const char *code,
			     int64_t deal_id, int64_t *customer_id, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_ACTIVITY_DEAL, err);
	int rc;

	*customer_id = NO_ID;
	if (!s)
		return -1;
	store_bind_int(tx->st, s, 1, deal_id);
	store_bind_int(tx->st, s, 2, project_id);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW)
		*customer_id = store_col_int(tx->st, s, 0);
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	if (rc != STORE_ROW)
		return err_set(err, ERR_INVALID, "deal", "no_deal_in_project:deal,project",
			       "no deal %lld in %s", (long long)deal_id, code);
	return 0;
}

/* "HH:MM" (00:00 to 23:59) as minutes of the day; "" is -1. */
int engagement_hhmm(const char *s, const char *field, int *minutes, struct err *err)
{
	*minutes = -1;
	if (!*s)
		return 0;
	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9' ||
	    (s[0] - '0') * 10 + (s[1] - '0') > 23)
		return err_set(err, ERR_INVALID, field, "not_time:value",
			       "\"%s\" is not a time of day (write HH:MM, 00:00 to 23:59)", s);
	*minutes = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
	return 0;
}

int64_t engagement_local_instant(int32_t day, int minutes)
{
	struct tm tm = { 0 };
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minutes / 60;
	tm.tm_min = minutes % 60;
	tm.tm_isdst = -1;
	/* the wall clock of the process's time zone, which the store sets to the workspace's */
	return (int64_t)mktime(&tm);
}

/*
 * The member is on the project and not a viewer (default: the caller); a
 * customer or a deal of the project (the deal's customer when only the deal
 * is given; a deal and another customer are refused); the time is HH:MM. A
 * planned activity is due at its day and time; one marked done says when.
 */
static int activity_check(struct tx *tx, const void *before, void *rec,
			  const struct ent_input *in, struct err *err)
{
	const struct activity *cur = before;
	struct activity *r = rec;
	int64_t pid = in->project->id, deal_customer = NO_ID;
	char role[16];
	int minutes;

	if (!cur && !entity_given(&activity_entity, in, "member")) {
		r->user_id = tx->actor->user_id;
		snprintf(r->member, sizeof(r->member), "%s", tx->actor->login);
	}
	if (!cur && !entity_given(&activity_entity, in, "status"))
		snprintf(r->status, sizeof(r->status), "done");
	if (!cur || r->user_id != cur->user_id) {
		if (engagement_member_role(tx, pid, r->user_id, role, sizeof(role), err))
			return -1;
		if (!role[0])
			return err_set(err, ERR_INVALID, "member", "not_member:login,project",
				       "%s is not a member of %s", r->member, in->project->code);
		if (!strcmp(role, "viewer"))
			return err_set(err, ERR_INVALID, "member", "viewer_member:login",
				       "%s is a viewer of the project: activities are logged by "
				       "those who sell", r->member);
	}
	if (engagement_hhmm(r->time, "time", &minutes, err))
		return -1;
	if (r->customer_id == NO_ID && r->deal_id == NO_ID)
		return err_set(err, ERR_INVALID, "customer", "customer_or_deal",
			       "give a customer, a deal, or both");
	if (r->deal_id != NO_ID) {
		if (engagement_deal_customer(tx, pid, in->project->code, r->deal_id, &deal_customer,
					     err))
			return -1;
		if (r->customer_id == NO_ID) {
			r->customer_id = deal_customer;
			snprintf(r->customer, sizeof(r->customer), "%lld", (long long)deal_customer);
		} else if (r->customer_id != deal_customer) {
			return err_set(err, ERR_INVALID, "deal", "deal_customer:deal,customer",
				       "deal %lld is not customer %s's", (long long)r->deal_id,
				       r->customer);
		}
	}
	if (!strcmp(r->status, "planned")) {
		r->due_at = engagement_local_instant(r->date, minutes < 0 ? 24 * 60 : minutes);
		if (minutes < 0)
			r->due_at -= 1; /* 23:59:59, the end of its day */
		r->done_at = NO_ID;
	} else if (!cur || strcmp(cur->status, "done")) {
		r->done_at = tx->now;
	}
	return 0;
}

/* The times the server keeps (read-only fields the engine does not write). */
static int activity_after(struct tx *tx, const void *before, const void *after,
			  const struct ent_input *in, struct err *err)
{
	const struct activity *r = after;
	struct stmt *s;
	int rc;

	(void)before;
	(void)in;
	if (!r)
		return 0;
	if (!(s = store_prepare(tx->st, SQL_ACTIVITY_TIMES, err)))
		return -1;
	store_bind_int_or_null(tx->st, s, 1, r->due_at, NO_ID);
	store_bind_int_or_null(tx->st, s, 2, r->done_at, NO_ID);
	store_bind_int(tx->st, s, 3, r->id);
	rc = store_step(tx->st, s, err);
	store_done(tx->st, s);
	return rc < 0 ? -1 : 0;
}

/* Overdue: planned, and its due time has passed (as the list's filter says). */
static int activity_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct activity *r = rec;

	(void)st;
	(void)a;
	(void)err;
	r->overdue = !strcmp(r->status, "planned") && r->due_at != NO_ID && r->due_at < ts_now();
	return 0;
}
