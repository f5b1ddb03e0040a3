/*
 * buf.c - growable byte strings with a cap.
 */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->overflow = 0;
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->alloc = 0;
	b->overflow = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* Whether extra more bytes (and the NUL) may come; a refusal is for good (curl's dynbuf). */
static int buf_room(struct buf *b, size_t extra)
{
	/* what follows a lost piece would be a lie */
	if (b->overflow)
		return -1;
	if (extra > SIZE_MAX - b->len - 1 || (b->max && b->len + extra > b->max)) {
		b->overflow = 1;
		return -1;
	}
	return 0;
}

static int buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (buf_room(b, extra))
		return -1;
	need = b->len + extra + 1;
	if (need > b->alloc) {
		size_t n = b->alloc ? b->alloc * 2 : 64;
		while (n < need)
			n *= 2;
		b->p = xrealloc(b->p, n);
		b->alloc = n;
	}
	return 0;
}

int buf_reserve(struct buf *b, size_t extra)
{
	size_t need;

	if (buf_room(b, extra))
		return -1;
	need = b->len + extra + 1;
	if (need > b->alloc) {
		b->p = xrealloc_bulk(b->p, need);
		b->alloc = need;
	}
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	if (buf_grow(b, n))
		return -1;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	if (!b->overflow && b->len + 1 < b->alloc && (!b->max || b->len + 1 <= b->max)) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (buf_grow(b, (size_t)n))
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *buf_cstr(struct buf *b)
{
	if (!b->p)
		return "";
	return b->p;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->p ? b->p : xstrdup("");
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
