/*
 * csv.h - RFC 4180 reading and writing, libc only.
 *
 * The reader walks a complete buffer (the caller owns it and keeps it alive)
 * and unquotes fields in place, so a record's fields point into the buffer:
 * no allocation per field. Records may span lines inside quotes; CRLF and LF
 * line ends are both accepted; a UTF-8 byte order mark at the start is skipped.
 * The separator is a comma unless the caller sets another (';' or tab, found by
 * csv_sniff_delimiter()). csv_decode() turns a GB18030 file into UTF-8 first.
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
	char delim;     /* the field separator: ',' unless set after init */
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

/* Whether every field of the record just read is empty ("" or nothing): a blank line, or
 * a spreadsheet's empty row ",,,,". */
int csv_record_empty(const struct csv_reader *r);

/*
 * The separator of a file from its first line (outside quotes): the most frequent
 * of ',', ';' and tab (a comma on a tie). Returns 0 and sets *delim, or -1 when
 * the line holds none of them: then *other names (as UTF-8 text, "" when
 * nothing stands out) another character that seems to separate its words - '|',
 * ':', a space, a full-width comma... - for the error to name.
 */
int csv_sniff_delimiter(const char *buf, size_t len, char *delim, char other[8]);

/* Encodings csv_decode() tells apart. */
enum csv_encoding { CSV_UTF8, CSV_GB18030 };
const char *csv_encoding_name(enum csv_encoding e); /* "UTF-8", "GB18030" */

/*
 * The text of a file as UTF-8: valid UTF-8 is read as it is (0, out untouched);
 * anything else (or everything, with force_gb18030) is converted from GB18030,
 * what Excel writes on Chinese Windows, with glibc's iconv into out (1).
 * *enc says which it was. -1 (reason csv_encoding_unknown) when the bytes are
 * neither. out gets one spare byte after the text, as csv_next() needs.
 */
int csv_decode(const char *buf, size_t len, int force_gb18030, struct buf *out,
	       enum csv_encoding *enc, struct err *err);

/* Whether s[0..len) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
int csv_utf8_valid(const char *s, size_t len);

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
