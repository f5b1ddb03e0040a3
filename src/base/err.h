/*
 * err.h - the one error type every fallible function fills in, and the single
 * table that maps each code to its wire string, HTTP status and CLI exit code.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

#include <stdarg.h>
#include <stddef.h>

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
	ERR_UNSUPPORTED_TYPE, /* 415: a body of a type the route does not take */
	ERR__COUNT
};

struct err {
	enum err_code code;
	char field[48];
	char msg[200];     /* the English sentence: the CLI prints it, the API sends it */
	char reason[40];   /* a stable machine code: "not_decimal", "too_long", ... */
	char params[256];  /* the sentence's values as a JSON object: {"value":"12,5"} */
};

/*
 * Fill err (which may be NULL) and return -1, so callers can `return err_set(...)`.
 *
 * reason is the stable code a face translates ("not_decimal"), optionally
 * followed by ':' and the names of fmt's conversions in order, '_' for one
 * that is not a parameter: "too_long:_,len,max" with "%s is too long (%zu
 * bytes, at most %zu)" gives params {"len":..,"max":..}. Integer conversions
 * become JSON numbers, the others strings. The UI says the reason in the
 * reader's language with the field's label; the CLI prints the English msg.
 */
int err_set(struct err *err, enum err_code code, const char *field, const char *reason,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* As err_set() with a va_list. */
int err_vset(struct err *err, enum err_code code, const char *field, const char *reason,
	     const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/*
 * Format fmt like vsnprintf into msg, and capture the conversions named by
 * names ("a,_,b") as a JSON object into params. Both are always terminated.
 */
void err_format(char *msg, size_t msgsz, char *params, size_t psz, const char *names,
		const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* Copy src into dst (both may be the same): code, field, message, reason, params. */
void err_copy(struct err *dst, const struct err *src);

/*
 * Reword err's English message as "prefix: message" (the CLI's "--price: ...")
 * keeping its reason and params.
 */
void err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset err to "no error". */
void err_clear(struct err *err);

/* The wire string of a code, e.g. "conflict". */
const char *err_code_str(enum err_code code);

/* The HTTP status of a code, e.g. 409. */
int err_code_http(enum err_code code);

/* The CLI exit code of a code: 0 ok, 1 failure, 2 usage, 65 bad data, 77 denied. */
int err_code_exit(enum err_code code);

#endif
