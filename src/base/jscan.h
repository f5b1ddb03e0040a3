/*
 * jscan.h - read values out of a JSON text in place, without building a tree:
 * a member of an object (its span), a string unescaped, a whole number. For
 * the layers that may not use jansson (core): the robots' messages read the
 * event JSON jw wrote, and the chat apps' short answers. A malformed text
 * reads as having no such member.
 */
#ifndef BASE_JSCAN_H
#define BASE_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* A value's text: p its first byte, n its length; n 0 when there is none. */
struct jval {
	const char *p;
	size_t n;
};

/* The whole text (len bytes) as a value, white space around it dropped; n 0 when malformed. */
struct jval jscan_value(const char *json, size_t len);

/* Member key of the object v (n 0 when v is not an object or has no such member). */
struct jval jscan_member(struct jval v, const char *key);

/*
 * The i-th member (from 0) of the object v, its key's text (quoted, as written) in *key:
 * for an object whose keys are data (a quota adjustment's logins). n 0 when there is none.
 */
struct jval jscan_member_at(struct jval v, size_t i, struct jval *key);

int jscan_is_object(struct jval v);
int jscan_is_string(struct jval v);

/* A string's value unescaped into out (appended, NUL-ended); -1 when v is not a string. */
int jscan_text(struct jval v, struct buf *out);

/* A whole number (no fraction or exponent) into *out; -1 when v is not one. */
int jscan_int(struct jval v, int64_t *out);

/* Whether two values are written the same (jw writes one form for each value). */
int jscan_same(struct jval a, struct jval b);

#endif
