/*
 * test_csv.c - the RFC 4180 reader (quoting, line ends, line numbers, errors)
 * and writer (quoting, formula neutralisation), plus a write-then-read
 * round-trip property over many generated records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

/*
 * Read all of text[0..len) and describe what came back, one record as
 * "LINE:[field][field]|", a quoted field as {field}, an error as "ERR:message".
 * The input is copied into a buffer of exactly len bytes so that a sanitizer
 * catches any read past the end.
 */
static char *read_all_n(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct csv_reader r;
	struct buf out;
	struct err err;
	int rc, guard = 0;

	memcpy(copy, text, len);
	buf_init(&out, 0);
	csv_reader_init(&r, copy, len);
	while ((rc = csv_next(&r, &err)) == 1) {
		buf_addf(&out, "%ld:", r.rec_line);
		for (size_t i = 0; i < r.nfields; i++) {
			const struct csv_field *f = &r.fields[i];
			/* Fields point into the caller's buffer. */
			assert_true(f->p >= copy && f->p + f->len <= copy + len);
			buf_addch(&out, f->quoted ? '{' : '[');
			buf_add(&out, f->p, f->len);
			buf_addch(&out, f->quoted ? '}' : ']');
		}
		buf_addch(&out, '|');
		assert_true(++guard < 100000);
	}
	if (rc < 0) {
		assert_int_equal(err.code, ERR_INVALID);
		buf_addf(&out, "ERR:%s", err.msg);
	} else {
		/* At the end it stays at the end. */
		assert_int_equal(csv_next(&r, &err), 0);
		assert_int_equal(csv_offset(&r, copy), len);
	}
	free(copy);
	return buf_detach(&out, NULL);
}

static char *read_all(const char *text)
{
	return read_all_n(text, strlen(text));
}

static void expect_read(const char *text, const char *want)
{
	char *got = read_all(text);
	if (strcmp(got, want)) {
		print_error("input  %s\ngot    %s\nwanted %s\n", text, got, want);
		free(got);
		fail();
	}
	free(got);
}

/* The reader fails, at the given line, with a message containing why. */
static void expect_error(const char *text, const char *prefix, long line, const char *why)
{
	char *got = read_all(text);
	char want[64];
	size_t plen = strlen(prefix);
	snprintf(want, sizeof(want), "ERR:line %ld: ", line);
	if (strncmp(got, prefix, plen) || strncmp(got + plen, want, strlen(want)) ||
	    !strstr(got + plen, why)) {
		print_error("input  %s\ngot    %s\nwanted %s%s...%s\n", text, got, prefix, want, why);
		free(got);
		fail();
	}
	free(got);
}

/* --- reading --------------------------------------------------------------------- */

static void test_simple(void **state)
{
	(void)state;
	expect_read("", "");
	expect_read("a,b,c\n1,2,3\n", "1:[a][b][c]|2:[1][2][3]|");
	expect_read("a,b,c\r\n1,2,3\r\n", "1:[a][b][c]|2:[1][2][3]|");
	expect_read("a,b\r\n1,2\n3,4\r\n", "1:[a][b]|2:[1][2]|3:[3][4]|");
	/* The final line may lack its line end. */
	expect_read("a,b\n1,2", "1:[a][b]|2:[1][2]|");
	expect_read("a,b\r\n1,2", "1:[a][b]|2:[1][2]|");
	expect_read("x", "1:[x]|");
	/* Spaces belong to the field. */
	expect_read(" a , b ", "1:[ a ][ b ]|");
	/* Non-ASCII bytes pass through. */
	expect_read("客户,产品\n", "1:[客户][产品]|");
}

static void test_empty_fields(void **state)
{
	(void)state;
	expect_read(",,\n", "1:[][][]|");
	expect_read("a,,b\n", "1:[a][][b]|");
	expect_read("a,b,\n", "1:[a][b][]|");
	expect_read("a,b,", "1:[a][b][]|");
	expect_read("a,b,\r\n", "1:[a][b][]|");
	expect_read(",a", "1:[][a]|");
	expect_read("\"\",x\n", "1:{}[x]|");
	expect_read("x,\"\"\n", "1:[x]{}|");
	/* A blank line is one empty field. */
	expect_read("a\n\nb\n", "1:[a]|2:[]|3:[b]|");
	expect_read("a\r\n\r\nb\r\n", "1:[a]|2:[]|3:[b]|");
	expect_read("\n", "1:[]|");
}

static void test_quoted(void **state)
{
	(void)state;
	expect_read("\"a,b\",c\n", "1:{a,b}[c]|");
	expect_read("\"say \"\"hi\"\"\",x\n", "1:{say \"hi\"}[x]|");
	expect_read("\"\"\"\"\n", "1:{\"}|");
	expect_read("\"\"\"\"\"\"\n", "1:{\"\"}|");
	expect_read("\"a\"\"\",\"\"\"b\"\n", "1:{a\"}{\"b}|");
	expect_read("a,\"b\"", "1:[a]{b}|");
	expect_read("a,\"b\"\r\n", "1:[a]{b}|");
	expect_read("\" lead\",\"trail \"\n", "1:{ lead}{trail }|");
	expect_read("\"=1+2\"\n", "1:{=1+2}|");
}

static void test_multiline(void **state)
{
	(void)state;
	/* rec_line is the physical line the record starts on. */
	expect_read("h1,h2\n\"line1\nline2\",x\nnext,y\n",
		    "1:[h1][h2]|2:{line1\nline2}[x]|4:[next][y]|");
	expect_read("\"a\r\nb\",c\r\nd,e\r\n", "1:{a\r\nb}[c]|3:[d][e]|");
	expect_read("\"1\n2\n3\n4\",\"5\n6\"\nz\n", "1:{1\n2\n3\n4}{5\n6}|6:[z]|");
	expect_read("\"\n\"\n\"\n\"\n", "1:{\n}|3:{\n}|");
	expect_read("a\n\"b\nc\"", "1:[a]|2:{b\nc}|");
	/* A CR alone inside quotes is data and does not start a line. */
	expect_read("\"a\rb\",c\nd\n", "1:{a\rb}[c]|2:[d]|");
}

static void test_bom(void **state)
{
	(void)state;
	expect_read("\xEF\xBB\xBF"
		    "date,qty\n2026-03-01,3\n",
		    "1:[date][qty]|2:[2026-03-01][3]|");
	expect_read("\xEF\xBB\xBF", "");
	expect_read("\xEF\xBB\xBF\"q\"\n", "1:{q}|");
	/* Only a BOM at the very start is skipped. */
	expect_read("a\n\xEF\xBB\xBF"
		    "b\n",
		    "1:[a]|2:[\xEF\xBB\xBF"
		    "b]|");
	/* A partial BOM is data. */
	expect_read("\xEF\xBB"
		    "x\n",
		    "1:[\xEF\xBB"
		    "x]|");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("a,b\nc,\"unterminated\nmore\n", "1:[a][b]|", 2, "not closed");
	expect_error("\"", "", 1, "not closed");
	expect_error("a\nb\nc\n\"x", "1:[a]|2:[b]|3:[c]|", 4, "not closed");
	expect_error("\"a\"b,c\n", "", 1, "after a closing quote");
	expect_error("x\ny\n\"a\"b\n", "1:[x]|2:[y]|", 3, "after a closing quote");
	expect_error("\"a\" ,b\n", "", 1, "after a closing quote");
	/* After a field that spans lines, the error names the line it is on. */
	expect_error("\"a\nb\"x\n", "", 2, "after a closing quote");
	expect_error("ab\"c,d\n", "", 1, "quote inside an unquoted field");
	expect_error("ok\nab\"c\n", "1:[ok]|", 2, "quote inside an unquoted field");
	expect_error("a,b\"\n", "", 1, "quote inside an unquoted field");
	expect_error("12,5\",x\n", "", 1, "quote inside an unquoted field");
}

static void test_max_fields(void **state)
{
	struct buf b;
	char *got;
	(void)state;

	/* Exactly CSV_MAX_FIELDS fields is fine. */
	buf_init(&b, 0);
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_addf(&b, "%s%d", i ? "," : "", i);
	buf_adds(&b, "\n");
	got = read_all(buf_cstr(&b));
	assert_string_equal(got + strlen(got) - 5, "[63]|");
	assert_null(strstr(got, "ERR"));
	free(got);

	/* One more is an error naming the line. */
	buf_reset(&b);
	buf_adds(&b, "header\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		buf_addf(&b, "%s%d", i ? "," : "", i);
	buf_adds(&b, "\n");
	expect_error(buf_cstr(&b), "1:[header]|", 2, "more than 64 fields");

	/* Empty fields count too. */
	buf_reset(&b);
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_addch(&b, ',');
	expect_error(buf_cstr(&b), "", 1, "more than 64 fields");
	buf_release(&b);
}

static void test_line_numbers_long(void **state)
{
	struct buf b;
	struct csv_reader r;
	struct err err;
	char *copy;
	long want_line = 1;
	int rc, n = 0;
	(void)state;

	/* Records alternate between one, two and three physical lines. */
	buf_init(&b, 0);
	for (int i = 0; i < 3000; i++) {
		int extra = i % 3;
		buf_addf(&b, "%d,\"", i);
		for (int k = 0; k < extra; k++)
			buf_adds(&b, k % 2 ? "x\r\n" : "y\n");
		buf_adds(&b, i % 2 ? "end\"\r\n" : "end\"\n");
	}
	copy = buf_detach(&b, NULL);
	csv_reader_init(&r, copy, strlen(copy));
	while ((rc = csv_next(&r, &err)) == 1) {
		assert_int_equal(r.rec_line, want_line);
		assert_int_equal(r.nfields, 2);
		assert_int_equal(strtol(r.fields[0].p, NULL, 10), n);
		want_line += 1 + n % 3;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 3000);
	free(copy);
}

/* --- writing ---------------------------------------------------------------------- */

static void expect_write(const char *field, int neutralise, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(csv_write_field(&b, field, strlen(field), neutralise), 0);
	if (strcmp(buf_cstr(&b), want)) {
		print_error("csv_write_field(\"%s\", %d) = %s, want %s\n", field, neutralise,
			    buf_cstr(&b), want);
		buf_release(&b);
		fail();
	}
	buf_release(&b);
}

static void test_write_quoting(void **state)
{
	(void)state;
	expect_write("", 0, "");
	expect_write("plain", 0, "plain");
	expect_write("客户", 0, "客户");
	expect_write("a,b", 0, "\"a,b\"");
	expect_write("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
	expect_write("\"", 0, "\"\"\"\"");
	expect_write("a\nb", 0, "\"a\nb\"");
	expect_write("a\rb", 0, "\"a\rb\"");
	expect_write("a\r\nb", 0, "\"a\r\nb\"");
	expect_write(" lead", 0, "\" lead\"");
	expect_write("trail ", 0, "\"trail \"");
	expect_write("in side", 0, "in side");
	/* Without neutralising, formula starts are left alone. */
	/* A leading byte order mark is quoted, or a reader would drop it at file start. */
	expect_write("\xEF\xBB\xBFx", 0, "\"\xEF\xBB\xBFx\"");
	expect_write("x\xEF\xBB\xBF", 0, "x\xEF\xBB\xBF");
	expect_read("\"\xEF\xBB\xBFx\",y\n", "1:{\xEF\xBB\xBFx}[y]|");
	expect_write("=SUM(A1)", 0, "=SUM(A1)");
	expect_write("-3.10", 0, "-3.10");
}

static void test_write_neutralise(void **state)
{
	(void)state;
	expect_write("=SUM(A1:A9)", 1, "'=SUM(A1:A9)");
	expect_write("+1", 1, "'+1");
	expect_write("-1", 1, "'-1");
	expect_write("@cmd", 1, "'@cmd");
	expect_write("\tx", 1, "'\tx");
	expect_write("'x", 1, "''x");
	expect_write("'", 1, "''");
	/* A leading CR also forces quoting; the ' goes inside the quotes. */
	expect_write("\rx", 1, "\"'\rx\"");
	expect_write("=a,b", 1, "\"'=a,b\"");
	expect_write("=\"x\"", 1, "\"'=\"\"x\"\"\"");
	/* Only the first byte matters. */
	expect_write("a=b", 1, "a=b");
	expect_write("x-1", 1, "x-1");
	expect_write(" =x", 1, "\" =x\"");
	expect_write("plain", 1, "plain");
	expect_write("", 1, "");
}

static void expect_unneutralise(const char *in, const char *want)
{
	size_t len = strlen(in);
	const char *p = csv_unneutralise(in, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
	/* It returns a pointer into the input, never a copy. */
	assert_true(p == in || p == in + 1);
}

static void test_unneutralise(void **state)
{
	(void)state;
	expect_unneutralise("'=SUM(A1)", "=SUM(A1)");
	expect_unneutralise("'+1", "+1");
	expect_unneutralise("'-1", "-1");
	expect_unneutralise("'@x", "@x");
	expect_unneutralise("'\tx", "\tx");
	expect_unneutralise("'\rx", "\rx");
	expect_unneutralise("''x", "'x");
	expect_unneutralise("''", "'");
	/* One ' only. */
	expect_unneutralise("'''=", "''=");
	/* Left alone when what follows is not a formula start. */
	expect_unneutralise("'x", "'x");
	expect_unneutralise("'", "'");
	expect_unneutralise("' =", "' =");
	expect_unneutralise("=x", "=x");
	expect_unneutralise("", "");
}

static void test_write_cap(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 4);
	assert_int_equal(csv_write_field(&b, "abcd", 4, 0), 0);
	assert_int_equal(csv_write_field(&b, "e", 1, 0), -1);
	assert_true(b.overflow);
	buf_release(&b);

	/* Quoting counts against the cap. */
	buf_init(&b, 4);
	assert_int_equal(csv_write_field(&b, "a,b", 3, 0), -1);
	buf_release(&b);
}

/* --- the round-trip property ------------------------------------------------------ */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Pieces chosen to hit every special case of the writer and reader. */
static const char *const pieces[] = {
	"a", "Z", "0", "9", ",", "\"", "\"\"", "\r", "\n", "\r\n", " ", "=", "+", "-", "@",
	"\t", "'", "''", "é", "中", "😀", ".", ";", "\\", "x y", "\xEF\xBB\xBF",
};

static void gen_field(char *out, size_t *len)
{
	size_t n = 0;
	unsigned k = rnd(6) ? rnd(8) : 0;
	for (unsigned i = 0; i < k; i++) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = strlen(p);
		memcpy(out + n, p, pl);
		n += pl;
	}
	*len = n;
}

#define RT_RECORDS 40
#define RT_FIELDS 6

static void round_trip_once(int neutralise)
{
	char fields[RT_RECORDS][RT_FIELDS][64];
	size_t lens[RT_RECORDS][RT_FIELDS];
	int nf[RT_RECORDS];
	long starts[RT_RECORDS];
	struct buf b;
	struct csv_reader r;
	struct err err;
	size_t total;
	char *text;
	int nrec = 1 + (int)rnd(RT_RECORDS);

	buf_init(&b, 0);
	for (int i = 0; i < nrec; i++) {
		/* The line a record starts on: one plus the LFs written before it. */
		long lf = 0;
		for (size_t k = 0; k < b.len; k++)
			lf += b.p[k] == '\n';
		starts[i] = 1 + lf;
		nf[i] = 1 + (int)rnd(RT_FIELDS);
		for (int j = 0; j < nf[i]; j++) {
			gen_field(fields[i][j], &lens[i][j]);
			if (j)
				buf_addch(&b, ',');
			assert_int_equal(csv_write_field(&b, fields[i][j], lens[i][j], neutralise),
					 0);
		}
		/*
		 * Mixed line ends; the last record sometimes has none (except a lone
		 * empty field, which without its line end is no record at all).
		 */
		if (i < nrec - 1 || rnd(2) || (nf[i] == 1 && lens[i][0] == 0))
			buf_adds(&b, rnd(2) ? "\r\n" : "\n");
	}
	text = buf_detach(&b, &total);
	csv_reader_init(&r, text, total);
	for (int i = 0; i < nrec; i++) {
		int rc = csv_next(&r, &err);
		if (rc != 1)
			print_error("record %d: rc %d %s\n", i, rc, rc < 0 ? err.msg : "");
		assert_int_equal(rc, 1);
		assert_int_equal(r.rec_line, starts[i]);
		assert_int_equal(r.nfields, nf[i]);
		for (int j = 0; j < nf[i]; j++) {
			const char *p = r.fields[j].p;
			size_t len = r.fields[j].len;
			if (neutralise)
				p = csv_unneutralise(p, &len);
			assert_int_equal(len, lens[i][j]);
			assert_memory_equal(p, fields[i][j], len);
		}
	}
	assert_int_equal(csv_next(&r, &err), 0);
	free(text);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++)
		round_trip_once(i & 1);
}

/* --- separators, empty rows, encodings ------------------------------------------ */

/* Read text with separator delim; as read_all_n's description. */
static char *read_delim(const char *text, char delim)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	struct csv_reader r;
	struct buf out;
	struct err err;
	int rc;

	memcpy(copy, text, len);
	buf_init(&out, 0);
	csv_reader_init(&r, copy, len);
	r.delim = delim;
	while ((rc = csv_next(&r, &err)) == 1) {
		for (size_t i = 0; i < r.nfields; i++) {
			buf_addch(&out, '[');
			buf_add(&out, r.fields[i].p, r.fields[i].len);
			buf_addch(&out, ']');
		}
		buf_addch(&out, csv_record_empty(&r) ? 'E' : '|');
	}
	if (rc < 0)
		buf_addf(&out, "ERR:%s", err.msg);
	free(copy);
	return buf_detach(&out, NULL);
}

static void expect_delim(const char *text, char delim, const char *want)
{
	char *got = read_delim(text, delim);
	if (strcmp(got, want)) {
		print_error("read_delim(\"%s\") = \"%s\", want \"%s\"\n", text, got, want);
		free(got);
		fail();
	}
	free(got);
}

static void test_other_separators(void **state)
{
	(void)state;
	expect_delim("a;b;c\n1;\"x;y\";3\n", ';', "[a][b][c]|[1][x;y][3]|");
	expect_delim("a\tb\n1,5\t2\n", '\t', "[a][b]|[1,5][2]|");
	expect_delim("a,b\n,\n\"\",\"\"\n,x\n", ',', "[a][b]|[][]E[][]E[][x]|");
	expect_delim("\n", ',', "[]E");
}

static void expect_sniff(const char *text, int rc, char delim, const char *other)
{
	char d = 0, o[8] = "?";
	assert_int_equal(csv_sniff_delimiter(text, strlen(text), &d, o), rc);
	if (rc == 0)
		assert_int_equal(d, delim);
	else
		assert_string_equal(o, other);
}

static void test_sniff_delimiter(void **state)
{
	(void)state;
	expect_sniff("date,customer,product\n1;2;3;4;5\n", 0, ',', NULL);
	expect_sniff("date;customer;product\r\n", 0, ';', NULL);
	expect_sniff("\xEF\xBB\xBF" "date\tcustomer\tproduct", 0, '\t', NULL);
	/* commas inside a quoted header name do not count */
	expect_sniff("\"a,b,c\";d;e\n", 0, ';', NULL);
	/* a tie goes to the comma */
	expect_sniff("a,b;c\n", 0, ',', NULL);
	/* none of the three: name what seems to separate the words */
	expect_sniff("date|customer|product\n", -1, 0, "|");
	expect_sniff("date customer product\n", -1, 0, " ");
	expect_sniff("date\xEF\xBC\x8C" "customer\xEF\xBC\x8C" "product\n", -1, 0, "\xEF\xBC\x8C");
	/* one column, a stray space at its ends: nothing stands out */
	expect_sniff(" date \n", -1, 0, "");
	expect_sniff("", -1, 0, "");
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(csv_utf8_valid("", 0));
	assert_true(csv_utf8_valid("plain ascii, long enough for the 8-byte path", 44));
	assert_true(csv_utf8_valid("华东贸易有限公司", strlen("华东贸易有限公司")));
	assert_true(csv_utf8_valid("\xF0\x9F\x98\x80", 4)); /* an emoji */
	assert_false(csv_utf8_valid("\xC0\xAF", 2));          /* overlong */
	assert_false(csv_utf8_valid("\xE0\x80\xAF", 3));      /* overlong */
	assert_false(csv_utf8_valid("\xED\xA0\x80", 3));      /* a surrogate */
	assert_false(csv_utf8_valid("\xF4\x90\x80\x80", 4));  /* past U+10FFFF */
	assert_false(csv_utf8_valid("abcdefgh\xE5\x8D", 10)); /* cut short */
	assert_false(csv_utf8_valid("\xBB\xAA", 2));          /* GBK 华 */
	assert_false(csv_utf8_valid("\xFF", 1));
}

static void test_decode(void **state)
{
	/* 华东贸易 in GB18030 (as Python's codec writes it), then a comma and ASCII */
	static const char gb[] = "\xBB\xAA\xB6\xAB\xC3\xB3\xD2\xD7,ok\r\n";
	static const char want[] = "华东贸易,ok\r\n";
	struct buf out = BUF_INIT;
	struct err err;
	enum csv_encoding enc = CSV_GB18030;
	(void)state;

	/* valid UTF-8 stays as it is */
	assert_int_equal(csv_decode(want, strlen(want), 0, &out, &enc, &err), 0);
	assert_int_equal(enc, CSV_UTF8);
	assert_int_equal(out.len, 0);
	assert_string_equal(csv_encoding_name(enc), "UTF-8");
	/* anything else is GB18030 */
	assert_int_equal(csv_decode(gb, strlen(gb), 0, &out, &enc, &err), 1);
	assert_int_equal(enc, CSV_GB18030);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.p, want, out.len);
	assert_int_equal(out.p[out.len], '\0');
	assert_string_equal(csv_encoding_name(enc), "GB18030");
	/* declared GB18030: ASCII reads the same */
	assert_int_equal(csv_decode("a,b\n", 4, 1, &out, &enc, &err), 1);
	assert_int_equal(enc, CSV_GB18030);
	assert_memory_equal(out.p, "a,b\n", 4);
	/* neither: a lone lead byte, or 0xFF */
	assert_int_equal(csv_decode("ab\x81", 3, 0, &out, &enc, &err), -1);
	assert_string_equal(err.reason, "csv_encoding_unknown");
	assert_int_equal(csv_decode("a\xFF" "b", 3, 0, &out, &enc, &err), -1);
	assert_string_equal(err.reason, "csv_encoding_unknown");
	assert_non_null(strstr(err.params, "\"offset\":1"));
	/* a capped buffer refuses what it cannot hold */
	{
		struct buf small;
		buf_init(&small, 8);
		assert_int_equal(csv_decode(gb, strlen(gb), 0, &small, &enc, &err), -1);
		assert_int_equal(err.code, ERR_TOO_LARGE);
		buf_release(&small);
	}
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_multiline),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_max_fields),
		cmocka_unit_test(test_line_numbers_long),
		cmocka_unit_test(test_write_quoting),
		cmocka_unit_test(test_write_neutralise),
		cmocka_unit_test(test_unneutralise),
		cmocka_unit_test(test_write_cap),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_other_separators),
		cmocka_unit_test(test_sniff_delimiter),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
