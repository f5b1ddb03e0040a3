/*
 * jscan.c - reading JSON values in place (jscan.h). A value is skipped by
 * its first byte: a string to its closing quote, an object or array to the
 * bracket that closes it (strings inside skipped whole), a literal or number
 * to the next delimiter.
 */
#include "base/jscan.h"

#include <string.h>

#include "base/banned.h"

#define DEPTH_MAX 64

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at a quote: the byte after the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* p at a value: the byte after it, or NULL when it is malformed or cut. */
static const char *skip_value(const char *p, const char *e)
{
	int depth = 0;

	if (p >= e)
		return NULL;
	if (*p == '"')
		return skip_string(p, e);
	if (*p != '{' && *p != '[') {
		const char *s = p;
		while (p < e && !strchr(",}] \t\r\n", *p))
			p++;
		return p > s ? p : NULL;
	}
	while (p < e) {
		if (*p == '"') {
			if (!(p = skip_string(p, e)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[') {
			if (++depth > DEPTH_MAX)
				return NULL;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0)
				return p + 1;
		}
		p++;
	}
	return NULL;
}

struct jval jscan_value(const char *json, size_t len)
{
	struct jval v = { NULL, 0 };
	const char *e = json + len, *p, *end;

	if (!json)
		return v;
	p = ws(json, e);
	end = skip_value(p, e);
	if (end && ws(end, e) == e) {
		v.p = p;
		v.n = (size_t)(end - p);
	}
	return v;
}

int jscan_is_object(struct jval v)
{
	return v.n >= 2 && v.p[0] == '{';
}

int jscan_is_string(struct jval v)
{
	return v.n >= 2 && v.p[0] == '"';
}

/* The member at index i (want NULL) or by key, its key's span in *kout. */
static struct jval member_find(struct jval v, const char *key, size_t i, struct jval *kout)
{
	struct jval none = { NULL, 0 };
	const char *p, *e;
	size_t klen = key ? strlen(key) : 0;

	if (!jscan_is_object(v))
		return none;
	p = v.p + 1;
	e = v.p + v.n - 1;
	for (size_t at = 0;; at++) {
		const char *k, *kend, *val, *vend;
		p = ws(p, e);
		if (p >= e || *p != '"')
			return none;
		k = p + 1;
		if (!(kend = skip_string(p, e)))
			return none;
		p = ws(kend, e);
		if (p >= e || *p != ':')
			return none;
		val = ws(p + 1, e);
		if (!(vend = skip_value(val, e)))
			return none;
		if (key ? (size_t)(kend - 1 - k) == klen && !memcmp(k, key, klen) : at == i) {
			struct jval r = { val, (size_t)(vend - val) };
			if (kout) {
				kout->p = k - 1;
				kout->n = (size_t)(kend - (k - 1));
			}
			return r;
		}
		p = ws(vend, e);
		if (p >= e || *p != ',')
			return none;
		p++;
	}
}

struct jval jscan_member_at(struct jval v, size_t i, struct jval *key)
{
	return member_find(v, NULL, i, key);
}

struct jval jscan_member(struct jval v, const char *key)
{
	return member_find(v, key, 0, NULL);
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addch(b, (char)(0xC0 | (cp >> 6)));
		buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addch(b, (char)(0xE0 | (cp >> 12)));
		buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addch(b, (char)(0xF0 | (cp >> 18)));
		buf_addch(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	}
}

int jscan_text(struct jval v, struct buf *out)
{
	const char *p, *e;

	if (!jscan_is_string(v))
		return -1;
	p = v.p + 1;
	e = v.p + v.n - 1;
	while (p < e) {
		unsigned cp, lo;
		if (*p != '\\') {
			buf_addch(out, *p++);
			continue;
		}
		if (++p >= e)
			break;
		switch (*p) {
		case 'b': buf_addch(out, '\b'); break;
		case 'f': buf_addch(out, '\f'); break;
		case 'n': buf_addch(out, '\n'); break;
		case 'r': buf_addch(out, '\r'); break;
		case 't': buf_addch(out, '\t'); break;
		case 'u':
			if (e - p < 5 || hex4(p + 1, &cp))
				return -1;
			p += 4;
			/* a surrogate pair: the high half, then \uDC00-\uDFFF */
			if (cp >= 0xD800 && cp < 0xDC00 && e - p >= 7 && p[1] == '\\' && p[2] == 'u' &&
			    !hex4(p + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			add_utf8(out, cp);
			break;
		default: buf_addch(out, *p); break; /* \" \\ \/ */
		}
		p++;
	}
	buf_cstr(out);
	return 0;
}

int jscan_int(struct jval v, int64_t *out)
{
	const char *p = v.p, *e = v.p + v.n;
	int neg = 0;
	uint64_t n = 0;

	if (!v.n)
		return -1;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= e)
		return -1;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9' || n > (uint64_t)INT64_MAX / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
}

int jscan_same(struct jval a, struct jval b)
{
	return a.n == b.n && (!a.n || !memcmp(a.p, b.p, a.n));
}
