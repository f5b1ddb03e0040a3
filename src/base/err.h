/*
 * err.h - the one error type every fallible function fills in, and the single
 * table that maps each code to its wire string, HTTP status and CLI exit code.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_MALFORMED,    /* 400: the request cannot be parsed */
	ERR_UNAUTHENTICATED, /* 401 */
	ERR_DENIED,       /* 403 */
	ERR_NOT_FOUND,    /* 404 */
	ERR_CONFLICT,     /* 409: stale version, duplicate key */
	ERR_TOO_LARGE,    /* 413 */
	ERR_INVALID,      /* 422: parsed but not acceptable */
	ERR_RATE_LIMITED, /* 429 */
	ERR_INTERNAL,     /* 500 */
	ERR_USAGE,        /* CLI only: wrong options */
	ERR_UNAVAILABLE,  /* 503: the store cannot be used */
	ERR_METHOD,       /* 405: the route exists, not with this method */
	ERR__COUNT
};

struct err {
	enum err_code code;
	char field[48];
	char msg[200];
};

/* Fill err (which may be NULL) and return -1, so callers can `return err_set(...)`. */
int err_set(struct err *err, enum err_code code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reset err to "no error". */
void err_clear(struct err *err);

/* The wire string of a code, e.g. "conflict". */
const char *err_code_str(enum err_code code);

/* The HTTP status of a code, e.g. 409. */
int err_code_http(enum err_code code);

/* The CLI exit code of a code: 0 ok, 1 failure, 2 usage, 65 bad data, 77 denied. */
int err_code_exit(enum err_code code);

#endif
