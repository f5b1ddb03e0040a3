/*
 * doc.c - building a report document in its arena, and the text a reader sees
 * for each kind of cell (the renderers share it, so a figure reads the same in
 * HTML, CSV, XLSX and PDF).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "report/doc.h"
#include "base/banned.h"

void rdoc_init(struct rdoc *d, const char *lang, const char *currency)
{
	memset(d, 0, sizeof(*d));
	arena_init(&d->arena, 16384);
	d->lang = !strcmp(lang ? lang : "", "en") ? "en" : "zh-CN";
	snprintf(d->currency, sizeof(d->currency), "%s", currency && *currency ? currency : "CNY");
	d->generated_at = ts_now();
}

void rdoc_release(struct rdoc *d)
{
	arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

const char *rdoc_str(struct rdoc *d, const char *s)
{
	return s ? arena_strdup(&d->arena, s) : NULL;
}

const char *rdoc_strf(struct rdoc *d, const char *fmt, ...)
{
	va_list ap;
	char small[256], *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(&d->arena, "");
	if ((size_t)n < sizeof(small))
		return arena_strdup(&d->arena, small);
	p = arena_alloc(&d->arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Grow an arena array of elements of size sz to hold one more (doubling). */
static void *grow(struct rdoc *d, void *arr, size_t n, size_t *alloc, size_t sz)
{
	void *p;
	if (n < *alloc)
		return arr;
	*alloc = *alloc ? *alloc * 2 : 8;
	p = arena_calloc(&d->arena, *alloc * sz);
	if (n)
		memcpy(p, arr, n * sz);
	return p;
}

struct rsection *rdoc_section(struct rdoc *d, const char *key, const char *title)
{
	struct rsection *s;
	d->sections = grow(d, d->sections, d->nsections, &d->alloc, sizeof(*d->sections));
	s = &d->sections[d->nsections++];
	memset(s, 0, sizeof(*s));
	s->key = rdoc_str(d, key);
	s->title = rdoc_str(d, title);
	return s;
}

static struct rblock *add_block(struct rdoc *d, struct rsection *s, enum rblock_kind kind)
{
	struct rblock *b;
	s->blocks = grow(d, s->blocks, s->nblocks, &s->alloc, sizeof(*s->blocks));
	b = &s->blocks[s->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	return b;
}

struct rtable *rdoc_table(struct rdoc *d, struct rsection *s, const char *key, const char *title,
			  const struct rcolumn *cols, size_t ncols)
{
	struct rtable *t = arena_calloc(&d->arena, sizeof(*t));
	size_t i;

	t->key = rdoc_str(d, key);
	t->title = rdoc_str(d, title);
	t->ncols = ncols;
	t->cols = arena_calloc(&d->arena, (ncols ? ncols : 1) * sizeof(*t->cols));
	for (i = 0; i < ncols; i++) {
		t->cols[i].key = rdoc_str(d, cols[i].key);
		t->cols[i].label = rdoc_str(d, cols[i].label);
		t->cols[i].type = cols[i].type;
	}
	add_block(d, s, RB_TABLE)->table = t;
	return t;
}

struct rcell *rdoc_row(struct rdoc *d, struct rtable *t)
{
	struct rcell *row;
	if (t->nrows == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 16;
		struct rcell *p = arena_calloc(&d->arena, na * (t->ncols ? t->ncols : 1) * sizeof(*p));
		if (t->nrows)
			memcpy(p, t->cells, t->nrows * t->ncols * sizeof(*p));
		t->cells = p;
		t->alloc = na;
	}
	row = &t->cells[t->nrows++ * t->ncols];
	memset(row, 0, t->ncols * sizeof(*row));
	return row;
}

void rcell_text(struct rdoc *d, struct rcell *c, const char *s)
{
	c->type = s ? RC_TEXT : RC_NONE;
	c->s = rdoc_str(d, s);
}

void rcell_money(struct rcell *c, int64_t minor)
{
	c->type = RC_MONEY;
	c->i = minor;
}

void rcell_count(struct rcell *c, int64_t n)
{
	c->type = RC_COUNT;
	c->i = n;
}

void rcell_ratio(struct rcell *c, double r)
{
	c->type = RC_RATIO;
	c->r = r;
}

void rcell_date(struct rcell *c, int32_t day)
{
	c->type = RC_DATE;
	c->i = day;
}

void rcell_number(struct rcell *c, double v)
{
	c->type = RC_NUMBER;
	c->r = v;
}

struct rchart *rdoc_chart(struct rdoc *d, struct rsection *s, const char *key, const char *title,
			  enum rchart_kind kind, enum rcell_type unit, const char *const *categories,
			  size_t ncat)
{
	struct rchart *c = arena_calloc(&d->arena, sizeof(*c));
	size_t i;

	c->key = rdoc_str(d, key);
	c->title = rdoc_str(d, title);
	c->kind = kind;
	c->unit = unit;
	c->ncat = ncat;
	c->categories = arena_calloc(&d->arena, (ncat ? ncat : 1) * sizeof(*c->categories));
	for (i = 0; i < ncat; i++)
		c->categories[i] = rdoc_str(d, categories[i]);
	add_block(d, s, RB_CHART)->chart = c;
	return c;
}

void rdoc_series(struct rdoc *d, struct rchart *c, const char *label, const double *values)
{
	struct rseries *s;
	c->series = grow(d, c->series, c->nseries, &c->alloc, sizeof(*c->series));
	s = &c->series[c->nseries++];
	s->label = rdoc_str(d, label);
	s->values = arena_calloc(&d->arena, (c->ncat ? c->ncat : 1) * sizeof(double));
	if (c->ncat)
		memcpy(s->values, values, c->ncat * sizeof(double));
}

void rdoc_text(struct rdoc *d, struct rsection *s, const char *text)
{
	add_block(d, s, RB_TEXT)->text = rdoc_str(d, text);
}

const char *rdoc_currency_symbol(const char *currency)
{
	static const struct {
		const char *code, *sym;
	} syms[] = { { "CNY", "¥" }, { "JPY", "¥" }, { "USD", "$" }, { "EUR", "€" },
		     { "GBP", "£" }, { "HKD", "HK$" }, { "TWD", "NT$" }, { "KRW", "₩" },
		     { "SGD", "S$" } };
	size_t i;
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (currency && !strcmp(currency, syms[i].code))
			return syms[i].sym;
	return NULL;
}

/* n with a comma between each group of three digits. */
static void grouped_int(int64_t n, char *out, size_t size)
{
	char digits[24], tmp[32];
	size_t len, i, j = 0;
	uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	len = strlen(digits);
	if (n < 0)
		tmp[j++] = '-';
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			tmp[j++] = ',';
		tmp[j++] = digits[i];
	}
	tmp[j] = '\0';
	snprintf(out, size, "%s", tmp);
}

void rdoc_cell_text(const struct rdoc *d, const struct rcell *c, char *out, size_t size)
{
	char tmp[64];
	const char *sym;

	switch (c->type) {
	case RC_TEXT: {
		/* cut, when it must be, before a character, never inside one */
		const char *t = c->s ? c->s : "";
		size_t n = strlen(t);

		if (!size)
			return;
		if (n >= size) {
			n = size - 1;
			while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
				n--;
		}
		memcpy(out, t, n);
		out[n] = '\0';
		return;
	}
	case RC_MONEY:
		money_format_grouped(c->i, tmp);
		sym = rdoc_currency_symbol(d->currency);
		if (sym && tmp[0] == '-')
			snprintf(out, size, "-%s%s", sym, tmp + 1);
		else if (sym)
			snprintf(out, size, "%s%s", sym, tmp);
		else
			snprintf(out, size, "%s %s", d->currency, tmp);
		return;
	case RC_COUNT:
		grouped_int(c->i, out, size);
		return;
	case RC_RATIO:
		snprintf(out, size, "%.1f%%", c->r * 100.0 + 0.0);
		return;
	case RC_DATE:
		date_format((int32_t)c->i, tmp);
		snprintf(out, size, "%s", tmp);
		return;
	case RC_NUMBER:
		snprintf(out, size, "%.1f", c->r + 0.0);
		return;
	case RC_NONE:
	default:
		snprintf(out, size, "—");
		return;
	}
}
