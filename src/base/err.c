/*
 * err.c - error filling and the code table (wire string, HTTP status, exit code).
 * An error carries an English sentence for the CLI and the API's message, and a
 * reason code with its parameters for faces that speak other languages: both
 * come from one printf-style call, so the two can never say different things.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "base/buf.h"
#include "base/jw.h"
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
	[ERR_UNSUPPORTED_TYPE] = { "unsupported_media_type", 415, 65 },
};

/* A bounded string builder over a fixed array: appends stop at the end, always terminated. */
struct sb {
	char *p;
	size_t size, len;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
	size_t room = b->size - 1 - b->len;

	if (n > room) {
		n = room;
		/* never end inside a UTF-8 sequence */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_adds(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* s as a JSON string body (no quotes), escaped as jw escapes (bad UTF-8 becomes U+FFFD). */
static void sb_json(struct sb *b, const char *s)
{
	struct buf t = BUF_INIT;

	jw_escape(&t, s, strlen(s));
	if (t.len >= 2)
		sb_add(b, buf_cstr(&t) + 1, t.len - 2);
	buf_release(&t);
}

/* The next name of a comma-separated list (advancing *names), copied into out. */
static void next_name(const char **names, char *out, size_t size)
{
	size_t n = 0;
	const char *p = *names;

	out[0] = '\0';
	if (!p || !*p)
		return;
	while (p[n] && p[n] != ',')
		n++;
	snprintf(out, size, "%.*s", (int)n, p);
	*names = p[n] ? p + n + 1 : p + n;
}

/*
 * Drop an incomplete UTF-8 sequence at the end of s (text cut by a precision
 * or a buffer's size), so a sentence never ends inside a character.
 */
static void utf8_trim_tail(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char c;

	/* back to the lead byte of the last sequence (at most 3 continuation bytes) */
	while (i > 0 && n - i < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	if (c < 0x80)
		return;
	need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

/* Whether s is an optional '-' and then digits only. */
static int is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

void err_format(char *msg, size_t msgsz, char *params, size_t psz, const char *names,
		const char *fmt, va_list ap)
{
	struct sb m = { msg, msgsz, 0 }, pj = { params, psz, 0 };
	char spec[32], piece[200], name[40];
	int nparams = 0;

	msg[0] = '\0';
	sb_adds(&pj, "{");
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		size_t n = 0;
		int integer = 0, is_str = 0, star_w = 0, star_p = 0, w = 0, pr = 0;
		enum { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T, L_BIGL } len = L_NONE;
		const char *q;

		if (!pct) {
			sb_adds(&m, fmt);
			break;
		}
		sb_add(&m, fmt, (size_t)(pct - fmt));
		if (pct[1] == '%') {
			sb_add(&m, "%", 1);
			fmt = pct + 2;
			continue;
		}
		/* %[flags][width][.precision][length]conversion */
		q = pct + 1;
		while (*q && strchr("-+ #0'", *q))
			q++;
		if (*q == '*') {
			star_w = 1;
			q++;
		} else {
			while (*q >= '0' && *q <= '9')
				q++;
		}
		if (*q == '.') {
			q++;
			if (*q == '*') {
				star_p = 1;
				q++;
			} else {
				while (*q >= '0' && *q <= '9')
					q++;
			}
		}
		if (q[0] == 'h' && q[1] == 'h') {
			len = L_HH;
			q += 2;
		} else if (q[0] == 'l' && q[1] == 'l') {
			len = L_LL;
			q += 2;
		} else if (*q == 'h') {
			len = L_H;
			q++;
		} else if (*q == 'l') {
			len = L_L;
			q++;
		} else if (*q == 'z') {
			len = L_Z;
			q++;
		} else if (*q == 'j') {
			len = L_J;
			q++;
		} else if (*q == 't') {
			len = L_T;
			q++;
		} else if (*q == 'L') {
			len = L_BIGL;
			q++;
		}
		if (!*q)
			break;
		n = (size_t)(q - pct + 1);
		if (n >= sizeof(spec))
			n = sizeof(spec) - 1;
		memcpy(spec, pct, n);
		spec[n] = '\0';
		if (star_w)
			w = va_arg(ap, int);
		if (star_p)
			pr = va_arg(ap, int);
#define FMT1(T)                                                                                \
	do {                                                                                   \
		T v_ = va_arg(ap, T);                                                          \
		if (star_w && star_p)                                                          \
			snprintf(piece, sizeof(piece), spec, w, pr, v_);                       \
		else if (star_w)                                                               \
			snprintf(piece, sizeof(piece), spec, w, v_);                           \
		else if (star_p)                                                               \
			snprintf(piece, sizeof(piece), spec, pr, v_);                          \
		else                                                                           \
			snprintf(piece, sizeof(piece), spec, v_);                              \
	} while (0)
		switch (*q) {
		case 'd':
		case 'i':
			integer = 1;
			switch (len) {
			case L_L: FMT1(long); break;
			case L_LL: FMT1(long long); break;
			case L_Z: FMT1(ssize_t); break;
			case L_J: FMT1(intmax_t); break;
			case L_T: FMT1(ptrdiff_t); break;
			default: FMT1(int); break;
			}
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			integer = *q == 'u';
			switch (len) {
			case L_L: FMT1(unsigned long); break;
			case L_LL: FMT1(unsigned long long); break;
			case L_Z: FMT1(size_t); break;
			case L_J: FMT1(uintmax_t); break;
			case L_T: FMT1(ptrdiff_t); break;
			default: FMT1(unsigned); break;
			}
			break;
		case 'c': FMT1(int); break;
		case 's':
			is_str = 1;
			FMT1(const char *);
			break;
		case 'p': FMT1(void *); break;
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'e':
		case 'E':
		case 'a':
		case 'A':
			if (len == L_BIGL)
				FMT1(long double);
			else
				FMT1(double);
			break;
		default:
			/* not a conversion we know: print it as written */
			snprintf(piece, sizeof(piece), "%s", spec);
			break;
		}
#undef FMT1
		if (is_str)
			utf8_trim_tail(piece);
		sb_adds(&m, piece);
		next_name(&names, name, sizeof(name));
		if (name[0] && strcmp(name, "_")) {
			char *v = piece;
			/* the value, not its padding */
			if (!is_str) {
				size_t vl;
				while (*v == ' ')
					v++;
				vl = strlen(v);
				while (vl && v[vl - 1] == ' ')
					v[--vl] = '\0';
			}
			if (nparams++)
				sb_adds(&pj, ",");
			sb_adds(&pj, "\"");
			sb_json(&pj, name);
			sb_adds(&pj, "\":");
			if (integer && is_integer_text(v) && strlen(v) < 19) {
				sb_adds(&pj, v);
			} else {
				sb_adds(&pj, "\"");
				sb_json(&pj, v);
				sb_adds(&pj, "\"");
			}
		}
		fmt = q + 1;
	}
	/* a params object cut short by its cap is replaced by an empty one, never left invalid */
	if (pj.len + 1 >= pj.size) {
		pj.len = 0;
		params[0] = '\0';
		sb_adds(&pj, "{");
	}
	sb_adds(&pj, "}");
}

int err_vset(struct err *err, enum err_code code, const char *field, const char *reason,
	     const char *fmt, va_list ap)
{
	const char *colon;
	size_t rlen;

	if (!err)
		return -1;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	if (!reason || !*reason)
		reason = err_code_str(code);
	colon = strchr(reason, ':');
	rlen = colon ? (size_t)(colon - reason) : strlen(reason);
	snprintf(err->reason, sizeof(err->reason), "%.*s", (int)rlen, reason);
	err_format(err->msg, sizeof(err->msg), err->params, sizeof(err->params),
		   colon ? colon + 1 : "", fmt, ap);
	return -1;
}

int err_set(struct err *err, enum err_code code, const char *field, const char *reason,
	    const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = err_vset(err, code, field, reason, fmt, ap);
	va_end(ap);
	return r;
}

void err_copy(struct err *dst, const struct err *src)
{
	if (dst && src && dst != src)
		memcpy(dst, src, sizeof(*dst));
}

void err_prefix(struct err *err, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	struct sb b = { msg, sizeof(msg), 0 };
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b.len = strlen(msg);
	sb_adds(&b, ": ");
	sb_adds(&b, err->msg);
	memcpy(err->msg, msg, sizeof(msg));
}

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = ERR_OK;
	err->field[0] = '\0';
	err->msg[0] = '\0';
	err->reason[0] = '\0';
	snprintf(err->params, sizeof(err->params), "{}");
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
