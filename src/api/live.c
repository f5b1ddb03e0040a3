/*
 * live.c - GET /api/v1/events: the caller's stream of changes (server-sent
 * events). The handler only judges the request (the project, Last-Event-ID);
 * the server holds the connection and the fan-out sends (http/live.c).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/project.h"
#include "base/banned.h"

static int open_events(struct api_req *r, struct err *err)
{
	const char *code = api_query(r, "project");
	const char *last = api_header(r, "Last-Event-ID");
	struct project p;

	r->events_after = -1;
	if (code) {
		/* one the caller may not see is not found, as everywhere */
		if (project_get(r->st, &r->actor, code, &p, err))
			return -1;
		memcpy(r->events_project, p.code, sizeof(r->events_project));
	}
	if (last && *last) {
		char *end;
		long long id = strtoll(last, &end, 10);
		/* a resume point we did not give is no resume point: the client re-reads */
		if (!*end && id >= 0)
			r->events_after = id;
	}
	r->events_open = 1;
	return 0;
}

const struct api_route api_live_routes[] = {
	{ "GET", "/api/v1/events", open_events, ROLE_VIEWER, 0 },
	{ NULL },
};
