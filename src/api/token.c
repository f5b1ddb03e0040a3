/*
 * token.c - /api/v1/tokens: API tokens for scripts. The secret is in the
 * answer to the POST that creates it and nowhere else, ever.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/money.h"
#include "core/auth.h"
#include "base/banned.h"

static int list_tokens(struct api_req *r, struct err *err)
{
	struct auth_token_list l = { 0 };

	if (auth_token_list(r->st, &r->actor, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "tokens");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		auth_token_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	auth_token_list_release(&l);
	return 0;
}

static int create_token(struct api_req *r, struct err *err)
{
	const char *name = NULL;
	const struct api_field fields[] = {
		{ "name", API_STR, API_REQUIRED, &name },
		{ NULL },
	};
	char secret[AUTH_SECRET_MAX];
	struct auth_token t;

	if (api_parse(r, fields, err) || auth_token_create(r->st, &r->actor, name, secret, &t, err))
		return -1;
	r->status = 201;
	jw_obj(&r->jw);
	jw_key(&r->jw, "token");
	auth_token_write_json(&r->jw, &t);
	jw_kstr(&r->jw, "secret", secret);
	jw_obj_end(&r->jw);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

static int revoke_token(struct api_req *r, struct err *err)
{
	const char *id_text = api_param(r, "id");
	int64_t id;

	if (int_parse(id_text, strlen(id_text), &id, "id", err)) {
		err->code = ERR_NOT_FOUND;
		return -1;
	}
	if (auth_token_revoke(r->st, &r->actor, id, err))
		return -1;
	jw_obj(&r->jw);
	jw_kint(&r->jw, "id", id);
	jw_kbool(&r->jw, "revoked", 1);
	jw_obj_end(&r->jw);
	return 0;
}

const struct api_route api_token_routes[] = {
	{ "GET", "/api/v1/tokens", list_tokens, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/tokens", create_token, ROLE_VIEWER, API_SECRET },
	{ "DELETE", "/api/v1/tokens/{id}", revoke_token, ROLE_VIEWER, 0 },
	{ NULL },
};
