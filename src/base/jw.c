/*
 * jw.c - streaming JSON writer.
 */
#include "base/jw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/banned.h"

void jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->first[0] = 1;
	w->after_key = 0;
}

static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (!w->first[w->depth])
		buf_addch(w->b, ',');
	w->first[w->depth] = 0;
}

static void open(struct jw *w, char c)
{
	sep(w);
	buf_addch(w->b, c);
	if (w->depth + 1 < JW_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = 1;
}

static void close_(struct jw *w, char c)
{
	buf_addch(w->b, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

/*
 * The length of the well-formed UTF-8 sequence at s (2 to 4 bytes: no
 * overlongs, no surrogates, nothing past U+10FFFF), or 0 when there is none.
 */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned cp;

	if ((s[0] & 0xE0) == 0xC0)
		n = 2, cp = s[0] & 0x1Fu;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, cp = s[0] & 0x0Fu;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3Fu);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

void jw_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		if (c >= 0x80) {
			/*
			 * JSON text is UTF-8: a byte that is not part of a well-formed
			 * sequence (text cut mid-character, a decoded %FF) becomes U+FFFD.
			 */
			size_t n = utf8_seq((const unsigned char *)s + i, len - i);
			if (n) {
				i += n - 1;
				continue;
			}
			buf_add(b, s + run, i - run);
			run = i + 1;
			buf_adds(b, "\\ufffd");
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' &&
		    c != 0x7f)
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		buf_adds(b, esc);
	}
	buf_add(b, s + run, len - run);
	buf_addch(b, '"');
}

void jw_key(struct jw *w, const char *key)
{
	sep(w);
	jw_escape(w->b, key, strlen(key));
	buf_addch(w->b, ':');
	w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t len)
{
	sep(w);
	jw_escape(w->b, s, len);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	sep(w);
	buf_addf(w->b, "%lld", (long long)v);
}

void jw_num(struct jw *w, double v, int decimals)
{
	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	sep(w);
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
	/*
	 * Fixed notation of a huge value does not fit: write it in exponent form
	 * (still valid JSON) rather than a truncated, wrong number.
	 */
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(tmp, sizeof(tmp), "%.17g", v);
		buf_adds(w->b, tmp);
		return;
	}
	/* trim trailing zeros so 0.5000 reads 0.5; keep at least one digit */
	char *dot = strchr(tmp, '.');
	if (dot) {
		char *e = tmp + strlen(tmp) - 1;
		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	if (!strcmp(tmp, "-0"))
		memcpy(tmp, "0", 2);
	buf_adds(w->b, tmp);
}

void jw_bool(struct jw *w, int v)
{
	sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	sep(w);
	buf_adds(w->b, "null");
}

void jw_raw(struct jw *w, const char *json)
{
	sep(w);
	buf_adds(w->b, json && *json ? json : "null");
}

void jw_date(struct jw *w, int32_t day)
{
	char d[DATE_FMT_MAX];
	if (day == INT32_MIN) {
		jw_null(w);
		return;
	}
	jw_str(w, date_format(day, d));
}

void jw_ts(struct jw *w, int64_t at)
{
	char t[TS_FMT_MAX];
	jw_str(w, ts_format(at, t));
}

void jw_kstr(struct jw *w, const char *key, const char *s) { jw_key(w, key); jw_str(w, s); }
void jw_kint(struct jw *w, const char *key, int64_t v) { jw_key(w, key); jw_int(w, v); }
void jw_knum(struct jw *w, const char *key, double v, int decimals)
{
	jw_key(w, key);
	jw_num(w, v, decimals);
}
void jw_kbool(struct jw *w, const char *key, int v) { jw_key(w, key); jw_bool(w, v); }
void jw_kdate(struct jw *w, const char *key, int32_t day) { jw_key(w, key); jw_date(w, day); }
void jw_kts(struct jw *w, const char *key, int64_t at) { jw_key(w, key); jw_ts(w, at); }

void jw_error_members(struct jw *w, const struct err *err)
{
	enum err_code code = err->code == ERR_OK ? ERR_INTERNAL : err->code;

	jw_kstr(w, "code", err_code_str(code));
	jw_kstr(w, "message", err->msg[0] ? err->msg : err_code_str(code));
	jw_kstr(w, "field", err->field[0] ? err->field : NULL);
	jw_kstr(w, "reason", err->reason[0] ? err->reason : err_code_str(code));
	jw_key(w, "params");
	jw_raw(w, err->params[0] ? err->params : "{}");
}
