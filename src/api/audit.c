/*
 * audit.c - /api/v1/audit: the audit log for admins, newest first, filtered
 * by entity and entity_id, paged with ?before=<id> (the answer's next_before).
 */
#include <string.h>

#include "api/api.h"
#include "core/audit.h"
#include "base/banned.h"

static int list_audit(struct api_req *r, struct err *err)
{
	struct audit_filter f = { NULL, NO_ID, NO_ID, 100 };
	struct audit_list l = { 0 };

	f.entity = api_query(r, "entity");
	if (api_query_int(r, "entity_id", &f.entity_id, err) ||
	    api_query_int(r, "before", &f.before_id, err) ||
	    api_query_int(r, "limit", &f.limit, err) || audit_list(r->st, &r->actor, &f, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "audit");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		audit_entry_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_key(&r->jw, "next_before");
	if (l.n && (int64_t)l.n == f.limit)
		jw_int(&r->jw, l.items[l.n - 1].id);
	else
		jw_null(&r->jw);
	jw_obj_end(&r->jw);
	audit_list_release(&l);
	return 0;
}

const struct api_route api_audit_routes[] = {
	{ "GET", "/api/v1/audit", list_audit, ROLE_ADMIN, 0 },
	{ NULL },
};
