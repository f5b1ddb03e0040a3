/*
 * jw.h - a small streaming JSON writer into a struct buf. It tracks commas
 * and nesting; strings are escaped (control characters, quote, backslash, and
 * <, >, & so that JSON is safe to embed in HTML).
 */
#ifndef BASE_JW_H
#define BASE_JW_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct buf *b;
	int depth;
	unsigned char first[JW_MAX_DEPTH]; /* no element written yet at this depth */
	int after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);      /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t len);
void jw_int(struct jw *w, int64_t v);
void jw_num(struct jw *w, double v, int decimals); /* non-finite writes null */
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json); /* an already-encoded JSON value */
void jw_date(struct jw *w, int32_t day);      /* "YYYY-MM-DD" */
void jw_ts(struct jw *w, int64_t at);          /* "YYYY-MM-DDTHH:MM:SSZ" */

/* key + value shorthands */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_knum(struct jw *w, const char *key, double v, int decimals);
void jw_kbool(struct jw *w, const char *key, int v);
void jw_kdate(struct jw *w, const char *key, int32_t day); /* INT32_MIN writes null */
void jw_kts(struct jw *w, const char *key, int64_t at);

/*
 * The members of an error object, the one shape every face writes:
 * "code", "message", "field" (null when the error names none), "reason" and
 * "params" (an object). The caller opens and closes the object around them.
 */
void jw_error_members(struct jw *w, const struct err *err);

/* Append s escaped as a JSON string (with quotes) to b. */
void jw_escape(struct buf *b, const char *s, size_t len);

#endif
