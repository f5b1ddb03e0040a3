/*
 * meeting.c - a project's meetings (routes under
 * /api/v1/projects/{code}/meetings: api/meeting.c; the CLI's `meeting`:
 * cli/meeting.c; tables in store/schema/023-meetings.sql; screen
 * web/src/screens/meetings.js). A project noun of the entity engine with
 * faces of its own, since a meeting carries its attendees and action items:
 * the engine validates, versions, permits (managers every meeting, a member
 * the ones they organise: own_field), writes and audits the meeting; the
 * hooks here check and write the attendees and items in the same
 * transaction. Action items become tasks through the task core's own create
 * (meeting_make_tasks), each recorded with its task so it is converted once.
 */
#include "core/meeting.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "core/comment.h"
#include "core/engagement.h"
#include "core/project.h"
#include "core/task.h"
#include "core/tx.h"
#include "core/user.h"
#include "base/banned.h"

#define F(field) offsetof(struct meeting, field), sizeof(((struct meeting *)0)->field)

static int meeting_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			 struct err *err);
static int meeting_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err);
static int meeting_fill(struct store *st, const struct actor *a, void *rec, struct err *err);
static void meeting_extra(struct jw *w, const void *rec);

static const struct ent_field meeting_fields[] = {
	{ "id", EK_ID, EF_READONLY | EF_SORT, "id", F(id) },
	{ "title", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "title", F(title), 1, 200,
	  .help = "what the meeting is, in a line", .example = "周例会：销售管道评审" },
	{ "date", EK_DATE, EF_REQUIRED | EF_SORT | EF_FILTER, "held_on", F(date),
	  .help = "the day it is held", .example = "2027-01-11" },
	{ "start", EK_TEXT, EF_REQUIRED, "start_time", F(start), 5, 5,
	  .help = "its start, HH:MM on the workspace's clock", .example = "09:30" },
	{ "end", EK_TEXT, 0, "end_time", F(end), 0, 5,
	  .help = "its end, HH:MM, after the start (or give a duration)", .example = "10:30" },
	{ "duration", EK_COUNT, EF_INPUT, NULL, F(duration), 1, 24 * 60,
	  .help = "its length in minutes, instead of an end", .example = "60" },
	{ "starts_at", EK_INSTANT, EF_READONLY | EF_SORT, "starts_at", F(starts_at),
	  .help = "its start as an instant (UTC)" },
	{ "ends_at", EK_INSTANT, EF_READONLY, "ends_at", F(ends_at),
	  .help = "its end as an instant (UTC)" },
	{ "location", EK_TEXT, EF_FILTER, "location", F(location), 0, 200,
	  .help = "where: a room, an address or a call link", .example = "上海办公室 3F 会议室" },
	{ "organizer", EK_REF, EF_FILTER | EF_SORT, "organizer_id", F(organizer_id),
	  .ref = &user_entity, .key_off = offsetof(struct meeting, organizer),
	  .key_size = sizeof(((struct meeting *)0)->organizer),
	  .help = "who calls it (a login on the project; default: you)", .example = "wang.fang" },
	{ "organizer_name", EK_TEXT, EF_READONLY, "name", F(organizer_name), .via = "organizer" },
	{ "agenda", EK_NOTE, 0, "agenda", F(agenda), 0, 3900,
	  .help = "what is to be discussed", .example = "1. 本周赢单\n2. 卡住的商机" },
	{ "minutes", EK_NOTE, 0, "minutes", F(minutes), 0, 7900,
	  .help = "what was said", .example = "华东区本周新增 3 个商机" },
	{ "decisions", EK_NOTE, 0, "decisions", F(decisions), 0, 3900,
	  .help = "what was decided", .example = "对重点客户开放 5% 折扣" },
	{ "upcoming", EK_BOOL, EF_READONLY | EF_FILTER, NULL, F(upcoming),
	  .help = "it has not ended yet", .filter_sql = "t.ends_at >= ?NOW" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

#undef F

ENTITY(meeting) = {
	.name = "meeting",
	.plural = "meetings",
	.table = "meetings",
	.summary = "a meeting of the project: a day and times, a location, attendees, agenda, "
		   "minutes, decisions and action items that become tasks",
	.size = sizeof(struct meeting),
	.fields = meeting_fields,
	.scope = ENT_PROJECT,
	.read_prole = PROLE_VIEWER,
	.write_prole = PROLE_MANAGER,
	.own_field = "organizer",
	.order = "t.held_on DESC, t.start_time DESC, t.id DESC",
	.hooks = { .check = meeting_check,
		   .after = meeting_after,
		   .fill = meeting_fill,
		   .write_extra = meeting_extra },
	.extra_schema =
		"{\"attendees\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
		"\"action_items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}",
	/* its own faces (api/meeting.c, cli/meeting.c) and screen (web/src/screens/meetings.js) */
	.own_faces = 1,
	.section = "plan",
	.section_rank = 3,
};

void meeting_input_init(struct ent_input *in, struct meeting *rec)
{
	memset(in, 0, sizeof(*in));
	memset(rec, 0, sizeof(*rec));
	for (const struct ent_field *f = meeting_entity.fields; f->name; f++)
		entity_set_none(f, rec);
	in->rec = rec;
}

/* "HH:MM" as minutes past midnight, which a meeting's start and end must be. */
static int hhmm(const char *s, const char *field, int *minutes, struct err *err)
{
	if (engagement_hhmm(s, field, minutes, err))
		return -1;
	if (*minutes < 0)
		return err_set(err, ERR_INVALID, field, "required", "%s is required", field);
	return 0;
}

static const char SQL_MEETING_USER[] = "SELECT id, name FROM users WHERE login = ?";

/*
 * The user named login, who must be a member of the project: their id and
 * name; field and the reason name what they were to be.
 */
static int member_of(struct tx *tx, const struct ent_input *in, const char *login,
		     const char *field, int64_t *id, char *name, size_t name_size, struct err *err)
{
	struct stmt *s = store_prepare(tx->st, SQL_MEETING_USER, err);
	char role[16];
	int rc;

	*id = NO_ID;
	if (!s)
		return -1;
	store_bind_text(tx->st, s, 1, login);
	rc = store_step(tx->st, s, err);
	if (rc == STORE_ROW) {
		*id = store_col_int(tx->st, s, 0);
		if (name)
			snprintf(name, name_size, "%s", store_col_text(tx->st, s, 1));
	}
	store_done(tx->st, s);
	if (rc < 0)
		return -1;
	role[0] = 0;
	if (*id != NO_ID &&
	    engagement_member_role(tx, in->project->id, *id, role, sizeof(role), err))
		return -1;
	if (!role[0])
		return err_set(err, ERR_INVALID, field, "not_member:login,project",
			       "%s is not a member of %s", login, in->project->code);
	return 0;
}

/* The attendees given: members, each once (a repeat is dropped). */
static int check_attendees(struct tx *tx, const struct meeting *given, struct meeting *m,
			   const struct ent_input *in, struct err *err)
{
	m->nattendees = 0;
	for (int i = 0; i < given->nattendees; i++) {
		struct meeting_attendee at = given->attendees[i];
		int dup = 0;
		if (member_of(tx, in, at.login, "attendees", &at.user_id, at.name, sizeof(at.name),
			      err))
			return -1;
		for (int j = 0; j < m->nattendees; j++)
			dup |= m->attendees[j].user_id == at.user_id;
		if (!dup)
			m->attendees[m->nattendees++] = at;
	}
	return 0;
}

static const struct meeting_item *item_by_id(const struct meeting *m, int64_t id)
{
	for (int i = 0; i < m->nitems; i++)
		if (m->items[i].id == id)
			return &m->items[i];
	return NULL;
}

/*
 * The items given replace the stored ones: each with a text, an assignee on
 * the project and a due day; one that became a task stays as it was (it is
 * changed in its task) and may not be taken away.
 */
static int check_items(struct tx *tx, const struct meeting *cur, const struct meeting *given,
		       struct meeting *m, const struct ent_input *in, struct err *err)
{
	m->nitems = 0;
	for (int i = 0; i < given->nitems; i++) {
		struct meeting_item it = given->items[i];
		const struct meeting_item *old = it.id ? (cur ? item_by_id(cur, it.id) : NULL) : NULL;
		if (it.id && !old)
			return err_set(err, ERR_INVALID, "action_items", "no_item:item",
				       "the meeting has no action item %lld", (long long)it.id);
		if (old && old->task_id != NO_ID) {
			if (strcmp(old->text, it.text) || strcmp(old->assignee, it.assignee) ||
			    old->due != it.due)
				return err_set(err, ERR_INVALID, "action_items",
					       "item_converted:item,task",
					       "action item %lld became task #%lld: change the task",
					       (long long)it.id, (long long)old->task_id);
			m->items[m->nitems++] = *old;
			continue;
		}
		if (!it.text[0])
			return err_set(err, ERR_INVALID, "action_items", "item_text_required:n",
				       "action item %d has no text", i + 1);
		if (it.due == NO_DATE)
			return err_set(err, ERR_INVALID, "action_items", "item_due_required:n",
				       "action item %d has no due day", i + 1);
		if (member_of(tx, in, it.assignee, "action_items", &it.assignee_id,
			      it.assignee_name, sizeof(it.assignee_name), err))
			return -1;
		it.task_id = NO_ID;
		m->items[m->nitems++] = it;
	}
	for (int i = 0; cur && i < cur->nitems; i++) {
		const struct meeting_item *old = &cur->items[i];
		if (old->task_id != NO_ID && !item_by_id(m, old->id))
			return err_set(err, ERR_INVALID, "action_items", "item_converted:item,task",
				       "action item %lld became task #%lld: change the task",
				       (long long)old->id, (long long)old->task_id);
	}
	return 0;
}

/* The task's own create, as any face would call it: every value as a user types it. */
static int make_task(struct tx *tx, const struct ent_input *in, const struct meeting *m,
		     const struct meeting_item *it, int64_t *task_id, struct err *err)
{
	const struct entity *e = &task_entity;
	void *rec = xcalloc(1, e->size), *out = xcalloc(1, e->size);
	struct ent_input tin = { 0 };
	char due[DATE_FMT_MAX], start[DATE_FMT_MAX], day[DATE_FMT_MAX], desc[400];
	const char *names[] = { "title", "description", "assignee", "start", "due" };
	const char *values[5];
	int r = -1;

	for (const struct ent_field *f = e->fields; f->name; f++)
		entity_set_none(f, rec);
	tin.rec = rec;
	/* the work starts at the meeting, or on its due day when that is earlier */
	date_format(m->date < it->due ? m->date : it->due, start);
	snprintf(desc, sizeof(desc), "Action item of meeting #%lld \"%.200s\" (%s)",
		 (long long)m->id, m->title, date_format(m->date, day));
	values[0] = it->text;
	values[1] = desc;
	values[2] = it->assignee;
	values[3] = start;
	values[4] = date_format(it->due, due);
	for (size_t i = 0; i < 5; i++) {
		const struct ent_field *f = entity_field(e, names[i]);
		if (entity_parse_text(f, values[i], rec, err))
			goto out;
		entity_input_set(e, &tin, f, 0);
	}
	if (entity_create(tx->st, tx->actor, e, in->project, &tin, out, err))
		goto out;
	*task_id = *(const int64_t *)((const char *)out + entity_field(e, "id")->off);
	r = 0;
out:
	free(rec);
	free(out);
	return r;
}

/* Make tasks of the items asked for (given->convert; none: every one not converted yet). */
static int convert_items(struct tx *tx, const struct meeting *given, struct meeting *m,
			 const struct ent_input *in, struct err *err)
{
	int made = 0;

	for (int k = 0; k < given->nconvert; k++) {
		const struct meeting_item *it = item_by_id(m, given->convert[k]);
		if (!it)
			return err_set(err, ERR_INVALID, "items", "no_item:item",
				       "the meeting has no action item %lld",
				       (long long)given->convert[k]);
		if (it->task_id != NO_ID)
			return err_set(err, ERR_CONFLICT, "items", "item_converted:item,task",
				       "action item %lld became task #%lld already",
				       (long long)it->id, (long long)it->task_id);
	}
	for (int i = 0; i < m->nitems; i++) {
		struct meeting_item *it = &m->items[i];
		int asked = !given->nconvert;
		for (int k = 0; k < given->nconvert; k++)
			asked |= given->convert[k] == it->id;
		if (!asked || it->task_id != NO_ID)
			continue;
		if (make_task(tx, in, m, it, &it->task_id, err))
			return -1;
		made++;
	}
	if (!made)
		return err_set(err, ERR_INVALID, "items", "nothing_to_convert",
			       "every action item of the meeting is a task already");
	return 0;
}

static int meeting_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
			 struct err *err)
{
	const struct meeting *cur = before, *given = in->rec;
	struct meeting *m = rec;
	int start, end;

	if (given->converting)
		return convert_items(tx, given, m, in, err);
	if (!cur && !entity_given(&meeting_entity, in, "organizer")) {
		m->organizer_id = tx->actor->user_id;
		snprintf(m->organizer, sizeof(m->organizer), "%s", tx->actor->login);
	}
	if ((!cur || m->organizer_id != cur->organizer_id) &&
	    member_of(tx, in, m->organizer, "organizer", &m->organizer_id, NULL, 0, err))
		return -1;
	if (hhmm(m->start, "start", &start, err))
		return -1;
	if (entity_given(&meeting_entity, in, "duration") && m->duration != NO_ID) {
		if (entity_given(&meeting_entity, in, "end") && m->end[0])
			return err_set(err, ERR_INVALID, "duration", "end_or_duration",
				       "give an end or a duration, not both");
		if (start + m->duration > 24 * 60 - 1)
			return err_set(err, ERR_INVALID, "duration", "past_midnight:start,minutes",
				       "a meeting from %s for %lld minutes would end after 23:59",
				       m->start, (long long)m->duration);
		end = start + (int)m->duration;
		snprintf(m->end, sizeof(m->end), "%02d:%02d", (end / 60) % 24, end % 60);
	}
	if (hhmm(m->end, "end", &end, err))
		return -1;
	if (end <= start)
		return err_set(err, ERR_INVALID, "end", "end_before_start:end,start",
			       "the end %s is not after the start %s", m->end, m->start);
	m->duration = NO_ID;
	m->starts_at = engagement_local_instant(m->date, start);
	m->ends_at = engagement_local_instant(m->date, end);
	if (given->attendees_given && check_attendees(tx, given, m, in, err))
		return -1;
	if (given->items_given && check_items(tx, cur, given, m, in, err))
		return -1;
	return 0;
}

/* ?1 starts_at, ?2 ends_at, ?3 the meeting */
static const char SQL_MEETING_TIMES[] = "UPDATE meetings SET starts_at = ?1, ends_at = ?2 WHERE id = ?3";
static const char SQL_MEETING_ATT_CLEAR[] = "DELETE FROM meeting_attendees WHERE meeting_id = ?";
static const char SQL_MEETING_ATT_ADD[] =
	"INSERT INTO meeting_attendees (meeting_id, user_id) VALUES (?1, ?2)";
static const char SQL_MEETING_ITEM_DEL[] = "DELETE FROM meeting_items WHERE id = ?";
/* ?1 position, ?2 text, ?3 assignee, ?4 due, ?5 task, ?6 the item */
static const char SQL_MEETING_ITEM_SET[] =
	"UPDATE meeting_items SET position = ?1, text = ?2, assignee_id = ?3, due_on = ?4, "
	"task_id = ?5 WHERE id = ?6";
/* ?1 meeting, ?2 position, ?3 text, ?4 assignee, ?5 due */
static const char SQL_MEETING_ITEM_ADD[] =
	"INSERT INTO meeting_items (meeting_id, position, text, assignee_id, due_on) "
	"VALUES (?1, ?2, ?3, ?4, ?5)";

/* Run sql with ?1..?n bound to v[]; texts where t[i] is not NULL. */
static int exec_n(struct store *st, const char *sql, int n, const int64_t *v,
		  const char *const *t, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;

	if (!s)
		return -1;
	for (int i = 0; i < n; i++) {
		if (t && t[i])
			store_bind_text(st, s, i + 1, t[i]);
		else
			store_bind_int_or_null(st, s, i + 1, v[i], NO_ID);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static int write_items(struct tx *tx, const struct meeting *cur, const struct meeting *m,
		       struct err *err)
{
	for (int i = 0; cur && i < cur->nitems; i++)
		if (!item_by_id(m, cur->items[i].id) &&
		    exec_n(tx->st, SQL_MEETING_ITEM_DEL, 1, &cur->items[i].id, NULL, err))
			return -1;
	for (int i = 0; i < m->nitems; i++) {
		const struct meeting_item *it = &m->items[i];
		if (it->id) {
			int64_t v[6] = { i + 1, 0, it->assignee_id, it->due, it->task_id, it->id };
			const char *t[6] = { NULL, it->text, NULL, NULL, NULL, NULL };
			if (exec_n(tx->st, SQL_MEETING_ITEM_SET, 6, v, t, err))
				return -1;
		} else {
			int64_t v[5] = { m->id, i + 1, 0, it->assignee_id, it->due };
			const char *t[5] = { NULL, NULL, it->text, NULL, NULL };
			if (exec_n(tx->st, SQL_MEETING_ITEM_ADD, 5, v, t, err))
				return -1;
		}
	}
	return 0;
}

/* The times the server keeps, then the attendees and items as checked. */
static int meeting_after(struct tx *tx, const void *before, const void *after,
			 const struct ent_input *in, struct err *err)
{
	const struct meeting *m = after, *given = in->rec;

	if (!m) /* a delete: the attendees and items go with it (ON DELETE CASCADE), its talk here */
		return comment_forget(tx, "meeting", ((const struct meeting *)before)->id, err);
	{
		int64_t v[3] = { m->starts_at, m->ends_at, m->id };
		if (exec_n(tx->st, SQL_MEETING_TIMES, 3, v, NULL, err))
			return -1;
	}
	if (given->attendees_given) {
		if (exec_n(tx->st, SQL_MEETING_ATT_CLEAR, 1, &m->id, NULL, err))
			return -1;
		for (int i = 0; i < m->nattendees; i++) {
			int64_t v[2] = { m->id, m->attendees[i].user_id };
			if (exec_n(tx->st, SQL_MEETING_ATT_ADD, 2, v, NULL, err))
				return -1;
		}
	}
	if (given->items_given || given->converting)
		return write_items(tx, before, m, err);
	return 0;
}

static const char SQL_MEETING_ATTENDEES[] =
	"SELECT u.id, u.login, u.name FROM meeting_attendees a JOIN users u ON u.id = a.user_id "
	"WHERE a.meeting_id = ? ORDER BY u.login";
static const char SQL_MEETING_ITEMS[] =
	"SELECT i.id, i.text, u.id, u.login, u.name, i.due_on, i.task_id FROM meeting_items i "
	"JOIN users u ON u.id = i.assignee_id WHERE i.meeting_id = ? ORDER BY i.position, i.id";

/* Its attendees and action items; whether it has not ended yet. */
static int meeting_fill(struct store *st, const struct actor *a, void *rec, struct err *err)
{
	struct meeting *m = rec;
	struct stmt *s;
	int rc;

	(void)a;
	m->upcoming = m->ends_at >= ts_now();
	m->nattendees = m->nitems = 0;
	if (!(s = store_prepare(st, SQL_MEETING_ATTENDEES, err)))
		return -1;
	store_bind_int(st, s, 1, m->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW && m->nattendees < MEETING_MAX_ATTENDEES) {
		struct meeting_attendee *at = &m->attendees[m->nattendees++];
		at->user_id = store_col_int(st, s, 0);
		snprintf(at->login, sizeof(at->login), "%s", store_col_text(st, s, 1));
		snprintf(at->name, sizeof(at->name), "%s", store_col_text(st, s, 2));
	}
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, SQL_MEETING_ITEMS, err)))
		return -1;
	store_bind_int(st, s, 1, m->id);
	while ((rc = store_step(st, s, err)) == STORE_ROW && m->nitems < MEETING_MAX_ITEMS) {
		struct meeting_item *it = &m->items[m->nitems++];
		it->id = store_col_int(st, s, 0);
		snprintf(it->text, sizeof(it->text), "%s", store_col_text(st, s, 1));
		it->assignee_id = store_col_int(st, s, 2);
		snprintf(it->assignee, sizeof(it->assignee), "%s", store_col_text(st, s, 3));
		snprintf(it->assignee_name, sizeof(it->assignee_name), "%s",
			 store_col_text(st, s, 4));
		it->due = (int32_t)store_col_int(st, s, 5);
		it->task_id = store_col_int_or(st, s, 6, NO_ID);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

static void meeting_extra(struct jw *w, const void *rec)
{
	const struct meeting *m = rec;

	jw_key(w, "attendees");
	jw_arr(w);
	for (int i = 0; i < m->nattendees; i++) {
		jw_obj(w);
		jw_kstr(w, "login", m->attendees[i].login);
		jw_kstr(w, "name", m->attendees[i].name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "action_items");
	jw_arr(w);
	for (int i = 0; i < m->nitems; i++) {
		const struct meeting_item *it = &m->items[i];
		jw_obj(w);
		if (it->id)
			jw_kint(w, "id", it->id);
		else
			jw_kstr(w, "id", NULL);
		jw_kstr(w, "text", it->text);
		jw_kstr(w, "assignee", it->assignee);
		jw_kstr(w, "assignee_name", it->assignee_name);
		jw_kdate(w, "due", it->due);
		if (it->task_id != NO_ID)
			jw_kint(w, "task", it->task_id);
		else
			jw_kstr(w, "task", NULL);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

int meeting_save(struct store *st, const struct actor *a, const char *code, const char *id,
		 struct ent_input *in, struct meeting *out, struct err *err)
{
	struct project pr;
	struct ent_project ep;

	if (project_get(st, a, code, &pr, err))
		return -1;
	ep.id = pr.id;
	ep.code = pr.code;
	if (!id)
		return entity_create(st, a, &meeting_entity, &ep, in, out, err);
	return entity_update(st, a, &meeting_entity, &ep, id, in, out, err);
}

int meeting_make_tasks(struct store *st, const struct actor *a, const char *code,
		       const char *id, const int64_t *ids, size_t n, int64_t version,
		       struct meeting *out, struct err *err)
{
	struct project pr;
	struct ent_project ep;
	struct ent_input in;
	struct meeting *given = xmalloc(sizeof(*given));
	int r = -1;

	meeting_input_init(&in, given);
	if (n > MEETING_MAX_ITEMS) {
		err_set(err, ERR_INVALID, "items", "too_many:_,max", "%s: at most %d", "items",
			MEETING_MAX_ITEMS);
		goto out;
	}
	if (project_get(st, a, code, &pr, err))
		goto out;
	ep.id = pr.id;
	ep.code = pr.code;
	if (version == ENT_ANY_VERSION) {
		/* the meeting as it is now: a race with another change still meets the version check */
		if (entity_get(st, a, &meeting_entity, &ep, id, out, err))
			goto out;
		version = out->version;
	}
	given->converting = 1;
	given->nconvert = (int)n;
	for (size_t i = 0; i < n; i++)
		given->convert[i] = ids[i];
	in.version = version;
	r = entity_update(st, a, &meeting_entity, &ep, id, &in, out, err);
out:
	free(given);
	return r;
}
