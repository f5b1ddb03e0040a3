/*
 * buf.h - a growable byte string (git's strbuf) with an optional cap (curl's
 * dynbuf): growing past the cap fails instead of allocating, which is how a
 * request body larger than allowed becomes a 413 without buffering it.
 */
#ifndef BASE_BUF_H
#define BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;      /* always NUL-terminated when len > 0 or after buf_cstr() */
	size_t len;
	size_t alloc;
	size_t max;   /* 0 = unlimited */
	int overflow; /* set once an append was refused: every later one is refused too */
};

#define BUF_INIT { NULL, 0, 0, 0, 0 }

/* Initialise an empty buffer that refuses to grow beyond max bytes (0 = no cap). */
void buf_init(struct buf *b, size_t max);

/* Free the bytes; the buffer is empty and usable again. */
void buf_release(struct buf *b);

/* Empty the buffer, keeping its allocation (and accepting appends again after a refusal). */
void buf_reset(struct buf *b);

/*
 * Append n bytes; returns 0, or -1 when the cap would be exceeded (nothing
 * appended). A refusal is sticky: once one append was refused, every later one
 * is refused as well, even one that would fit, until buf_reset() or
 * buf_release() (so a capped text never silently misses a piece in its middle).
 */
int buf_add(struct buf *b, const void *data, size_t n);

/*
 * Make room for extra more bytes in one allocation (a file of known size;
 * a large one backed by huge pages, xmalloc_bulk). Fails as buf_add past the cap.
 */
int buf_reserve(struct buf *b, size_t extra);

int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap);

/* A NUL-terminated view of the content (valid until the next append). */
const char *buf_cstr(struct buf *b);

/* Hand the bytes to the caller (who frees them); the buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
