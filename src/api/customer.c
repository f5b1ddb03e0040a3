/*
 * customer.c - /api/v1/customers: the workspace's customers (created by their
 * first sale), searched by part of the name and by segment, with what they
 * bought in the projects the caller may see; one customer with its sales,
 * newest first. Customers are named by id in the path; setting the segment
 * (PATCH, a manager) is the entity engine's (core/customer.c).
 */
#include <string.h>

#include "api/api.h"
#include "base/money.h"
#include "core/customer.h"
#include "base/banned.h"

#define CUSTOMER_LIMIT_DEFAULT 100
#define CUSTOMER_LIMIT_MAX 1000
#define SALES_LIMIT_DEFAULT 50
#define SALES_LIMIT_MAX 1000

/* limit (1..max, default def) and offset (>= 0) of a page. */
static int page(struct api_req *r, int64_t def, int64_t max, int64_t *limit, int64_t *offset,
		struct err *err)
{
	*limit = def;
	*offset = 0;
	if (api_query_int(r, "limit", limit, err) || api_query_int(r, "offset", offset, err))
		return -1;
	if (*limit < 1 || *limit > max)
		return err_set(err, ERR_INVALID, "limit", "limit_range:max,value", "limit must be between 1 and %lld, not %lld",
			       (long long)max, (long long)*limit);
	if (*offset < 0)
		return err_set(err, ERR_INVALID, "offset", "negative", "offset cannot be negative");
	return 0;
}

/* The {id} of the path; text that is not a positive integer names no customer. */
static int path_id(struct api_req *r, int64_t *id, struct err *err)
{
	const char *s = api_param(r, "id");
	if (!s || int_parse(s, strlen(s), id, "id", NULL) || *id <= 0)
		return err_set(err, ERR_NOT_FOUND, "customer", "no_customer:name", "no customer \"%.60s\"",
			       s ? s : "");
	return 0;
}

static int list_customers(struct api_req *r, struct err *err)
{
	struct customer_list l = { 0 };
	struct customer_filter f = { 0 };
	const char *q = api_query(r, "q"), *seg = api_query(r, "segment");

	f.q = q && *q ? q : NULL;
	f.segment = seg && *seg ? seg : NULL;
	if (page(r, CUSTOMER_LIMIT_DEFAULT, CUSTOMER_LIMIT_MAX, &f.limit, &f.offset, err) ||
	    customer_list(r->st, &r->actor, &f, &l, err)) {
		customer_list_release(&l);
		return -1;
	}
	jw_obj(&r->jw);
	jw_key(&r->jw, "customers");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		customer_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_kint(&r->jw, "total", l.total);
	jw_kint(&r->jw, "limit", f.limit);
	jw_kint(&r->jw, "offset", f.offset);
	jw_obj_end(&r->jw);
	customer_list_release(&l);
	return 0;
}

static int get_customer(struct api_req *r, struct err *err)
{
	struct customer c;
	struct customer_sales l = { 0 };
	int64_t id, limit, offset;

	if (path_id(r, &id, err) ||
	    page(r, SALES_LIMIT_DEFAULT, SALES_LIMIT_MAX, &limit, &offset, err) ||
	    customer_get_id(r->st, &r->actor, id, &c, err) ||
	    customer_sales(r->st, &r->actor, id, limit, offset, &l, err)) {
		customer_sales_release(&l);
		return -1;
	}
	jw_obj(&r->jw);
	jw_key(&r->jw, "customer");
	customer_write_json(&r->jw, &c);
	jw_key(&r->jw, "sales");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		customer_sale_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_kint(&r->jw, "total", l.total);
	jw_kint(&r->jw, "limit", limit);
	jw_kint(&r->jw, "offset", offset);
	jw_obj_end(&r->jw);
	customer_sales_release(&l);
	return 0;
}

const struct api_route api_customer_routes[] = {
	{ "GET", "/api/v1/customers", list_customers, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/customers/{id}", get_customer, ROLE_VIEWER, 0 },
	{ NULL },
};
