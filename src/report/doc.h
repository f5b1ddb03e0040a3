/*
 * doc.h - a report as a document: titled sections of typed tables, charts and
 * paragraphs, which every renderer (HTML, CSV, XLSX, PDF) draws the same way.
 * A report's figures are computed elsewhere (analytics/); this is only its
 * shape on paper. Everything in a document lives in its arena.
 */
#ifndef REPORT_DOC_H
#define REPORT_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* What a cell holds, which says how every renderer shows it. */
enum rcell_type {
	RC_NONE,  /* empty (a figure that does not apply: "—") */
	RC_TEXT,  /* s */
	RC_MONEY, /* i: minor units of the document's currency */
	RC_COUNT, /* i: an integer */
	RC_RATIO, /* r: a share or rate, 0.25 = 25.0% (may exceed 1 or be negative: ROI, lift) */
	RC_DATE,  /* i: days since 1970-01-01 */
	RC_NUMBER /* r: a plain number shown with one decimal (a score, days of cycle time) */
};

struct rcell {
	enum rcell_type type;
	int64_t i;
	double r;
	const char *s;
};

struct rcolumn {
	const char *key;   /* stable, for CSV headers and tests: "target" */
	const char *label; /* in the document's language: "目标" */
	enum rcell_type type; /* the column's usual type (a cell may be RC_NONE) */
};

struct rtable {
	const char *key;
	const char *title; /* may be NULL */
	struct rcolumn *cols;
	size_t ncols;
	struct rcell *cells; /* nrows x ncols, row by row */
	size_t nrows, alloc;
};

enum rchart_kind { RCHART_BAR, RCHART_LINE };

struct rseries {
	const char *label;
	double *values; /* ncat values; money in major units, ratios as 0..1 */
};

struct rchart {
	const char *key;
	const char *title;
	enum rchart_kind kind;
	enum rcell_type unit; /* RC_MONEY, RC_COUNT, RC_RATIO or RC_NUMBER: the axis's unit */
	const char **categories;
	size_t ncat;
	struct rseries *series;
	size_t nseries, alloc;
};

enum rblock_kind { RB_TABLE, RB_CHART, RB_TEXT };

struct rblock {
	enum rblock_kind kind;
	struct rtable *table;
	struct rchart *chart;
	const char *text; /* RB_TEXT: a paragraph; blank lines in it separate paragraphs */
};

struct rsection {
	const char *key;   /* "goals", "strategy", "team", "lessons" */
	const char *title;
	struct rblock *blocks;
	size_t nblocks, alloc;
};

struct rdoc {
	struct arena arena;
	const char *title;    /* "Q4 推进 — 评估报告" */
	const char *subtitle; /* project dates, who, when generated */
	const char *lang;     /* "zh-CN" or "en": the labels' language */
	char currency[4];     /* ISO 4217, "CNY" */
	int interim;          /* 1: the project still runs; the figures are as of today */
	const char *interim_note; /* the words that say so, in the document's language */
	int64_t generated_at; /* UTC seconds */
	struct rsection *sections;
	size_t nsections, alloc;
};

/* An empty document in lang ("zh-CN" or "en") whose money is in currency. */
void rdoc_init(struct rdoc *d, const char *lang, const char *currency);
/* Free the document and everything in it. */
void rdoc_release(struct rdoc *d);

/* A copy of s (or of a printf result) in the document's arena. */
const char *rdoc_str(struct rdoc *d, const char *s);
const char *rdoc_strf(struct rdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a section; the pointer is valid until the next rdoc_section(). */
struct rsection *rdoc_section(struct rdoc *d, const char *key, const char *title);

/* Append a table with ncols columns (copied) to the section. */
struct rtable *rdoc_table(struct rdoc *d, struct rsection *s, const char *key, const char *title,
			  const struct rcolumn *cols, size_t ncols);
/* Append an empty row (every cell RC_NONE) and return its ncols cells. */
struct rcell *rdoc_row(struct rdoc *d, struct rtable *t);

/* Cell setters (copy text into the arena). */
void rcell_text(struct rdoc *d, struct rcell *c, const char *s);
void rcell_money(struct rcell *c, int64_t minor);
void rcell_count(struct rcell *c, int64_t n);
void rcell_ratio(struct rcell *c, double r);
void rcell_date(struct rcell *c, int32_t day);
void rcell_number(struct rcell *c, double v);

/* Append a chart over ncat categories (copied) to the section. */
struct rchart *rdoc_chart(struct rdoc *d, struct rsection *s, const char *key, const char *title,
			  enum rchart_kind kind, enum rcell_type unit, const char *const *categories,
			  size_t ncat);
/* Append a series of ncat values (copied) to the chart. */
void rdoc_series(struct rdoc *d, struct rchart *c, const char *label, const double *values);

/* Append a paragraph of text to the section. */
void rdoc_text(struct rdoc *d, struct rsection *s, const char *text);

/*
 * A cell as the text a reader sees, in the document's conventions: money
 * "¥1,234.56" (the currency's symbol, or its code before the amount), counts
 * "1,234", ratios "12.5%", dates "2026-03-01", numbers "4.2", empty "—".
 * Written to out (NUL-terminated, cut at size).
 */
void rdoc_cell_text(const struct rdoc *d, const struct rcell *c, char *out, size_t size);

/* The currency's symbol ("¥" for CNY, "$" for USD ...) or NULL when it has none here. */
const char *rdoc_currency_symbol(const char *currency);

#endif
