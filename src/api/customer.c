/*
 * customer.c - /api/v1/customers: the workspace's customers (created by their
 * first sale), searched by name, and their segment set by a manager. Names in
 * the path arrive URL-decoded, Chinese included.
 */
#include <string.h>

#include "api/api.h"
#include "core/customer.h"
#include "base/banned.h"

#define CUSTOMER_LIMIT_DEFAULT 100
#define CUSTOMER_LIMIT_MAX 1000

static int list_customers(struct api_req *r, struct err *err)
{
	struct customer_list l = { 0 };
	const char *q = api_query(r, "q");
	int64_t limit = CUSTOMER_LIMIT_DEFAULT;

	if (api_query_int(r, "limit", &limit, err))
		return -1;
	if (limit < 1 || limit > CUSTOMER_LIMIT_MAX)
		return err_set(err, ERR_INVALID, "limit", "limit_range:max,value", "limit must be between 1 and %d, not %lld",
			       CUSTOMER_LIMIT_MAX, (long long)limit);
	if (customer_list(r->st, &r->actor, q && *q ? q : NULL, (size_t)limit, &l, err)) {
		customer_list_release(&l);
		return -1;
	}
	jw_obj(&r->jw);
	jw_key(&r->jw, "customers");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		customer_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	customer_list_release(&l);
	return 0;
}

static int get_customer(struct api_req *r, struct err *err)
{
	struct customer c;

	if (customer_get(r->st, api_param(r, "name"), &c, err))
		return -1;
	customer_write_json(&r->jw, &c);
	return 0;
}

static int update_customer(struct api_req *r, struct err *err)
{
	const char *segment = NULL;
	int64_t version = 0;
	const struct api_field fields[] = {
		{ "segment", API_STR, API_REQUIRED | API_NULLABLE, &segment },
		{ "version", API_INT, API_REQUIRED, &version },
		{ NULL },
	};
	struct customer out;

	/* null or "" takes the customer out of any segment */
	if (api_parse(r, fields, err) ||
	    customer_set_segment(r->st, &r->actor, api_param(r, "name"), segment, version, &out,
				 err))
		return -1;
	customer_write_json(&r->jw, &out);
	return 0;
}

const struct api_route api_customer_routes[] = {
	{ "GET", "/api/v1/customers", list_customers, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/customers/{name}", get_customer, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/customers/{name}", update_customer, ROLE_MANAGER, 0 },
	{ NULL },
};
