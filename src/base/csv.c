/*
 * csv.c - an in-place RFC 4180 reader and a quoting writer.
 */
#include "base/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include "base/xalloc.h"
#include "base/banned.h"

void csv_reader_init(struct csv_reader *r, char *buf, size_t len)
{
	r->p = buf;
	r->end = buf + len;
	r->line = 1;
	r->rec_line = 1;
	r->nfields = 0;
	r->delim = ',';
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		r->p += 3;
}

size_t csv_offset(const struct csv_reader *r, const char *start)
{
	return (size_t)(r->p - start);
}

static int add_field(struct csv_reader *r, char *p, size_t len, int quoted, struct err *err)
{
	if (r->nfields >= CSV_MAX_FIELDS)
		return err_set(err, ERR_INVALID, NULL, "csv_too_many_fields:line,max", "line %ld: more than %d fields", r->rec_line,
			       CSV_MAX_FIELDS);
	r->fields[r->nfields].p = p;
	r->fields[r->nfields].len = len;
	r->fields[r->nfields].quoted = quoted;
	r->nfields++;
	return 0;
}

int csv_record_empty(const struct csv_reader *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].len)
			return 0;
	return 1;
}

int csv_next(struct csv_reader *r, struct err *err)
{
	char *p = r->p, *end = r->end;
	const char delim = r->delim;

	r->nfields = 0;
	r->rec_line = r->line;
	if (p >= end)
		return 0;
	for (;;) {
		if (p < end && *p == '"') {
			/* Quoted field: unquote in place, "" -> ". */
			char *start = ++p, *w = p;
			for (;;) {
				if (p >= end) {
					r->p = p;
					return err_set(err, ERR_INVALID, NULL, "csv_unclosed_quote:line",
						       "line %ld: a quoted field is not closed",
						       r->rec_line);
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					r->line++;
				*w++ = *p++;
			}
			if (add_field(r, start, (size_t)(w - start), 1, err))
				return -1;
			if (p < end && *p != delim && *p != '\n' && !(*p == '\r')) {
				r->p = p;
				return err_set(err, ERR_INVALID, NULL, "csv_text_after_quote:line",
					       "line %ld: unexpected text after a closing quote",
					       r->line);
			}
		} else {
			char *start = p;
			while (p < end && *p != delim && *p != '\n' && *p != '\r') {
				if (*p == '"') {
					r->p = p;
					return err_set(err, ERR_INVALID, NULL, "csv_stray_quote:line",
						       "line %ld: a quote inside an unquoted field "
						       "(quote the whole field and double the quote)",
						       r->line);
				}
				p++;
			}
			if (add_field(r, start, (size_t)(p - start), 0, err))
				return -1;
		}
		if (p >= end) {
			r->p = p;
			return 1;
		}
		if (*p == delim) {
			p++;
			continue;
		}
		if (*p == '\r') {
			p++;
			if (p < end && *p == '\n')
				p++;
		} else { /* '\n' */
			p++;
		}
		r->line++;
		r->p = p;
		return 1;
	}
}

static int is_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ||
	       c == '\'';
}

int csv_write_field(struct buf *b, const char *s, size_t len, int neutralise)
{
	int quote = 0, prefix = neutralise && len > 0 && is_formula_start(s[0]);

	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		quote = 1;
	/*
	 * A field that starts with a byte order mark is quoted: unquoted at the start
	 * of a file, the reader would take the mark for the file's own and drop it.
	 */
	if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		quote = 1;
	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (!quote && !prefix)
		return buf_add(b, s, len);
	if (quote && buf_addch(b, '"'))
		return -1;
	if (prefix && buf_addch(b, '\''))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' && buf_addch(b, '"'))
			return -1;
		if (buf_addch(b, s[i]))
			return -1;
	}
	if (quote && buf_addch(b, '"'))
		return -1;
	return 0;
}

const char *csv_unneutralise(const char *s, size_t *len)
{
	if (*len >= 2 && s[0] == '\'' && is_formula_start(s[1])) {
		(*len)--;
		return s + 1;
	}
	return s;
}

int csv_sniff_delimiter(const char *buf, size_t len, char *delim, char other[8])
{
	static const char seps[] = { ',', ';', '\t' };
	/* separators people type by mistake: full-width comma and semicolon, ideographic comma */
	static const char *const wide[] = { "\xEF\xBC\x8C", "\xEF\xBC\x9B", "\xE3\x80\x81" };
	size_t count[3] = { 0 }, wcount[3] = { 0 }, punct[128] = { 0 };
	const char *p = buf, *end = buf + len, *first, *last;
	int quoted = 0, best = -1;

	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	first = p;
	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted)
			continue;
		for (int i = 0; i < 3; i++)
			if (*p == seps[i])
				count[i]++;
		for (int i = 0; i < 3; i++)
			if ((size_t)(end - p) >= 3 && !memcmp(p, wide[i], 3))
				wcount[i]++;
		if ((unsigned char)*p < 128)
			punct[(unsigned char)*p]++;
	}
	last = p;
	for (int i = 0; i < 3; i++)
		if (count[i] && (best < 0 || count[i] > count[best]))
			best = i;
	other[0] = '\0';
	if (best >= 0) {
		*delim = seps[best];
		return 0;
	}
	/* nothing we read: say what seems to separate the words, if anything does */
	{
		size_t most = 0;
		for (int i = 0; i < 3; i++)
			if (wcount[i] > most) {
				most = wcount[i];
				memcpy(other, wide[i], 4);
			}
		/* interior spaces only: "date " is one name with a stray space */
		while (first < last && *first == ' ')
			punct[' ']--, first++;
		while (last > first && last[-1] == ' ')
			punct[' ']--, last--;
		for (int c = 0x20; c < 0x7f; c++) {
			if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    c == '_' || c == '"')
				continue;
			if (punct[c] > most) {
				most = punct[c];
				other[0] = (char)c;
				other[1] = '\0';
			}
		}
	}
	return -1;
}

const char *csv_encoding_name(enum csv_encoding e)
{
	return e == CSV_GB18030 ? "GB18030" : "UTF-8";
}

int csv_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned c, cp;
		size_t n;
		/* ASCII eight bytes at a time: most of a sales file */
		while ((size_t)(end - s) >= 8) {
			uint64_t w;
			memcpy(&w, s, 8);
			if (w & 0x8080808080808080ull)
				break;
			s += 8;
		}
		if (s >= end)
			break;
		c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if ((size_t)(end - s) <= n)
			return 0;
		for (size_t i = 1; i <= n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		s += n + 1;
	}
	return 1;
}

/* Room for at least want bytes of text plus a NUL in out (whose cap, if any, holds). */
static int room(struct buf *out, size_t want)
{
	if (out->max && want > out->max)
		return -1;
	if (want + 1 > out->alloc) {
		out->p = xrealloc(out->p, want + 1);
		out->alloc = want + 1;
	}
	return 0;
}

int csv_decode(const char *buf, size_t len, int force_gb18030, struct buf *out,
	       enum csv_encoding *enc, struct err *err)
{
	iconv_t cd;
	char *in = (char *)buf;
	size_t inleft = len;
	int r = -1;

	*enc = CSV_UTF8;
	if (!force_gb18030 && csv_utf8_valid(buf, len))
		return 0;
	cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return err_set(err, ERR_INTERNAL, "file", "internal",
			       "this system's iconv cannot read GB18030");
	/* Chinese text grows by half at most (2 bytes -> 3); ASCII stays */
	out->len = 0;
	if (room(out, len + len / 2 + 16))
		goto too_large;
	while (inleft) {
		char *o = out->p + out->len;
		size_t oleft = out->alloc - out->len - 1, before = oleft;
		size_t rc = iconv(cd, &in, &inleft, &o, &oleft);
		out->len += before - oleft;
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG) {
			if (room(out, out->alloc * 2))
				goto too_large;
			continue;
		}
		/* EILSEQ or EINVAL (a sequence cut at the end): not GB18030 either */
		err_set(err, ERR_INVALID, "file", "csv_encoding_unknown:offset",
			"the file is neither UTF-8 nor GB18030 (bad bytes at offset %zu)",
			(size_t)(in - buf));
		goto out;
	}
	out->p[out->len] = '\0';
	*enc = CSV_GB18030;
	r = 1;
	goto out;
too_large:
	err_set(err, ERR_TOO_LARGE, "file", "body_too_large:max", "the file is too large to convert (at most %zu bytes)",
		out->max);
out:
	iconv_close(cd);
	return r;
}
