/*
 * comment.c - the routes of comments and the inbox (core/comment.c,
 * core/notify.c):
 *   GET    /api/v1/comments?on=deal:12          the comments on a record
 *   POST   /api/v1/comments                     {"on","body"} a comment
 *   PATCH  /api/v1/comments/{id}                {"body","version"} the author's edit
 *   DELETE /api/v1/comments/{id}?version=N      the author's or a project manager's
 *   GET    /api/v1/inbox?unread=1&kind=&limit=&offset=   the caller's notifications
 *   GET    /api/v1/inbox/count                  unread counts per kind
 *   POST   /api/v1/inbox/{id}/read              one marked read
 *   POST   /api/v1/inbox/read-all               all marked read
 *   GET|PUT /api/v1/me/notification-settings    the kinds the caller receives
 * A comment's record names its project (or none: a customer), so the routes
 * are the workspace's; a record the caller may not see is "not found".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/comment.h"
#include "core/notify.h"
#include "base/banned.h"

static int id_param(struct api_req *r, const char *name, int64_t *id, struct err *err)
{
	const char *v = api_param(r, name);
	char *end = NULL;
	long long n = v && *v >= '0' && *v <= '9' ? strtoll(v, &end, 10) : 0;

	if (!end || *end || n <= 0)
		return err_set(err, ERR_NOT_FOUND, name, "no_record:_,key", "no %s \"%.40s\"",
			       name, v ? v : "");
	*id = n;
	return 0;
}

static int list_comments(struct api_req *r, struct err *err)
{
	struct comment_on on;

	if (comment_on_parse(api_query(r, "on"), &on, err))
		return -1;
	return comment_list_write_json(r->st, &r->actor, &on, &r->jw, err);
}

static int add_comment(struct api_req *r, struct err *err)
{
	const char *on_text = NULL, *body = NULL;
	struct comment_on on;
	int64_t id;
	const struct api_field fields[] = {
		{ "on", API_STR, API_REQUIRED, &on_text },
		{ "body", API_STR, API_REQUIRED, &body },
		{ NULL },
	};

	if (api_parse(r, fields, err) || comment_on_parse(on_text, &on, err) ||
	    comment_add(r->st, &r->actor, &on, body, &id, err) ||
	    comment_write_json(r->st, &r->actor, id, &r->jw, err))
		return -1;
	r->status = 201;
	return 0;
}

static int edit_comment(struct api_req *r, struct err *err)
{
	const char *body = NULL;
	int64_t id, version = 0;
	int has_version = 0;
	const struct api_field fields[] = {
		{ "body", API_STR, API_REQUIRED, &body },
		{ "version", API_INT, 0, &version, &has_version },
		{ NULL },
	};

	if (id_param(r, "id", &id, err) || api_parse(r, fields, err) ||
	    api_version(r, has_version, version, &version, err) ||
	    comment_edit(r->st, &r->actor, id, version, body, err))
		return -1;
	return comment_write_json(r->st, &r->actor, id, &r->jw, err);
}

static int delete_comment(struct api_req *r, struct err *err)
{
	int64_t id, version = 0;
	int has_version = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &version, &has_version },
		{ NULL },
	};

	if (id_param(r, "id", &id, err) || api_parse_optional(r, fields, err) ||
	    api_version(r, has_version, version, &version, err) ||
	    comment_delete(r->st, &r->actor, id, version, err))
		return -1;
	api_answer_deleted(r, id);
	return 0;
}

static int get_inbox(struct api_req *r, struct err *err)
{
	struct inbox_query q = { .kind = -1, .limit = INBOX_PAGE };
	const char *kind = api_query(r, "kind"), *unread = api_query(r, "unread");

	if (kind && *kind && notify_kind_parse(kind, "kind", &q.kind, err))
		return -1;
	if (unread && strcmp(unread, "0") && strcmp(unread, "1") && strcmp(unread, "true") &&
	    strcmp(unread, "false"))
		return err_set(err, ERR_INVALID, "unread", "not_bool", "unread must be 0 or 1");
	q.unread = unread && (!strcmp(unread, "1") || !strcmp(unread, "true"));
	if (api_query_int(r, "limit", &q.limit, err) || api_query_int(r, "offset", &q.offset, err))
		return -1;
	return inbox_list_write_json(r->st, &r->actor, &q, &r->jw, err);
}

static int inbox_count(struct api_req *r, struct err *err)
{
	return inbox_count_write_json(r->st, &r->actor, &r->jw, err);
}

static int inbox_read(struct api_req *r, struct err *err)
{
	int64_t id = NO_ID, changed;

	if (api_param(r, "id") && id_param(r, "id", &id, err))
		return -1;
	if (inbox_mark_read(r->st, &r->actor, id, &changed, err))
		return -1;
	jw_obj(&r->jw);
	jw_kint(&r->jw, "marked", changed);
	jw_obj_end(&r->jw);
	return 0;
}

static int get_settings(struct api_req *r, struct err *err)
{
	return notify_settings_write_json(r->st, &r->actor, &r->jw, err);
}

static int put_settings(struct api_req *r, struct err *err)
{
	int on[NK__COUNT], present[NK__COUNT] = { 0 }, want[NK__COUNT];
	struct api_field fields[NK__COUNT + 1];

	for (int k = 0; k < NK__COUNT; k++)
		fields[k] = (struct api_field){ notify_kinds[k], API_BOOL, 0, &on[k], &present[k] };
	fields[NK__COUNT] = (struct api_field){ NULL, 0, 0, NULL, NULL };
	if (api_parse(r, fields, err))
		return -1;
	for (int k = 0; k < NK__COUNT; k++)
		want[k] = present[k] ? on[k] != 0 : -1;
	if (notify_settings_put(r->st, &r->actor, want, err))
		return -1;
	return notify_settings_write_json(r->st, &r->actor, &r->jw, err);
}

const struct api_route api_comment_routes[] = {
	{ "GET", "/api/v1/comments", list_comments, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/comments", add_comment, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/comments/{id}", edit_comment, ROLE_VIEWER, 0 },
	{ "DELETE", "/api/v1/comments/{id}", delete_comment, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/inbox", get_inbox, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/inbox/count", inbox_count, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/inbox/{id}/read", inbox_read, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/inbox/read-all", inbox_read, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/me/notification-settings", get_settings, ROLE_VIEWER, 0 },
	{ "PUT", "/api/v1/me/notification-settings", put_settings, ROLE_VIEWER, 0 },
	{ NULL },
};
