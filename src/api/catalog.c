/*
 * catalog.c - the strategy step's reference data over HTTP: segments,
 * channels, products with their price history, and promotions. Everyone
 * signed in reads them; managers and admins change them (core's rule).
 */
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "core/catalog.h"
#include "base/banned.h"

/* The version a DELETE names: ?version=N or {"version": N}. */
static int delete_version(struct api_req *r, int64_t *version, struct err *err)
{
	int64_t v = 0;
	int has = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, 0, &v, &has },
		{ NULL },
	};
	if (api_parse_optional(r, fields, err))
		return -1;
	return api_version(r, has, v, version, err);
}

static void deleted(struct api_req *r, const char *key, const char *value)
{
	jw_obj(&r->jw);
	jw_kstr(&r->jw, key, value);
	jw_kbool(&r->jw, "deleted", 1);
	jw_obj_end(&r->jw);
}

/* --- products and prices ------------------------------------------------------------ */

struct product_body {
	const char *sku, *name, *reason;
	int64_t cost, price, version;
	int active;
	int32_t effective_on;
	int has_cost, has_price;
};

#define PRODUCT_FIELDS(b, req)                                                                  \
	{ "sku", API_STR, req, &(b).sku }, { "name", API_STR, req, &(b).name },                 \
	{ "cost", API_INT, req, &(b).cost, &(b).has_cost },                                     \
	{ "price", API_INT, req, &(b).price, &(b).has_price },                                  \
	{ "active", API_BOOL, 0, &(b).active },                                                 \
	{ "effective", API_DATE, 0, &(b).effective_on }

static int product_apply(const struct product_body *b, struct product *p, struct err *err)
{
	if (api_copy(p->sku, sizeof(p->sku), b->sku, "sku", err) ||
	    api_copy(p->name, sizeof(p->name), b->name, "name", err))
		return -1;
	if (b->has_cost)
		p->cost_minor = b->cost;
	if (b->has_price)
		p->price_minor = b->price;
	if (b->active >= 0)
		p->active = b->active;
	return 0;
}

static int list_products(struct api_req *r, struct err *err)
{
	struct product_list l = { 0 };
	if (product_list(r->st, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "products");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		product_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	product_list_release(&l);
	return 0;
}

static int create_product(struct api_req *r, struct err *err)
{
	struct product_body b = { 0 };
	const struct api_field fields[] = { PRODUCT_FIELDS(b, API_REQUIRED), { NULL } };
	struct product in = { 0 }, out;

	b.active = -1;
	b.effective_on = NO_DATE;
	in.active = 1;
	if (api_parse(r, fields, err) || product_apply(&b, &in, err) ||
	    product_create(r->st, &r->actor, &in, b.effective_on, &out, err))
		return -1;
	r->status = 201;
	product_write_json(&r->jw, &out);
	return 0;
}

static int get_product(struct api_req *r, struct err *err)
{
	struct product p;
	if (product_get(r->st, api_param(r, "sku"), &p, err))
		return -1;
	product_write_json(&r->jw, &p);
	return 0;
}

static int update_product(struct api_req *r, struct err *err)
{
	struct product_body b = { 0 };
	const struct api_field fields[] = {
		PRODUCT_FIELDS(b, 0),
		{ "reason", API_STR, 0, &b.reason },
		{ "version", API_INT, API_REQUIRED, &b.version },
		{ NULL },
	};
	struct product cur, out;

	b.active = -1;
	b.effective_on = NO_DATE;
	if (api_parse(r, fields, err) || product_get(r->st, api_param(r, "sku"), &cur, err))
		return -1;
	if (b.sku && strcmp(b.sku, cur.sku))
		return err_set(err, ERR_INVALID, "sku", "key_immutable", "a product's SKU cannot change");
	if (product_apply(&b, &cur, err))
		return -1;
	cur.version = b.version;
	if (product_update(r->st, &r->actor, &cur,
			   (b.has_cost ? PRODUCT_SET_COST : 0) | (b.has_price ? PRODUCT_SET_PRICE : 0),
			   b.effective_on, b.reason ? b.reason : "", &out, err))
		return -1;
	product_write_json(&r->jw, &out);
	return 0;
}

static int delete_product(struct api_req *r, struct err *err)
{
	int64_t v;
	if (delete_version(r, &v, err) ||
	    product_delete(r->st, &r->actor, api_param(r, "sku"), v, err))
		return -1;
	deleted(r, "sku", api_param(r, "sku"));
	return 0;
}

static int list_prices(struct api_req *r, struct err *err)
{
	struct price_list l = { 0 };
	if (product_prices(r->st, api_param(r, "sku"), &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "prices");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		price_change_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	price_list_release(&l);
	return 0;
}

/* --- promotions ------------------------------------------------------------------------ */

struct promotion_body {
	const char *code, *name, *kind;
	double value;
	int32_t starts_on, ends_on;
	int64_t budget, version;
	int has_value, has_start, has_end, has_budget;
};

#define PROMOTION_FIELDS(b, req)                                                                \
	{ "code", API_STR, req, &(b).code }, { "name", API_STR, req, &(b).name },               \
	{ "kind", API_STR, req, &(b).kind },                                                    \
	{ "value", API_NUM, 0, &(b).value, &(b).has_value },                                    \
	{ "start", API_DATE, API_NULLABLE, &(b).starts_on, &(b).has_start },                    \
	{ "end", API_DATE, API_NULLABLE, &(b).ends_on, &(b).has_end },                          \
	{ "budget", API_INT, 0, &(b).budget, &(b).has_budget }

static int promotion_apply(const struct promotion_body *b, struct promotion *p, struct err *err)
{
	if (api_copy(p->code, sizeof(p->code), b->code, "code", err) ||
	    api_copy(p->name, sizeof(p->name), b->name, "name", err) ||
	    api_copy(p->kind, sizeof(p->kind), b->kind, "kind", err))
		return -1;
	if (b->has_value) {
		/* percent: a rate kept in basis points; the other kinds: an integer. */
		if (!strcmp(p->kind, "percent")) {
			if (api_rate_bp(b->value, "value", &p->value, err))
				return -1;
		} else if (b->value != floor(b->value) || fabs(b->value) > 9e15) {
			return err_set(err, ERR_INVALID, "value", "promotion_value_integer:kind",
				       "value must be an integer for a %s promotion", p->kind);
		} else {
			p->value = (int64_t)b->value;
		}
	}
	if (b->has_start)
		p->starts_on = b->starts_on;
	if (b->has_end)
		p->ends_on = b->ends_on;
	if (b->has_budget)
		p->budget_minor = b->budget;
	return 0;
}

static void promotion_body_init(struct promotion_body *b)
{
	memset(b, 0, sizeof(*b));
	b->starts_on = b->ends_on = NO_DATE;
}

static int list_promotions(struct api_req *r, struct err *err)
{
	struct promotion_list l = { 0 };
	if (promotion_list(r->st, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "promotions");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		promotion_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	promotion_list_release(&l);
	return 0;
}

static int create_promotion(struct api_req *r, struct err *err)
{
	struct promotion_body b;
	struct promotion in = { 0 }, out;

	promotion_body_init(&b);
	in.starts_on = in.ends_on = NO_DATE;
	{
		const struct api_field fields[] = { PROMOTION_FIELDS(b, API_REQUIRED), { NULL } };
		if (api_parse(r, fields, err))
			return -1;
	}
	if (promotion_apply(&b, &in, err) || promotion_create(r->st, &r->actor, &in, &out, err))
		return -1;
	r->status = 201;
	promotion_write_json(&r->jw, &out);
	return 0;
}

static int get_promotion(struct api_req *r, struct err *err)
{
	struct promotion p;
	if (promotion_get(r->st, api_param(r, "code"), &p, err))
		return -1;
	promotion_write_json(&r->jw, &p);
	return 0;
}

static int update_promotion(struct api_req *r, struct err *err)
{
	struct promotion_body b;
	struct promotion cur, out;

	promotion_body_init(&b);
	{
		const struct api_field fields[] = {
			PROMOTION_FIELDS(b, 0),
			{ "version", API_INT, API_REQUIRED, &b.version },
			{ NULL },
		};
		if (api_parse(r, fields, err))
			return -1;
	}
	if (promotion_get(r->st, api_param(r, "code"), &cur, err))
		return -1;
	if (b.code && strcmp(b.code, cur.code))
		return err_set(err, ERR_INVALID, "code", "key_immutable", "a promotion's code cannot change");
	if (promotion_apply(&b, &cur, err))
		return -1;
	cur.version = b.version;
	if (promotion_update(r->st, &r->actor, &cur, &out, err))
		return -1;
	promotion_write_json(&r->jw, &out);
	return 0;
}

static int delete_promotion(struct api_req *r, struct err *err)
{
	int64_t v;
	if (delete_version(r, &v, err) ||
	    promotion_delete(r->st, &r->actor, api_param(r, "code"), v, err))
		return -1;
	deleted(r, "code", api_param(r, "code"));
	return 0;
}

const struct api_route api_catalog_routes[] = {
	{ "GET", "/api/v1/products", list_products, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/products", create_product, ROLE_MANAGER, 0 },
	{ "GET", "/api/v1/products/{sku}", get_product, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/products/{sku}", update_product, ROLE_MANAGER, 0 },
	{ "DELETE", "/api/v1/products/{sku}", delete_product, ROLE_MANAGER, 0 },
	{ "GET", "/api/v1/products/{sku}/prices", list_prices, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/promotions", list_promotions, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/promotions", create_promotion, ROLE_MANAGER, 0 },
	{ "GET", "/api/v1/promotions/{code}", get_promotion, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/promotions/{code}", update_promotion, ROLE_MANAGER, 0 },
	{ "DELETE", "/api/v1/promotions/{code}", delete_promotion, ROLE_MANAGER, 0 },
	{ NULL },
};
