/*
 * fuzz_xlsx.c - libFuzzer target for the .xlsx sheet reader (scripts/fuzz).
 * Any input is opened as a workbook and its first sheet read to the end: no
 * crash, no leak, and every cell as the header promises (a column within
 * A..XFD, text NUL-terminated at its length, a number's text reading back as
 * a number, a date's as YYYY-MM-DD). The input's first bytes also drive the
 * number and date conversions, which must round-trip.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "report/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_xlsx: %s\n", what);
		abort();
	}
}

static void conversions(const uint8_t *data, size_t size)
{
	double v;
	int32_t day, back;
	int fake;
	char t[XLSX_NUMBER_MAX];

	if (size < sizeof(v))
		return;
	memcpy(&v, data, sizeof(v));
	if (isfinite(v)) {
		xlsx_number_text(v, t);
		check(strtod(t, NULL) == v || v == 0, "a number's text reads back different");
		check(!strchr(t, 'e') && !strchr(t, 'E'), "a number's text has an exponent");
	}
	memcpy(&day, data, sizeof(day));
	day %= 2932897;
	if (day >= -25568) /* 1899-12-31 (serial 0) .. 9999-12-31 */
		check(xlsx_serial_day(xlsx_day_serial(day), 0, &back, &fake) == 0 && back == day &&
			      !fake,
		      "a day's serial reads back as another day");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlsx_reader *r;
	const struct xlsx_row *row;
	struct err err;
	int rc, n = 0;

	conversions(data, size);
	if (xlsx_open_mem(data, size, NULL, &r, &err))
		return 0;
	while ((rc = xlsx_next(r, &row, &err)) == 1 && n++ < 100000) {
		check(row->row >= 1 && row->row <= 1048576, "a row number out of range");
		for (size_t i = 0; i < row->ncells; i++) {
			const struct xlsx_cell *c = &row->cells[i];
			check(c->col < 16384, "a column past XFD");
			check(strlen(c->text) == c->len && c->len > 0, "a cell's text and length differ");
			if (c->type == XLSX_NUMBER) {
				char *end;
				strtod(c->text, &end);
				check(*end == '\0', "a number cell's text is not a number");
			}
			if (c->type == XLSX_DATE)
				check(c->len == 10 && c->text[4] == '-' && c->text[7] == '-',
				      "a date cell's text is not YYYY-MM-DD");
		}
	}
	xlsx_close(r);
	return 0;
}
