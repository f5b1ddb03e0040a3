/*
 * xlsx_read.c - read one worksheet of an .xlsx as rows of typed cells (see
 * xlsx_read.h). The package's small parts (relationships, workbook, styles)
 * and the shared strings are parsed whole, once; the sheet is inflated in
 * chunks and fed to expat, which is suspended at the end of every row so the
 * caller takes one row at a time.
 */
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "report/xlsx_read.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "report/dl.h"
#include "base/banned.h"

/* --- the libraries, loaded on first use ------------------------------------------ */

#define ZIP_FUNCTIONS(X)                                                                  \
	X(zip_source_buffer_create)                                                       \
	X(zip_source_free)                                                                \
	X(zip_open_from_source)                                                           \
	X(zip_open)                                                                       \
	X(zip_discard)                                                                    \
	X(zip_stat)                                                                       \
	X(zip_fopen)                                                                      \
	X(zip_fread)                                                                      \
	X(zip_fclose)                                                                     \
	X(zip_error_init_with_code)                                                       \
	X(zip_error_fini)
static struct { ZIP_FUNCTIONS(DL_MEMBER) } zipf;
#define ZIP_ENTRY(f) DL_ENTRY(zipf, f)
static const struct dl_sym zip_syms[] = { ZIP_FUNCTIONS(ZIP_ENTRY) };
static struct dl_lib zip_lib = DL_LIB("libzip.so.4", "xlsx_unavailable", "reading .xlsx files",
				      zip_syms);

#define EXPAT_FUNCTIONS(X)                                                                \
	X(XML_ParserCreateNS)                                                             \
	X(XML_ParserFree)                                                                 \
	X(XML_SetUserData)                                                                \
	X(XML_SetElementHandler)                                                          \
	X(XML_SetCharacterDataHandler)                                                    \
	X(XML_SetStartDoctypeDeclHandler)                                                 \
	X(XML_GetBuffer)                                                                  \
	X(XML_ParseBuffer)                                                                \
	X(XML_StopParser)                                                                 \
	X(XML_ResumeParser)                                                               \
	X(XML_GetErrorCode)                                                               \
	X(XML_ErrorString)                                                                \
	X(XML_GetCurrentLineNumber)
static struct { EXPAT_FUNCTIONS(DL_MEMBER) } xmlf;
#define EXPAT_ENTRY(f) DL_ENTRY(xmlf, f)
static const struct dl_sym expat_syms[] = { EXPAT_FUNCTIONS(EXPAT_ENTRY) };
static struct dl_lib expat_lib = DL_LIB("libexpat.so.1", "xlsx_unavailable",
					"reading .xlsx files", expat_syms);

/* --- limits ------------------------------------------------------------------------- */

#define CHUNK 65536
#define MAX_CELL_BYTES (32767 * 4) /* Excel's 32,767 characters, in UTF-8 */
#define MAX_ROW_BYTES (16u << 20)  /* one row's texts: a shared string copied into each cell */
#define MAX_COLS 16384             /* A .. XFD */
#define MAX_ROWS 1048576
#define MAX_SMALL_PART (16u << 20) /* relationships, workbook, styles */
#define MAX_SST_XML (1024ull << 20)
#define MAX_SST_TEXT (256u << 20)
#define MAX_SST_COUNT (16u << 20)
/*
 * A sheet's XML: a million sales rows take some 200-400 MB; past this a file
 * is refused rather than parsed for minutes (a few MB of deflated empty rows
 * can inflate a thousandfold).
 */
#define MAX_SHEET_XML (2048ull << 20)

/* --- the reader ---------------------------------------------------------------------- */

struct rel {
	char *id, *type, *target;
};

struct sheet_ref {
	char *name, *rid;
};

enum part { P_RELS, P_WORKBOOK, P_STYLES, P_SST, P_SHEET };

struct xlsx_reader {
	zip_t *za;
	int date1904;
	enum part part;   /* what the parser reads now */
	XML_Parser xp;
	int failed;       /* a handler stopped the parser: why in perr */
	struct err perr;
	const char *part_name;

	/* relationships of the part last read, and the workbook's sheets */
	struct rel *rels;
	size_t nrels, arels;
	struct sheet_ref *sheets;
	size_t nsheets, asheets;

	/* shared strings: texts one after another, NUL-terminated, by offset */
	struct buf sst;
	size_t *sst_off;
	size_t nsst, asst;
	int in_si, in_t, in_rph;

	/* styles: whether each cell format (cellXfs) shows a date */
	unsigned char *xf_date;
	size_t nxf, axf;
	int *date_fmts;   /* custom number formats that show a date */
	size_t ndate_fmts, adate_fmts;
	int in_cellxfs;

	/* the sheet */
	char sheet[128];
	char sheet_path[300];
	zip_file_t *zf;
	uint64_t size, read;
	int suspended, done;
	int in_data, in_row, in_cell, in_v, in_is;
	uint32_t cur_row, last_row;
	int64_t last_col;
	uint32_t cell_col, cell_style;
	char cell_t[12];
	int have_v;
	struct buf val;     /* the current cell's value */
	struct buf rowtext; /* the row's texts */
	size_t *offs;
	struct xlsx_cell *cells;
	size_t ncells, acells;
	struct xlsx_row row;
};

static const char *local(const char *name)
{
	const char *p = strrchr(name, '|');
	return p ? p + 1 : name;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(local(a[0]), name))
			return a[1];
	return NULL;
}

/* Stop the parser from a handler with an error (the first one kept). */
static void fail(struct xlsx_reader *r, enum err_code code, const char *reason, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));

static void fail(struct xlsx_reader *r, enum err_code code, const char *reason, const char *fmt,
		 ...)
{
	va_list ap;
	if (r->failed)
		return;
	r->failed = 1;
	va_start(ap, fmt);
	err_vset(&r->perr, code, "file", reason, fmt, ap);
	va_end(ap);
	xmlf.XML_StopParser(r->xp, XML_FALSE);
}

/* A DOCTYPE has no place in a workbook part (and its entities no way in). */
static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
		       const XML_Char *pubid, int has_internal)
{
	struct xlsx_reader *r = ud;
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	fail(r, ERR_INVALID, "xlsx_unreadable", "the file is not an .xlsx workbook: %s has a DOCTYPE",
	     r->part_name);
}

/*
 * Undo the _xHHHH_ escapes of Office strings (ST_Xstring: "_x000D_" is a
 * carriage return, "_x005F_" an underscore) in s[0..*len), in place.
 */
static void unescape_x(char *s, size_t *len)
{
	size_t i = 0, o = 0, n = *len;
	if (!memchr(s, '_', n))
		return;
	while (i < n) {
		unsigned cp = 0;
		int ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (size_t k = 2; ok && k < 6; k++) {
			char c = s[i + k];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
			if (d > 15)
				ok = 0;
			cp = cp * 16 + d;
		}
		if (!ok || (cp >= 0xD800 && cp <= 0xDFFF)) {
			s[o++] = s[i++];
			continue;
		}
		/* at most three UTF-8 bytes for seven of escape: it never outgrows */
		if (cp < 0x80) {
			s[o++] = (char)cp;
		} else if (cp < 0x800) {
			s[o++] = (char)(0xC0 | (cp >> 6));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[o++] = (char)(0xE0 | (cp >> 12));
			s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		}
		i += 7;
	}
	s[o] = '\0';
	*len = o;
}

/* --- reading a whole part ------------------------------------------------------------- */

static int zip_failed(struct xlsx_reader *r, const char *what, struct err *err)
{
	return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
		       "the file is not an .xlsx workbook: cannot read %s", what ? what : r->part_name);
}

static int xml_failed(struct xlsx_reader *r, struct err *err)
{
	if (r->failed) {
		err_copy(err, &r->perr);
		return -1;
	}
	return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
		       "the file is not an .xlsx workbook: %s, line %lu: %s", r->part_name,
		       (unsigned long)xmlf.XML_GetCurrentLineNumber(r->xp),
		       xmlf.XML_ErrorString(xmlf.XML_GetErrorCode(r->xp)));
}

static XML_Parser parser_new(struct xlsx_reader *r, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	XML_Parser xp = xmlf.XML_ParserCreateNS(NULL, '|');
	if (!xp)
		return NULL;
	xmlf.XML_SetUserData(xp, r);
	xmlf.XML_SetElementHandler(xp, start, end);
	if (chars)
		xmlf.XML_SetCharacterDataHandler(xp, chars);
	xmlf.XML_SetStartDoctypeDeclHandler(xp, on_doctype);
	return xp;
}

/*
 * Parse the part name with the handlers, in chunks as it inflates (at most
 * max bytes). 0 done, 1 no such part, -1 error.
 */
static int part_parse(struct xlsx_reader *r, const char *name, enum part part, uint64_t max,
		      XML_StartElementHandler start, XML_EndElementHandler end,
		      XML_CharacterDataHandler chars, struct err *err)
{
	zip_stat_t zs;
	zip_file_t *zf;
	uint64_t total = 0;
	int rc = -1;

	if (zipf.zip_stat(r->za, name, 0, &zs))
		return 1;
	r->part = part;
	r->part_name = name;
	r->failed = 0;
	zf = zipf.zip_fopen(r->za, name, 0);
	if (!zf)
		return zip_failed(r, name, err);
	r->xp = parser_new(r, start, end, chars);
	if (!r->xp) {
		zipf.zip_fclose(zf);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory for the XML parser");
	}
	for (;;) {
		void *b = xmlf.XML_GetBuffer(r->xp, CHUNK);
		zip_int64_t n;
		if (!b) {
			err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory for the XML parser");
			goto out;
		}
		n = zipf.zip_fread(zf, b, CHUNK);
		if (n < 0) {
			zip_failed(r, name, err);
			goto out;
		}
		total += (uint64_t)n;
		if (total > max) {
			err_set(err, ERR_TOO_LARGE, "file", "xlsx_too_large:_",
				"the workbook's %s is larger than this reader takes", name);
			goto out;
		}
		if (xmlf.XML_ParseBuffer(r->xp, (int)n, n == 0) != XML_STATUS_OK) {
			xml_failed(r, err);
			goto out;
		}
		if (n == 0)
			break;
	}
	rc = 0;
out:
	xmlf.XML_ParserFree(r->xp);
	r->xp = NULL;
	zipf.zip_fclose(zf);
	return rc;
}

/* --- relationships --------------------------------------------------------------------- */

static void rels_release(struct xlsx_reader *r)
{
	for (size_t i = 0; i < r->nrels; i++) {
		free(r->rels[i].id);
		free(r->rels[i].type);
		free(r->rels[i].target);
	}
	r->nrels = 0;
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *r = ud;
	const char *id, *type, *target;
	if (strcmp(local(name), "Relationship"))
		return;
	id = attr(a, "Id");
	type = attr(a, "Type");
	target = attr(a, "Target");
	if (!id || !type || !target)
		return;
	ALLOC_GROW(r->rels, r->nrels + 1, r->arels);
	r->rels[r->nrels].id = xstrdup(id);
	r->rels[r->nrels].type = xstrdup(type);
	r->rels[r->nrels].target = xstrdup(target);
	r->nrels++;
}

static void no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

/* The relationship whose type ends with "/suffix" (or whose id is id). */
static const struct rel *rel_find(const struct xlsx_reader *r, const char *suffix, const char *id)
{
	for (size_t i = 0; i < r->nrels; i++) {
		const struct rel *l = &r->rels[i];
		size_t tl = strlen(l->type), sl = suffix ? strlen(suffix) : 0;
		if (id ? !strcmp(l->id, id)
		       : (tl > sl && l->type[tl - sl - 1] == '/' && !strcmp(l->type + tl - sl, suffix)))
			return l;
	}
	return NULL;
}

/* A target relative to dir ("xl/"), or from the package's root when it starts with '/'. */
static void rel_path(const char *dir, const char *target, char *out, size_t size)
{
	if (target[0] == '/')
		snprintf(out, size, "%s", target + 1);
	else
		snprintf(out, size, "%s%s", dir, target);
}

/* --- the workbook ------------------------------------------------------------------------ */

static void workbook_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);
	if (!strcmp(n, "workbookPr")) {
		const char *v = attr(a, "date1904");
		r->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	} else if (!strcmp(n, "sheet")) {
		const char *sn = attr(a, "name"), *rid = attr(a, "id");
		if (!sn || !rid)
			return;
		ALLOC_GROW(r->sheets, r->nsheets + 1, r->asheets);
		r->sheets[r->nsheets].name = xstrdup(sn);
		r->sheets[r->nsheets].rid = xstrdup(rid);
		r->nsheets++;
	}
}

/* --- styles: which cell formats show dates ---------------------------------------------- */

/*
 * Whether a number format's code shows a date: a y, m or d outside quoted
 * text, escapes and [brackets] ([h] [mm] [ss] are elapsed time; an m beside
 * h or s is minutes, so an m alone counts only without them).
 */
static int format_is_date(const char *code)
{
	int y = 0, m = 0, d = 0, hs = 0;
	for (const char *p = code; *p; p++) {
		char c = *p;
		if (c == '"') {
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (p[1])
				p++;
		} else if (c == '[') {
			while (p[1] && p[1] != ']')
				p++;
			if (p[1])
				p++;
		} else if (c == ';') {
			break; /* the first section says it */
		} else {
			switch (c | 0x20) {
			case 'y': y = 1; break;
			case 'd': d = 1; break;
			case 'm': m = 1; break;
			case 'h':
			case 's': hs = 1; break;
			default: break;
			}
		}
	}
	return y || d || (m && !hs);
}

/*
 * Built-in formats that show dates: 14-22 (m/d/yyyy ... m/d/yy h:mm), and
 * the East Asian ones 27-36 and 50-58 (yyyy"年"m"月"d"日"... in a Chinese
 * Excel), which files name by number without defining.
 */
static int builtin_is_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);
	if (!strcmp(n, "numFmt")) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (id && code && format_is_date(code)) {
			ALLOC_GROW(r->date_fmts, r->ndate_fmts + 1, r->adate_fmts);
			r->date_fmts[r->ndate_fmts++] = (int)strtol(id, NULL, 10);
		}
	} else if (!strcmp(n, "cellXfs")) {
		r->in_cellxfs = 1;
	} else if (!strcmp(n, "xf") && r->in_cellxfs) {
		const char *id = attr(a, "numFmtId");
		long fmt = id ? strtol(id, NULL, 10) : 0;
		int is_date = builtin_is_date(fmt);
		for (size_t i = 0; i < r->ndate_fmts && !is_date; i++)
			is_date = r->date_fmts[i] == fmt;
		ALLOC_GROW(r->xf_date, r->nxf + 1, r->axf);
		r->xf_date[r->nxf++] = (unsigned char)is_date;
	}
}

static void styles_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	if (!strcmp(local(name), "cellXfs"))
		r->in_cellxfs = 0;
}

/* --- shared strings ----------------------------------------------------------------------- */

static void sst_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);
	(void)a;
	if (!strcmp(n, "si")) {
		if (r->nsst >= MAX_SST_COUNT) {
			fail(r, ERR_TOO_LARGE, "xlsx_too_large:_", "the workbook's %s holds too many strings",
			     "shared strings");
			return;
		}
		r->in_si = 1;
		ALLOC_GROW(r->sst_off, r->nsst + 1, r->asst);
		r->sst_off[r->nsst] = r->sst.len;
	} else if (!strcmp(n, "t") && r->in_si && !r->in_rph) {
		r->in_t = 1;
	} else if (!strcmp(n, "rPh")) {
		r->in_rph = 1; /* a phonetic reading (furigana): not the text */
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);
	if (!strcmp(n, "t")) {
		r->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		r->in_rph = 0;
	} else if (!strcmp(n, "si") && r->in_si) {
		size_t start = r->sst_off[r->nsst], len = r->sst.len - start;
		r->in_si = 0;
		if (buf_addch(&r->sst, '\0')) {
			fail(r, ERR_TOO_LARGE, "xlsx_too_large:_", "the workbook's %s are too large",
			     "shared strings");
			return;
		}
		unescape_x(r->sst.p + start, &len);
		r->sst.len = start + len + 1;
		r->nsst++;
	}
}

static void sst_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *r = ud;
	if (!r->in_t || !r->in_si)
		return;
	/* one string is one cell's text at most: Excel's 32,767 characters */
	if (r->sst.len - r->sst_off[r->nsst] + (size_t)len > MAX_CELL_BYTES) {
		fail(r, ERR_TOO_LARGE, "xlsx_too_large:_", "the workbook's %s is too large",
		     "shared string");
		return;
	}
	if (buf_add(&r->sst, s, (size_t)len))
		fail(r, ERR_TOO_LARGE, "xlsx_too_large:_", "the workbook's %s are too large",
		     "shared strings");
}

/* --- numbers and dates ------------------------------------------------------------------- */

void xlsx_number_text(double v, char *out)
{
	char e[40], digits[24];
	int prec, exp10, nd = 0, neg = 0;
	size_t o = 0;
	const char *p;

	if (!isfinite(v) || v == 0) {
		snprintf(out, XLSX_NUMBER_MAX, "%s", isfinite(v) ? "0" : "NaN");
		return;
	}
	/* the fewest significant digits that read back as the same double */
	for (prec = 1; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", prec - 1, v);
	p = e;
	if (*p == '-')
		neg = 1, p++;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	exp10 = (int)strtol(p + 1, NULL, 10);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (neg)
		out[o++] = '-';
	if (exp10 >= 0) {
		/* digits[0..exp10] before the point, zeros when the digits run out */
		for (int i = 0; i <= exp10; i++)
			out[o++] = i < nd ? digits[i] : '0';
		if (nd > exp10 + 1) {
			out[o++] = '.';
			for (int i = exp10 + 1; i < nd; i++)
				out[o++] = digits[i];
		}
	} else {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = 0; i < -exp10 - 1; i++)
			out[o++] = '0';
		for (int i = 0; i < nd; i++)
			out[o++] = digits[i];
	}
	out[o] = '\0';
}

int xlsx_serial_day(double serial, int date1904, int32_t *day, int *fake)
{
	static const int32_t last = 2932896; /* 9999-12-31 */
	double f = floor(serial);
	int64_t s, d;

	*fake = 0;
	if (!(f >= 0) || f > 3e6)
		return -1;
	s = (int64_t)f;
	if (date1904) {
		d = -24107 + s; /* 1904-01-01 is serial 0 */
	} else if (s == 60) {
		*fake = 1; /* 1900-02-29, which Lotus 1-2-3 counted and Excel keeps */
		d = -25509;    /* 1900-02-28 */
	} else if (s < 60) {
		d = -25568 + s; /* serial 1 is 1900-01-01 */
	} else {
		d = -25569 + s; /* from 1900-03-01 (61) on, days since 1899-12-30 */
	}
	if (d > last)
		return -1;
	*day = (int32_t)d;
	return 0;
}

double xlsx_day_serial(int32_t day)
{
	/* before 1900-03-01, Excel's count misses its fake 1900-02-29 */
	return (double)day + (day < -25508 ? 25568 : 25569);
}

void xlsx_col_name(uint32_t col, char out[4])
{
	char tmp[4];
	int n = 0, o = 0;
	col++;
	while (col && n < 3) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n)
		out[o++] = tmp[--n];
	out[o] = '\0';
}

/* --- the sheet, row by row ---------------------------------------------------------------- */

/* A cell reference's column ("AB12" -> 27); -1 when it has none or past XFD. */
static int64_t ref_col(const char *ref)
{
	int64_t c = 0;
	int n = 0;
	for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z'); ref++, n++)
		if (n < 4) /* past three letters it is refused below: no need to count on */
			c = c * 26 + ((*ref | 0x20) - 'a' + 1);
	if (n == 0 || n > 3 || c > MAX_COLS)
		return -1;
	return c - 1;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);

	if (!strcmp(n, "sheetData")) {
		r->in_data = 1;
	} else if (!r->in_data) {
		return;
	} else if (!strcmp(n, "row")) {
		const char *v = attr(a, "r");
		long rn = v ? strtol(v, NULL, 10) : (long)r->last_row + 1;
		if (rn < 1 || rn > MAX_ROWS) {
			fail(r, ERR_INVALID, "xlsx_unreadable", "the file is not an .xlsx workbook: "
			     "sheet %s has a row numbered %ld", r->sheet, rn);
			return;
		}
		r->in_row = 1;
		r->cur_row = (uint32_t)rn;
		r->last_col = -1;
		r->ncells = 0;
		buf_reset(&r->rowtext);
	} else if (!strcmp(n, "c") && r->in_row) {
		const char *ref = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		int64_t col = ref ? ref_col(ref) : r->last_col + 1;
		if (col < 0 || col >= MAX_COLS) {
			fail(r, ERR_INVALID, "xlsx_unreadable", "the file is not an .xlsx workbook: "
			     "sheet %s, row %u has a cell \"%.12s\"", r->sheet, r->cur_row,
			     ref ? ref : "");
			return;
		}
		r->in_cell = 1;
		r->cell_col = (uint32_t)col;
		r->last_col = col;
		snprintf(r->cell_t, sizeof(r->cell_t), "%s", t ? t : "n");
		r->cell_style = s ? (uint32_t)strtoul(s, NULL, 10) : 0;
		r->have_v = 0;
		buf_reset(&r->val);
	} else if (r->in_cell && !strcmp(n, "v")) {
		r->in_v = 1;
	} else if (r->in_cell && !strcmp(n, "is")) {
		r->in_is = 1;
	} else if (r->in_is && !strcmp(n, "t") && !r->in_rph) {
		r->in_t = 1;
	} else if (r->in_is && !strcmp(n, "rPh")) {
		r->in_rph = 1;
	}
}

static void sheet_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *r = ud;
	if (!r->in_v && !r->in_t)
		return;
	if (r->val.len + (size_t)len > MAX_CELL_BYTES || buf_add(&r->val, s, (size_t)len)) {
		char c[4], ref[16];
		xlsx_col_name(r->cell_col, c);
		snprintf(ref, sizeof(ref), "%s%u", c, r->cur_row);
		fail(r, ERR_INVALID, "xlsx_cell_too_long:sheet,cell", "sheet %s, cell %s holds "
		     "more than Excel's 32767 characters", r->sheet, ref);
	}
}

/* The cell just read, typed, added to the row's cells (an empty one is left out). */
static void cell_finish(struct xlsx_reader *r)
{
	char num[XLSX_NUMBER_MAX];
	const char *text;
	size_t len;
	enum xlsx_type type = XLSX_STRING;
	const char *t = r->cell_t;

	if (!r->have_v)
		return;
	text = buf_cstr(&r->val);
	len = r->val.len;
	if (!strcmp(t, "s")) {
		char *end;
		unsigned long i = strtoul(text, &end, 10);
		if (end == text || *end || i >= r->nsst) {
			char c[4];
			xlsx_col_name(r->cell_col, c);
			fail(r, ERR_INVALID, "xlsx_unreadable", "the file is not an .xlsx workbook: "
			     "sheet %s, cell %s%u names a shared string it lacks", r->sheet, c,
			     r->cur_row);
			return;
		}
		text = r->sst.p + r->sst_off[i];
		len = strlen(text);
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str")) {
		if (len) {
			unescape_x(r->val.p, &len);
			r->val.len = len;
		}
	} else if (!strcmp(t, "b")) {
		type = XLSX_BOOL;
		text = strcmp(text, "0") ? "TRUE" : "FALSE";
		len = strlen(text);
	} else if (!strcmp(t, "e")) {
		type = XLSX_ERROR;
	} else if (!strcmp(t, "d")) {
		/* an ISO 8601 date cell (Strict files, some writers): its day */
		int32_t day;
		if (len >= 10 && !date_parse(text, 10, &day, NULL, NULL)) {
			type = XLSX_DATE;
			len = 10;
		}
	} else {
		char *end;
		double v = strtod(text, &end);
		if (end != text && !*end && isfinite(v)) {
			int32_t day;
			int fake;
			int is_date = r->cell_style < r->nxf && r->xf_date[r->cell_style];
			if (is_date && !xlsx_serial_day(v, r->date1904, &day, &fake)) {
				type = XLSX_DATE;
				if (fake)
					snprintf(num, sizeof(num), "1900-02-29");
				else
					date_format(day, num);
			} else {
				type = XLSX_NUMBER;
				xlsx_number_text(v, num);
			}
			text = num;
			len = strlen(num);
		}
		/* else not a number: kept as the text it is, and the import says so */
	}
	if (len == 0)
		return;
	ALLOC_GROW(r->cells, r->ncells + 1, r->acells);
	r->offs = xrealloc(r->offs, r->acells * sizeof(*r->offs));
	r->offs[r->ncells] = r->rowtext.len;
	r->cells[r->ncells].col = r->cell_col;
	r->cells[r->ncells].type = type;
	r->cells[r->ncells].len = len;
	/* capped: 16,384 cells naming one long shared string would otherwise ask for gigabytes */
	if (buf_add(&r->rowtext, text, len) || buf_addch(&r->rowtext, '\0')) {
		fail(r, ERR_TOO_LARGE, "xlsx_too_large:_", "the workbook's %s is too large",
		     "row");
		return;
	}
	r->ncells++;
}

static void sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *r = ud;
	const char *n = local(name);

	if (!r->in_data)
		return;
	if (!strcmp(n, "v")) {
		r->in_v = 0;
		r->have_v = 1;
	} else if (!strcmp(n, "t") && r->in_t) {
		r->in_t = 0;
		r->have_v = 1;
	} else if (!strcmp(n, "rPh")) {
		r->in_rph = 0;
	} else if (!strcmp(n, "is")) {
		r->in_is = 0;
	} else if (!strcmp(n, "c") && r->in_cell) {
		r->in_cell = 0;
		cell_finish(r);
	} else if (!strcmp(n, "row") && r->in_row) {
		r->in_row = 0;
		r->last_row = r->cur_row;
		if (!r->ncells || r->failed)
			return;
		for (size_t i = 0; i < r->ncells; i++)
			r->cells[i].text = r->rowtext.p + r->offs[i];
		r->row.row = r->cur_row;
		r->row.cells = r->cells;
		r->row.ncells = r->ncells;
		/* hand the row over: XML_ParseBuffer / XML_ResumeParser answer SUSPENDED */
		xmlf.XML_StopParser(r->xp, XML_TRUE);
	} else if (!strcmp(n, "sheetData")) {
		r->in_data = 0;
	}
}

int xlsx_next(struct xlsx_reader *r, const struct xlsx_row **row, struct err *err)
{
	*row = NULL;
	for (;;) {
		enum XML_Status st;
		if (r->failed)
			return xml_failed(r, err);
		if (r->suspended) {
			r->suspended = 0;
			st = xmlf.XML_ResumeParser(r->xp);
		} else if (r->done) {
			return 0;
		} else {
			void *b = xmlf.XML_GetBuffer(r->xp, CHUNK);
			zip_int64_t n;
			if (!b)
				return err_set(err, ERR_INTERNAL, NULL, "internal",
					       "out of memory for the XML parser");
			n = zipf.zip_fread(r->zf, b, CHUNK);
			if (n < 0) {
				r->failed = 1;
				zip_failed(r, NULL, &r->perr);
				continue;
			}
			r->read += (uint64_t)n;
			if (r->read > MAX_SHEET_XML) {
				r->failed = 1;
				err_set(&r->perr, ERR_TOO_LARGE, "file", "xlsx_too_large:_",
					"the workbook's %s is larger than this reader takes",
					"sheet");
				continue;
			}
			r->done = n == 0;
			st = xmlf.XML_ParseBuffer(r->xp, (int)n, n == 0);
		}
		if (st == XML_STATUS_ERROR) {
			if (!r->failed) {
				xml_failed(r, &r->perr);
				r->failed = 1;
			}
			continue;
		}
		if (st == XML_STATUS_SUSPENDED) {
			r->suspended = 1;
			*row = &r->row;
			return 1;
		}
	}
}

/* --- opening --------------------------------------------------------------------------------- */

static int load_libs(struct err *err)
{
	return dl_load(&zip_lib, err) || dl_load(&expat_lib, err) ? -1 : 0;
}

/* The directory part of a part's name, with its slash ("xl/workbook.xml" -> "xl/"). */
static void dir_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	snprintf(out, size, "%.*s", slash ? (int)(slash - path + 1) : 0, path);
}

static int reader_setup(struct xlsx_reader *r, const char *sheet, struct err *err)
{
	char wb[256], dir[256], rels[300], path[300];
	const struct rel *l;
	const struct sheet_ref *sr = NULL;
	zip_stat_t zs;
	int rc;

	/* the package's main part, from its relationships (xl/workbook.xml as a rule) */
	rc = part_parse(r, "_rels/.rels", P_RELS, MAX_SMALL_PART, rels_start, no_end, NULL, err);
	if (rc < 0)
		return -1;
	l = rc == 0 ? rel_find(r, "officeDocument", NULL) : NULL;
	rel_path("", l ? l->target : "xl/workbook.xml", wb, sizeof(wb));
	rels_release(r);
	dir_of(wb, dir, sizeof(dir));
	rc = part_parse(r, wb, P_WORKBOOK, MAX_SMALL_PART, workbook_start, no_end, NULL, err);
	if (rc)
		return rc < 0 ? -1 : err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
					     "the file is not an .xlsx workbook: it has no %s", wb);
	snprintf(rels, sizeof(rels), "%s_rels/%s.rels", dir, wb + strlen(dir));
	rc = part_parse(r, rels, P_RELS, MAX_SMALL_PART, rels_start, no_end, NULL, err);
	if (rc)
		return rc < 0 ? -1 : err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
					     "the file is not an .xlsx workbook: it has no %s", rels);
	/* the sheet: the first, or the one named */
	for (size_t i = 0; i < r->nsheets && !sr; i++)
		if (!sheet || !sheet[0] || !strcmp(r->sheets[i].name, sheet))
			sr = &r->sheets[i];
	if (!sr) {
		struct buf names = BUF_INIT;
		for (size_t i = 0; i < r->nsheets; i++)
			buf_addf(&names, "%s%s", i ? ", " : "", r->sheets[i].name);
		if (!r->nsheets || !sheet || !sheet[0])
			rc = err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
				     "the file is not an .xlsx workbook: it has no sheets");
		else
			rc = err_set(err, ERR_INVALID, "sheet", "xlsx_sheet_missing:sheet,sheets",
				     "the workbook has no sheet \"%s\" (its sheets: %s)", sheet,
				     buf_cstr(&names));
		buf_release(&names);
		return rc;
	}
	snprintf(r->sheet, sizeof(r->sheet), "%s", sr->name);
	l = rel_find(r, NULL, sr->rid);
	if (!l)
		return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
			       "the file is not an .xlsx workbook: sheet %s has no part", r->sheet);
	rel_path(dir, l->target, path, sizeof(path));
	/* the number formats say which numbers are dates; the shared strings hold the text */
	{
		char styles[300] = "", sst[300] = "";
		const struct rel *ls = rel_find(r, "styles", NULL), *lt = rel_find(r, "sharedStrings", NULL);
		if (ls)
			rel_path(dir, ls->target, styles, sizeof(styles));
		if (lt)
			rel_path(dir, lt->target, sst, sizeof(sst));
		if (styles[0] && part_parse(r, styles, P_STYLES, MAX_SMALL_PART, styles_start,
					    styles_end, NULL, err) < 0)
			return -1;
		buf_init(&r->sst, MAX_SST_TEXT);
		buf_init(&r->rowtext, MAX_ROW_BYTES);
		if (sst[0] && part_parse(r, sst, P_SST, MAX_SST_XML, sst_start, sst_end, sst_chars,
					 err) < 0)
			return -1;
	}
	/* the sheet, streamed */
	if (zipf.zip_stat(r->za, path, 0, &zs))
		return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
			       "the file is not an .xlsx workbook: it has no %s", path);
	r->size = (zs.valid & ZIP_STAT_SIZE) ? zs.size : 0;
	r->zf = zipf.zip_fopen(r->za, path, 0);
	if (!r->zf)
		return zip_failed(r, path, err);
	snprintf(r->sheet_path, sizeof(r->sheet_path), "%s", path);
	r->part = P_SHEET;
	r->part_name = r->sheet_path;
	r->failed = 0;
	r->in_t = r->in_rph = 0;
	r->xp = parser_new(r, sheet_start, sheet_end, sheet_chars);
	if (!r->xp)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory for the XML parser");
	return 0;
}

static int reader_open(zip_t *za, const char *sheet, struct xlsx_reader **out, struct err *err)
{
	struct xlsx_reader *r = xcalloc(1, sizeof(*r));
	r->za = za;
	if (reader_setup(r, sheet, err)) {
		xlsx_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

int xlsx_open_mem(const void *data, size_t len, const char *sheet, struct xlsx_reader **out,
		  struct err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	*out = NULL;
	if (load_libs(err))
		return -1;
	zipf.zip_error_init_with_code(&ze, ZIP_ER_OK);
	src = zipf.zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zipf.zip_error_fini(&ze);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory for the archive");
	}
	za = zipf.zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!za) {
		zipf.zip_source_free(src);
		zipf.zip_error_fini(&ze);
		return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
			       "the file is not an .xlsx workbook: it is not a zip archive");
	}
	zipf.zip_error_fini(&ze);
	return reader_open(za, sheet, out, err);
}

int xlsx_open_file(const char *path, const char *sheet, struct xlsx_reader **out,
		   struct err *err)
{
	int code = 0;
	zip_t *za;

	*out = NULL;
	if (load_libs(err))
		return -1;
	za = zipf.zip_open(path, ZIP_RDONLY, &code);
	if (!za) {
		if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
			return err_set(err, ERR_INVALID, "file", "file_unreadable:_",
				       "cannot read %s", path);
		return err_set(err, ERR_INVALID, "file", "xlsx_unreadable",
			       "the file is not an .xlsx workbook: it is not a zip archive");
	}
	return reader_open(za, sheet, out, err);
}

const char *xlsx_sheet_name(const struct xlsx_reader *r)
{
	return r->sheet;
}

uint64_t xlsx_sheet_size(const struct xlsx_reader *r)
{
	return r->size;
}

uint64_t xlsx_sheet_read(const struct xlsx_reader *r)
{
	return r->read;
}

void xlsx_close(struct xlsx_reader *r)
{
	if (!r)
		return;
	if (r->xp)
		xmlf.XML_ParserFree(r->xp);
	if (r->zf)
		zipf.zip_fclose(r->zf);
	if (r->za)
		zipf.zip_discard(r->za);
	rels_release(r);
	free(r->rels);
	for (size_t i = 0; i < r->nsheets; i++) {
		free(r->sheets[i].name);
		free(r->sheets[i].rid);
	}
	free(r->sheets);
	buf_release(&r->sst);
	free(r->sst_off);
	free(r->xf_date);
	free(r->date_fmts);
	buf_release(&r->val);
	buf_release(&r->rowtext);
	free(r->offs);
	free(r->cells);
	free(r);
}
