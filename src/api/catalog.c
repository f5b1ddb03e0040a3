/*
 * catalog.c - what the entity engine's generic routes do not give of the
 * strategy step's reference data: a product's price history as its own list
 * (GET /api/v1/products/{sku}/prices). Products and promotions themselves
 * are nouns of the engine (core/product.c, core/promotion.c; api/entity.c).
 */
#include "api/api.h"
#include "core/catalog.h"
#include "base/banned.h"

static int list_prices(struct api_req *r, struct err *err)
{
	struct price_list l = { 0 };

	if (product_prices(r->st, &r->actor, api_param(r, "sku"), &l, err))
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

const struct api_route api_catalog_routes[] = {
	{ "GET", "/api/v1/products/{sku}/prices", list_prices, ROLE_VIEWER, 0 },
	{ NULL },
};
