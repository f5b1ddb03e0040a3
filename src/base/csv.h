/*
 * csv.h - RFC 4180 reading and writing, libc only.
 *
 * The reader walks a complete buffer (the caller owns it and keeps it alive)
 * and unquotes fields in place, so a record's fields point into the buffer:
 * no allocation per field. Records may span lines inside quotes; CRLF and LF
 * line ends are both accepted; a UTF-8 byte order mark at the start is skipped.
 */
#ifndef BASE_CSV_H
#define BASE_CSV_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define CSV_MAX_FIELDS 64

struct csv_field {
	char *p;     /* into the buffer; not NUL-terminated */
	size_t len;
	int quoted;  /* the field was written in quotes */
};

struct csv_reader {
	char *p, *end;
	long line;      /* physical line where the next record starts (1-based) */
	long rec_line;  /* line where the last returned record started */
	size_t nfields;
	struct csv_field fields[CSV_MAX_FIELDS];
};

/* Start reading buf[0..len); the buffer is modified in place while reading. */
void csv_reader_init(struct csv_reader *r, char *buf, size_t len);

/*
 * Read the next record into r->fields / r->nfields. Returns 1 for a record, 0 at
 * the end, -1 on a syntax error (unterminated quote, text after a closing quote,
 * a bare quote inside an unquoted field, more than CSV_MAX_FIELDS fields) with
 * the line in the message. A blank line is returned as one empty field.
 */
int csv_next(struct csv_reader *r, struct err *err);

/* Bytes consumed so far (for progress bars). */
size_t csv_offset(const struct csv_reader *r, const char *start);

/*
 * Append one field, quoted when it holds a comma, quote, CR or LF, starts or
 * ends with a space, or starts with a UTF-8 byte order mark. With neutralise
 * set, a cell that a spreadsheet would run as a formula (first byte = + - @
 * TAB CR or ') gets one ' in front.
 */
int csv_write_field(struct buf *b, const char *s, size_t len, int neutralise);

/*
 * Undo csv_write_field()'s neutralisation: when s starts with ' and what follows
 * starts with one of = + - @ TAB CR ', drop that one '. Returns the new start.
 */
const char *csv_unneutralise(const char *s, size_t *len);

#endif
