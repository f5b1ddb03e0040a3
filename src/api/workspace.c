/*
 * workspace.c - /api/v1/workspace: the workspace settings (name, currency,
 * time zone); everyone reads them, an admin changes them.
 */
#include "api/api.h"
#include "core/workspace.h"
#include "base/banned.h"

static void write_workspace(struct api_req *r, const struct workspace *ws)
{
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "name", ws->name);
	jw_kstr(&r->jw, "currency", ws->currency);
	jw_kstr(&r->jw, "timezone", ws->timezone);
	jw_obj_end(&r->jw);
}

static int get_workspace(struct api_req *r, struct err *err)
{
	struct workspace ws;

	if (api_workspace_load(r->st, &ws, err))
		return -1;
	write_workspace(r, &ws);
	return 0;
}

static int update_workspace(struct api_req *r, struct err *err)
{
	const char *name = NULL, *currency = NULL, *timezone = NULL;
	const struct api_field fields[] = {
		{ "name", API_STR, 0, &name },
		{ "currency", API_STR, 0, &currency },
		{ "timezone", API_STR, 0, &timezone },
		{ NULL },
	};
	struct workspace ws;

	if (api_parse(r, fields, err) ||
	    workspace_update(r->st, &r->actor, name, currency, timezone, err) ||
	    api_workspace_load(r->st, &ws, err))
		return -1;
	write_workspace(r, &ws);
	return 0;
}

const struct api_route api_workspace_routes[] = {
	{ "GET", "/api/v1/workspace", get_workspace, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/workspace", update_workspace, ROLE_ADMIN, 0 },
	{ NULL },
};
