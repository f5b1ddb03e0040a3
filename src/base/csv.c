/*
 * csv.c - an in-place RFC 4180 reader and a quoting writer.
 */
#include "base/csv.h"

#include <string.h>
#include "base/banned.h"

void csv_reader_init(struct csv_reader *r, char *buf, size_t len)
{
	r->p = buf;
	r->end = buf + len;
	r->line = 1;
	r->rec_line = 1;
	r->nfields = 0;
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

int csv_next(struct csv_reader *r, struct err *err)
{
	char *p = r->p, *end = r->end;

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
			if (p < end && *p != ',' && *p != '\n' && !(*p == '\r')) {
				r->p = p;
				return err_set(err, ERR_INVALID, NULL, "csv_text_after_quote:line",
					       "line %ld: unexpected text after a closing quote",
					       r->line);
			}
		} else {
			char *start = p;
			while (p < end && *p != ',' && *p != '\n' && *p != '\r') {
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
		if (*p == ',') {
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
