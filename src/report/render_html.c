/*
 * render_html.c - a report as one self-contained printable page: inline CSS
 * (A4, a page break before each section in print, the table header repeated
 * on each printed page), every text escaped, figures right-aligned, charts as
 * inline SVG drawn by render_chart(), no script.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "report/render_impl.h"
#include "base/banned.h"

static const char STYLE[] =
	"@page{size:A4;margin:16mm 14mm 18mm}"
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%}"
	"body{margin:0;background:#eef1f5;color:#1f2937;font:10.5pt/1.55 \"Noto Sans CJK SC\","
	"\"Source Han Sans SC\",\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
	"\"WenQuanYi Micro Hei\",system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif}"
	".page{max-width:210mm;margin:24px auto;background:#fff;padding:18mm 16mm;"
	"box-shadow:0 1px 4px rgba(0,0,0,.12)}"
	"header.cover{border-bottom:3px solid #1f4e79;padding-bottom:10pt;margin-bottom:14pt}"
	"h1{font-size:21pt;line-height:1.25;margin:0 0 4pt;color:#12324f;font-weight:700}"
	".subtitle{margin:0;color:#4b5563;font-size:10pt}"
	".interim{margin:0 0 14pt;padding:8pt 12pt;border-left:4px solid #d97706;"
	"background:#fef3c7;color:#78350f;font-weight:600}"
	"section{margin:0 0 18pt}"
	"h2{font-size:14pt;color:#12324f;margin:18pt 0 8pt;padding-bottom:3pt;"
	"border-bottom:1px solid #c9d3df}"
	"h3{font-size:11pt;color:#374151;margin:12pt 0 6pt}"
	".block{margin:0 0 12pt}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-size:9.5pt}"
	"thead{display:table-header-group}"
	"th{background:#1f4e79;color:#fff;font-weight:600;text-align:left;padding:5pt 7pt;"
	"vertical-align:bottom}"
	"td{padding:4pt 7pt;border-bottom:1px solid #e5e7eb;vertical-align:top}"
	"tbody tr:nth-child(even) td{background:#f6f8fb}"
	"th.num,td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
	"td.none{color:#9ca3af;text-align:center}"
	"figure{margin:0}"
	"svg{display:block;width:100%;height:auto;max-width:680px}"
	"p{margin:0 0 8pt;white-space:pre-line}"
	"footer{margin-top:20pt;padding-top:6pt;border-top:1px solid #e5e7eb;color:#6b7280;"
	"font-size:8.5pt}"
	"@media print{body{background:#fff}.page{margin:0;padding:0;max-width:none;"
	"box-shadow:none}section{break-before:page}section:first-of-type{break-before:auto}"
	"h2,h3{break-after:avoid}tr,figure,.interim{break-inside:avoid}.scroll{overflow:visible}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
	"@media (max-width:640px){.page{margin:0;padding:16px}h1{font-size:17pt}}";

/* s[0..len) with & < > " ' escaped. */
static void esc_n(struct buf *b, const char *s, size_t len)
{
	size_t i, from = 0;
	for (i = 0; i < len; i++) {
		const char *e = s[i] == '&'    ? "&amp;"
				: s[i] == '<'  ? "&lt;"
				: s[i] == '>'  ? "&gt;"
				: s[i] == '"'  ? "&quot;"
				: s[i] == '\'' ? "&#39;"
					       : NULL;
		if (!e)
			continue;
		buf_add(b, s + from, i - from);
		buf_adds(b, e);
		from = i + 1;
	}
	buf_add(b, s + from, len - from);
}

static void esc(struct buf *b, const char *s)
{
	if (s)
		esc_n(b, s, strlen(s));
}

/* open, text escaped, close; nothing when text is NULL. */
static void tagged(struct buf *b, const char *open, const char *text, const char *close)
{
	if (!text)
		return;
	buf_adds(b, open);
	esc(b, text);
	buf_adds(b, close);
}

/* --- the chart as SVG ------------------------------------------------------ */

static void svg_rect(void *ctx, double x, double y, double w, double h, unsigned rgb)
{
	buf_addf(ctx, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#%06x\"/>",
		 x, y, w, h, rgb);
}

static void svg_line(void *ctx, double x1, double y1, double x2, double y2, double width,
		     unsigned rgb, int dashed)
{
	buf_addf(ctx,
		 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#%06x\" "
		 "stroke-width=\"%.1f\"%s/>",
		 x1, y1, x2, y2, rgb, width, dashed ? " stroke-dasharray=\"3 3\"" : "");
}

static void svg_polyline(void *ctx, const double *xy, size_t n, double width, unsigned rgb)
{
	size_t i;
	buf_adds(ctx, "<polyline fill=\"none\" points=\"");
	for (i = 0; i < n; i++)
		buf_addf(ctx, "%s%.1f,%.1f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
	buf_addf(ctx, "\" stroke=\"#%06x\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"/>", rgb,
		 width);
}

static void svg_dot(void *ctx, double x, double y, double r, unsigned rgb)
{
	buf_addf(ctx,
		 "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#fff\" stroke=\"#%06x\" "
		 "stroke-width=\"1.5\"/>",
		 x, y, r, rgb);
}

static void svg_text(void *ctx, double x, double y, const char *s, double size, int anchor,
		     int bold, unsigned rgb, double angle)
{
	double base = y + size * 0.36; /* the baseline of a line centred on y */
	buf_addf(ctx, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" fill=\"#%06x\"%s%s", x, base,
		 size, rgb, anchor < 0 ? "" : anchor ? " text-anchor=\"end\"" : " text-anchor=\"middle\"",
		 bold ? " font-weight=\"600\"" : "");
	if (angle != 0)
		buf_addf(ctx, " transform=\"rotate(%.0f %.1f %.1f)\"", angle, x, y);
	buf_addch(ctx, '>');
	esc(ctx, s);
	buf_adds(ctx, "</text>");
}

/* An estimate (no fonts here): Latin ~0.56 em, CJK 1 em. */
static double svg_text_width(void *ctx, const char *s, double size, int bold)
{
	(void)ctx;
	return (double)render_text_width(s) * size * (bold ? 0.58 : 0.55);
}

static void chart(struct buf *b, const struct rdoc *d, const struct rchart *c)
{
	const struct render_canvas cv = { b, svg_rect, svg_line, svg_polyline, svg_dot, svg_text,
					  svg_text_width };
	const double w = 520, h = 230; /* drawn at up to 680 px: labels of 7.5 units read at ~10 px */

	buf_adds(b, "<figure class=\"block chart\">");
	tagged(b, "<h3>", c->title, "</h3>");
	buf_addf(b,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		 "font-family=\"inherit\">",
		 w, h);
	tagged(b, "<title>", c->title, "</title>");
	render_chart(d, c, &cv, 4, 4, w - 8, h - 8);
	buf_adds(b, "</svg></figure>\n");
}

/* --- tables, paragraphs, the page ------------------------------------------ */

static void table(struct buf *b, const struct rdoc *d, const struct rtable *t)
{
	char cell[512];
	size_t r, c;

	buf_adds(b, "<figure class=\"block table\">");
	tagged(b, "<h3>", t->title, "</h3>");
	buf_adds(b, "<div class=\"scroll\"><table><thead><tr>");
	for (c = 0; c < t->ncols; c++) {
		buf_adds(b, render_is_figure(t->cols[c].type) ? "<th class=\"num\">" : "<th>");
		esc(b, t->cols[c].label);
		buf_adds(b, "</th>");
	}
	buf_adds(b, "</tr></thead><tbody>\n");
	for (r = 0; r < t->nrows; r++) {
		buf_adds(b, "<tr>");
		for (c = 0; c < t->ncols; c++) {
			const struct rcell *x = &t->cells[r * t->ncols + c];
			rdoc_cell_text(d, x, cell, sizeof(cell));
			buf_adds(b, x->type == RC_NONE	       ? "<td class=\"none\">"
				    : render_is_figure(x->type) ? "<td class=\"num\">"
								 : "<td>");
			esc(b, x->type == RC_TEXT ? x->s : cell);
			buf_adds(b, "</td>");
		}
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</tbody></table></div></figure>\n");
}

/* A text whose blank lines separate paragraphs, as <p>s (single line ends kept by CSS). */
static void paragraphs(struct buf *b, const char *text)
{
	const char *s = text, *p;
	size_t len;

	while ((p = render_paragraph(&s, &len))) {
		buf_adds(b, "<p class=\"block\">");
		esc_n(b, p, len);
		buf_adds(b, "</p>\n");
	}
}

int render_html(const struct rdoc *d, struct buf *out, struct err *err)
{
	char at[32];
	size_t s, k;

	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
	esc(out, d->lang);
	buf_adds(out, "\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		      "<title>");
	esc(out, d->title);
	buf_addf(out, "</title><style>%s</style></head>\n<body><main class=\"page\">\n", STYLE);
	tagged(out, "<header class=\"cover\"><h1>", d->title ? d->title : "", "</h1>");
	tagged(out, "<p class=\"subtitle\">", d->subtitle, "</p>");
	buf_adds(out, "</header>\n");
	if (d->interim) {
		tagged(out, "<div class=\"interim\" role=\"note\">",
		       d->interim_note ? d->interim_note : render_word(d, RW_INTERIM), "</div>\n");
	}
	for (s = 0; s < d->nsections; s++) {
		const struct rsection *sec = &d->sections[s];
		buf_adds(out, "<section id=\"");
		esc(out, sec->key ? sec->key : "");
		tagged(out, "\"><h2>", sec->title ? sec->title : "", "</h2>\n");
		for (k = 0; k < sec->nblocks; k++) {
			const struct rblock *bl = &sec->blocks[k];
			if (bl->kind == RB_TABLE)
				table(out, d, bl->table);
			else if (bl->kind == RB_CHART)
				chart(out, d, bl->chart);
			else
				paragraphs(out, bl->text);
		}
		buf_adds(out, "</section>\n");
	}
	ts_format(d->generated_at, at);
	buf_adds(out, "<footer>");
	esc(out, render_word(d, RW_GENERATED));
	buf_addf(out, " %s</footer>\n</main></body></html>\n", at);
	if (out->overflow)
		return err_set(err, ERR_TOO_LARGE, NULL, "too_large", "the report is too large");
	return 0;
}
