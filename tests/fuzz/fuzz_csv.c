/*
 * fuzz_csv.c - libFuzzer target for the CSV reader and writer (scripts/fuzz).
 * Any input is read as CSV: fields must lie inside the buffer and line numbers
 * must only grow; whatever was read is written back out (with and without
 * formula neutralisation) and must read back identically. The input is also
 * written as one field, which must read back as itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
	const char *p;
	size_t len;
};

struct record {
	size_t first, n; /* into the span array */
};

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_csv: %s\n", what);
		abort();
	}
}

static long count_lf(const char *p, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n' || (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n'));
	return k;
}

/* Write recs back as CSV and read them again: the fields must come back the same. */
static void rewrite(const struct span *spans, const struct record *recs, size_t nrec,
		    int neutralise)
{
	struct buf out;
	struct csv_reader r;
	struct err err;
	size_t len;
	char *text;

	buf_init(&out, 0);
	for (size_t i = 0; i < nrec; i++) {
		for (size_t j = 0; j < recs[i].n; j++) {
			const struct span *s = &spans[recs[i].first + j];
			if (j)
				buf_addch(&out, ',');
			check(csv_write_field(&out, s->p, s->len, neutralise) == 0, "write failed");
		}
		buf_adds(&out, (i & 1) ? "\r\n" : "\n");
	}
	text = buf_detach(&out, &len);
	csv_reader_init(&r, text, len);
	for (size_t i = 0; i < nrec; i++) {
		int rc = csv_next(&r, &err);
		if (rc != 1)
			fprintf(stderr, "record %zu: rc %d: %s\n", i, rc, rc < 0 ? err.msg : "");
		check(rc == 1, "rewritten record does not read back");
		check(r.nfields == recs[i].n, "rewritten record has another field count");
		for (size_t j = 0; j < r.nfields; j++) {
			const struct span *s = &spans[recs[i].first + j];
			const char *p = r.fields[j].p;
			size_t n = r.fields[j].len;
			if (neutralise)
				p = csv_unneutralise(p, &n);
			check(n == s->len && (n == 0 || !memcmp(p, s->p, n)),
			      "rewritten field reads back different");
		}
	}
	check(csv_next(&r, &err) == 0, "rewritten text has extra records");
	free(text);
}

/* The whole input as one field. */
static void one_field(const uint8_t *data, size_t size, int neutralise)
{
	struct buf out;
	struct csv_reader r;
	struct err err;
	const char *p;
	size_t len, n;
	char *text;

	buf_init(&out, 0);
	check(csv_write_field(&out, (const char *)data, size, neutralise) == 0, "write failed");
	buf_addch(&out, '\n');
	text = buf_detach(&out, &len);
	csv_reader_init(&r, text, len);
	check(csv_next(&r, &err) == 1, "field does not read back");
	check(r.nfields == 1, "one field became several");
	p = r.fields[0].p;
	n = r.fields[0].len;
	if (neutralise)
		p = csv_unneutralise(p, &n);
	check(n == size && (n == 0 || !memcmp(p, data, n)), "field reads back different");
	check(csv_next(&r, &err) == 0, "one field became several records");
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct csv_reader r;
	struct err err;
	struct span *spans = NULL;
	struct record *recs = NULL;
	size_t nspans = 0, nrec = 0, cap_s = 0, cap_r = 0;
	long prev_line = 0, max_line;
	int rc;

	memcpy(buf, data, size);
	max_line = 1 + count_lf(buf, size);
	csv_reader_init(&r, buf, size);
	while ((rc = csv_next(&r, &err)) == 1) {
		check(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS, "field count out of range");
		check(r.rec_line > prev_line, "record line did not advance");
		check(r.rec_line <= max_line, "record line beyond the input");
		prev_line = r.rec_line;
		if (nrec == cap_r) {
			cap_r = cap_r ? cap_r * 2 : 16;
			recs = realloc(recs, cap_r * sizeof(*recs));
		}
		recs[nrec].first = nspans;
		recs[nrec].n = r.nfields;
		nrec++;
		for (size_t i = 0; i < r.nfields; i++) {
			const struct csv_field *f = &r.fields[i];
			check(f->p >= buf && f->p + f->len <= buf + size, "field outside the buffer");
			if (nspans == cap_s) {
				cap_s = cap_s ? cap_s * 2 : 64;
				spans = realloc(spans, cap_s * sizeof(*spans));
			}
			spans[nspans].p = f->p;
			spans[nspans].len = f->len;
			nspans++;
		}
		check(csv_offset(&r, buf) <= size, "offset beyond the input");
	}
	if (rc < 0) {
		check(err.code == ERR_INVALID, "error with an unexpected code");
		check(!strncmp(err.msg, "line ", 5), "error does not name a line");
	} else {
		check(csv_offset(&r, buf) == size, "end before the input was consumed");
	}

	/* Earlier records' fields are still intact: round-trip what was read. */
	rewrite(spans, recs, nrec, 0);
	rewrite(spans, recs, nrec, 1);
	one_field(data, size, 0);
	one_field(data, size, 1);

	free(spans);
	free(recs);
	free(buf);
	return 0;
}
