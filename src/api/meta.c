/*
 * meta.c - /api/v1/openapi.json: the API's own description, embedded in the
 * binary from docs/openapi.json so it always matches the routes served.
 */
#include <string.h>

#include "api/api.h"
#include "store/embedded.h"
#include "base/banned.h"

static int get_openapi(struct api_req *r, struct err *err)
{
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (!strcmp(f->path, "docs/openapi.json")) {
			buf_add(&r->out, f->data, f->len);
			return 0;
		}
	return err_set(err, ERR_NOT_FOUND, NULL, "no_openapi", "this build carries no docs/openapi.json");
}

const struct api_route api_meta_routes[] = {
	{ "GET", "/api/v1/openapi.json", get_openapi, API_PUBLIC, 0 },
	{ NULL },
};
