/*
 * meeting.c - the routes of meetings (core/meeting.c) and of the calendar
 * feed (core/calendar.c):
 *   GET    /api/v1/projects/{code}/meetings            list (?upcoming=yes|no)
 *   POST   /api/v1/projects/{code}/meetings            create
 *   GET    /api/v1/projects/{code}/meetings/{id}       one meeting
 *   PATCH  /api/v1/projects/{code}/meetings/{id}       change (attendees, items replace)
 *   DELETE /api/v1/projects/{code}/meetings/{id}       delete
 *   POST   /api/v1/projects/{code}/meetings/{id}/tasks action items -> tasks ({"items":[ids]})
 *   GET|POST|DELETE /api/v1/me/calendar                the caller's feed link
 *   GET    /api/v1/calendar/{feed}                     the feed ("<secret>.ics"), no session
 * A meeting's body: its fields as the description names them (strings as a
 * user types them, duration an integer), "attendees": [logins],
 * "action_items": [{"id"?, "text", "assignee", "due"}], "version" to update.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "base/date.h"
#include "core/calendar.h"
#include "core/meeting.h"
#include "core/project.h"
#include "base/banned.h"

static int project_of(struct api_req *r, struct ent_project *ep, struct err *err)
{
	struct project pr;

	if (project_get(r->st, &r->actor, api_param(r, "code"), &pr, err))
		return -1;
	ep->id = pr.id;
	ep->code = api_param(r, "code");
	return 0;
}

static int bad_type(const char *field, const char *want, const json_t *v, struct err *err)
{
	return err_set(err, ERR_INVALID, field, "wrong_type:_,type,got", "%s must be %s, not %s",
		       field, want, api_json_kind(v));
}

/* A JSON string member without control characters into dst (size bytes). */
static int str_into(json_t *v, const char *field, char *dst, size_t size, struct err *err)
{
	if (!json_is_string(v))
		return bad_type(field, "a string", v, err);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(err, ERR_INVALID, field, "control_character:_,at",
			       "%s contains a control character at byte %zu", field,
			       strlen(json_string_value(v)));
	return api_copy(dst, size, json_string_value(v), field, err);
}

static int parse_attendees(json_t *v, struct meeting *m, struct err *err)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v))
		return bad_type("attendees", "an array of logins", v, err);
	if (json_array_size(v) > MEETING_MAX_ATTENDEES)
		return err_set(err, ERR_INVALID, "attendees", "too_many:_,max", "%s: at most %d",
			       "attendees", MEETING_MAX_ATTENDEES);
	json_array_foreach(v, i, x) {
		if (str_into(x, "attendees", m->attendees[i].login, sizeof(m->attendees[i].login),
			     err))
			return -1;
	}
	m->nattendees = (int)json_array_size(v);
	m->attendees_given = 1;
	return 0;
}

static int parse_item(json_t *o, size_t n, struct meeting_item *it, struct err *err)
{
	char prefix[48];
	static const char *const keys[] = { "id", "text", "assignee", "due", "task",
					    "assignee_name", NULL };
	json_t *v;
	int present;

	if (!json_is_object(o))
		return bad_type("action_items", "an array of objects", o, err);
	snprintf(prefix, sizeof(prefix), "action_items[%zu].", n);
	if (api_known_keys(o, keys, prefix, err) ||
	    api_member_int(o, "id", "action_items", 0, &it->id, &present, err))
		return -1;
	if (!present || json_is_null(json_object_get(o, "id")))
		it->id = 0;
	else if (it->id < 1)
		return err_set(err, ERR_INVALID, "action_items", "no_item:item",
			       "the meeting has no action item %lld", (long long)it->id);
	if ((v = json_object_get(o, "text")) &&
	    str_into(v, "action_items", it->text, sizeof(it->text), err))
		return -1;
	if ((v = json_object_get(o, "assignee")) &&
	    str_into(v, "action_items", it->assignee, sizeof(it->assignee), err))
		return -1;
	it->due = NO_DATE;
	if ((v = json_object_get(o, "due")) && !json_is_null(v)) {
		char d[16];
		if (str_into(v, "action_items", d, sizeof(d), err) ||
		    date_parse(d, strlen(d), &it->due, "action_items", err))
			return -1;
	}
	return 0;
}

static int parse_items(json_t *v, struct meeting *m, struct err *err)
{
	size_t i;
	json_t *x;

	if (!json_is_array(v))
		return bad_type("action_items", "an array of objects", v, err);
	if (json_array_size(v) > MEETING_MAX_ITEMS)
		return err_set(err, ERR_INVALID, "action_items", "too_many:_,max", "%s: at most %d",
			       "action_items", MEETING_MAX_ITEMS);
	json_array_foreach(v, i, x) {
		if (parse_item(x, i, &m->items[i], err))
			return -1;
	}
	m->nitems = (int)json_array_size(v);
	m->items_given = 1;
	return 0;
}

/* One field of the description from its JSON value. */
static int parse_field(const struct ent_field *f, json_t *v, struct ent_input *in,
		       struct err *err)
{
	char text[8192];

	if ((f->flags & EF_READONLY) || f->kind == EK_ID || f->kind == EK_VERSION)
		return err_set(err, ERR_INVALID, f->name, "read_only", "%s is set by the server",
			       f->name);
	if (json_is_null(v)) {
		entity_input_set(&meeting_entity, in, f, 1);
		return 0;
	}
	if (f->kind == EK_COUNT) {
		if (!json_is_integer(v))
			return bad_type(f->name, "an integer", v, err);
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (str_into(v, f->name, text, sizeof(text), err)) {
		return -1;
	}
	if (entity_parse_text(f, text, in->rec, err))
		return -1;
	entity_input_set(&meeting_entity, in, f, 0);
	return 0;
}

/* The body of a create or update into in (its rec a struct meeting). */
static int parse_meeting(struct api_req *r, struct ent_input *in, int update, struct err *err)
{
	json_t *root = api_body_object(r, err), *v;
	const char *name;
	int have_version = 0, ret = -1;

	if (!root)
		return -1;
	json_object_foreach(root, name, v) {
		const struct ent_field *f = entity_field(&meeting_entity, name);
		if (update && !strcmp(name, "version")) {
			if (!json_is_integer(v)) {
				bad_type("version", "an integer", v, err);
				goto out;
			}
			in->version = (int64_t)json_integer_value(v);
			have_version = 1;
		} else if (!strcmp(name, "attendees")) {
			if (parse_attendees(v, in->rec, err))
				goto out;
		} else if (!strcmp(name, "action_items")) {
			if (parse_items(v, in->rec, err))
				goto out;
		} else if (!f) {
			err_set(err, ERR_INVALID, name, "unknown_field:name", "unknown field \"%.40s\"",
				name);
			goto out;
		} else if (parse_field(f, v, in, err)) {
			goto out;
		}
	}
	if (update && api_version(r, have_version, in->version, &in->version, err))
		goto out;
	ret = 0;
out:
	json_decref(root);
	return ret;
}

static int list_meetings(struct api_req *r, struct err *err)
{
	struct ent_project ep;
	struct ent_query q = { 0 };
	struct ent_rows rows = { 0 };
	static const char *const filters[] = { "upcoming", "organizer", "title", "date", NULL };

	if (project_of(r, &ep, err))
		return -1;
	for (int i = 0; filters[i]; i++) {
		const char *v = api_query(r, filters[i]);
		if (v) {
			q.filter_name[q.nfilters] = filters[i];
			q.filter_value[q.nfilters++] = v;
		}
	}
	if (api_query_int(r, "limit", &q.limit, err) || api_query_int(r, "offset", &q.offset, err) ||
	    entity_list(r->st, &r->actor, &meeting_entity, &ep, &q, &rows, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "meetings");
	jw_arr(&r->jw);
	for (size_t i = 0; i < rows.n; i++)
		entity_write_json(&r->jw, &meeting_entity,
				  (const char *)rows.items + i * meeting_entity.size);
	jw_arr_end(&r->jw);
	jw_kint(&r->jw, "total", rows.total);
	jw_obj_end(&r->jw);
	entity_rows_release(&rows);
	return 0;
}

static int get_meeting(struct api_req *r, struct err *err)
{
	struct ent_project ep;
	struct meeting *m = arena_alloc(r->arena, sizeof(*m));

	if (project_of(r, &ep, err) ||
	    entity_get(r->st, &r->actor, &meeting_entity, &ep, api_param(r, "id"), m, err))
		return -1;
	entity_write_json(&r->jw, &meeting_entity, m);
	return 0;
}

static int save_meeting(struct api_req *r, int update, struct err *err)
{
	struct meeting *given = arena_alloc(r->arena, sizeof(*given));
	struct meeting *out = arena_alloc(r->arena, sizeof(*out));
	struct ent_input in;

	meeting_input_init(&in, given);
	if (parse_meeting(r, &in, update, err) ||
	    meeting_save(r->st, &r->actor, api_param(r, "code"), update ? api_param(r, "id") : NULL,
			 &in, out, err))
		return -1;
	if (!update)
		r->status = 201;
	entity_write_json(&r->jw, &meeting_entity, out);
	return 0;
}

static int create_meeting(struct api_req *r, struct err *err)
{
	return save_meeting(r, 0, err);
}

static int update_meeting(struct api_req *r, struct err *err)
{
	return save_meeting(r, 1, err);
}

static int delete_meeting(struct api_req *r, struct err *err)
{
	struct ent_project ep;
	int64_t version = 0;
	int has = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &version, &has },
		{ NULL },
	};

	if (project_of(r, &ep, err) || api_parse_optional(r, fields, err) ||
	    api_version(r, has, version, &version, err) ||
	    entity_delete(r->st, &r->actor, &meeting_entity, &ep, api_param(r, "id"), version,
			  err))
		return -1;
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "id", api_param(r, "id"));
	jw_kbool(&r->jw, "deleted", 1);
	jw_obj_end(&r->jw);
	return 0;
}

/* {"items": [ids]} (absent or empty: every item not yet a task), "version" optional. */
static int make_tasks(struct api_req *r, struct err *err)
{
	static const char *const keys[] = { "items", "version", NULL };
	struct meeting *out = arena_alloc(r->arena, sizeof(*out));
	int64_t ids[MEETING_MAX_ITEMS], version = ENT_ANY_VERSION;
	size_t n = 0, i;
	json_t *root = NULL, *v, *x;
	int present, ret = -1;

	if (r->body_len) {
		if (!(root = api_body_object(r, err)) || api_known_keys(root, keys, NULL, err) ||
		    api_member_int(root, "version", "version", 0, &version, &present, err))
			goto out;
		if (!present)
			version = ENT_ANY_VERSION;
		if ((v = json_object_get(root, "items")) && !json_is_null(v)) {
			if (!json_is_array(v)) {
				bad_type("items", "an array of action item ids", v, err);
				goto out;
			}
			if (json_array_size(v) > MEETING_MAX_ITEMS) {
				err_set(err, ERR_INVALID, "items", "too_many:_,max", "%s: at most %d",
					"items", MEETING_MAX_ITEMS);
				goto out;
			}
			json_array_foreach(v, i, x) {
				if (!json_is_integer(x) || json_integer_value(x) < 1) {
					bad_type("items", "an array of action item ids", x, err);
					goto out;
				}
				ids[n++] = (int64_t)json_integer_value(x);
			}
		}
	}
	if (meeting_make_tasks(r->st, &r->actor, api_param(r, "code"), api_param(r, "id"), ids, n,
			       version, out, err))
		goto out;
	entity_write_json(&r->jw, &meeting_entity, out);
	ret = 0;
out:
	if (root)
		json_decref(root);
	return ret;
}

/* --- the calendar feed ---------------------------------------------------------------- */

static void calendar_status_json(struct api_req *r, int exists, int64_t created_at,
				 const char *secret)
{
	jw_obj(&r->jw);
	jw_kbool(&r->jw, "exists", exists);
	if (exists)
		jw_kts(&r->jw, "created_at", created_at);
	else
		jw_kstr(&r->jw, "created_at", NULL);
	if (secret) {
		char path[160];
		snprintf(path, sizeof(path), "/api/v1/calendar/%s.ics", secret);
		jw_kstr(&r->jw, "path", path);
	}
	jw_obj_end(&r->jw);
}

static int get_calendar(struct api_req *r, struct err *err)
{
	int exists;
	int64_t at;

	if (calendar_feed_status(r->st, &r->actor, &exists, &at, err))
		return -1;
	calendar_status_json(r, exists, at, NULL);
	return 0;
}

static int rotate_calendar(struct api_req *r, struct err *err)
{
	char secret[AUTH_SECRET_MAX];
	int exists;
	int64_t at;

	if (calendar_feed_rotate(r->st, &r->actor, secret, err) ||
	    calendar_feed_status(r->st, &r->actor, &exists, &at, err))
		return -1;
	r->status = 201;
	calendar_status_json(r, exists, at, secret);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int revoke_calendar(struct api_req *r, struct err *err)
{
	if (calendar_feed_revoke(r->st, &r->actor, err))
		return -1;
	calendar_status_json(r, 0, 0, NULL);
	return 0;
}

/* The feed: the path's last segment is the secret and ".ics". */
static int calendar_feed(struct api_req *r, struct err *err)
{
	const char *feed = api_param(r, "feed");
	size_t len = strlen(feed);
	char secret[AUTH_SECRET_MAX];

	if (len <= 4 || len - 4 >= sizeof(secret) || strcmp(feed + len - 4, ".ics"))
		return err_set(err, ERR_NOT_FOUND, "calendar", "no_calendar_link",
			       "no calendar at this link (it was revoked or replaced)");
	memcpy(secret, feed, len - 4);
	secret[len - 4] = 0;
	if (calendar_feed_write(r->st, secret, &r->out, err))
		return -1;
	r->content_type_out = "text/calendar; charset=utf-8";
	api_header_out(r, "Cache-Control", "private, no-cache");
	return 0;
}

const struct api_route api_meeting_routes[] = {
	{ "GET", "/api/v1/projects/{code}/meetings", list_meetings, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/projects/{code}/meetings", create_meeting, ROLE_REP, 0 },
	{ "GET", "/api/v1/projects/{code}/meetings/{id}", get_meeting, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/projects/{code}/meetings/{id}", update_meeting, ROLE_REP, 0 },
	{ "DELETE", "/api/v1/projects/{code}/meetings/{id}", delete_meeting, ROLE_REP, 0 },
	{ "POST", "/api/v1/projects/{code}/meetings/{id}/tasks", make_tasks, ROLE_REP, 0 },
	{ "GET", "/api/v1/me/calendar", get_calendar, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/me/calendar", rotate_calendar, ROLE_VIEWER, API_SECRET },
	{ "DELETE", "/api/v1/me/calendar", revoke_calendar, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/calendar/{feed}", calendar_feed, API_PUBLIC, 0 },
	{ NULL },
};
