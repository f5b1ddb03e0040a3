/*
 * err.c - error filling and the code table (wire string, HTTP status, exit code).
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

static const struct {
	const char *wire;
	int http;
	int exit;
} code_table[ERR__COUNT] = {
	[ERR_OK] = { "ok", 200, 0 },
	[ERR_MALFORMED] = { "malformed", 400, 65 },
	[ERR_UNAUTHENTICATED] = { "unauthenticated", 401, 77 },
	[ERR_DENIED] = { "forbidden", 403, 77 },
	[ERR_NOT_FOUND] = { "not_found", 404, 1 },
	[ERR_CONFLICT] = { "conflict", 409, 1 },
	[ERR_TOO_LARGE] = { "too_large", 413, 65 },
	[ERR_INVALID] = { "invalid", 422, 65 },
	[ERR_RATE_LIMITED] = { "rate_limited", 429, 1 },
	[ERR_INTERNAL] = { "internal", 500, 1 },
	[ERR_USAGE] = { "usage", 400, 2 },
	[ERR_UNAVAILABLE] = { "unavailable", 503, 1 },
	[ERR_METHOD] = { "method_not_allowed", 405, 2 },
};

int err_set(struct err *err, enum err_code code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = ERR_OK;
	err->field[0] = '\0';
	err->msg[0] = '\0';
}

const char *err_code_str(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT)
		code = ERR_INTERNAL;
	return code_table[code].wire;
}

int err_code_http(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT)
		code = ERR_INTERNAL;
	return code_table[code].http;
}

int err_code_exit(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT)
		code = ERR_INTERNAL;
	return code_table[code].exit;
}
