/*
 * test_render.c - a report document built by hand (Chinese and English text,
 * money, counts, ratios, dates, charts, a paragraph, a table long enough to
 * span pages) rendered as CSV, HTML, XLSX and PDF. The CSV and HTML are
 * checked here line by line against text written out by hand; the XLSX and PDF
 * are checked for their signatures here, and read back by
 * tests/cli/test_render_files.py (openpyxl, poppler-utils), which runs this
 * program with SALESPM_RENDER_OUT=DIR to get the files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "report/doc.h"
#include "report/render.h"
#include "report/render_impl.h"

/* 2026-11-30T09:15:00Z */
#define GENERATED 1796030100

/* The zh-CN document the Python test reads back too (keep the two in step). */
static void build_zh(struct rdoc *d)
{
	static const struct rcolumn goal_cols[] = {
		{ "goal", "目标", RC_TEXT },	 { "target", "目标值", RC_MONEY },
		{ "actual", "实际", RC_MONEY },	 { "attainment", "达成率", RC_RATIO },
		{ "due", "截止", RC_DATE },	 { "status", "状态", RC_TEXT },
		{ "deals", "成交笔数", RC_COUNT }, { "score", "评分", RC_NUMBER },
	};
	static const struct rcolumn team_cols[] = {
		{ "login", "账号", RC_TEXT },	   { "name", "姓名", RC_TEXT },
		{ "revenue", "收入", RC_MONEY },  { "win_rate", "赢单率", RC_RATIO },
		{ "deals_won", "赢单", RC_COUNT }, { "cycle_days", "周期（天）", RC_NUMBER },
	};
	static const char *const channels[] = { "线上商城", "门店", "经销商" };
	static const char *const months[] = { "2026-09", "2026-10", "2026-11" };
	const double revenue[] = { 12000.5, 8000, 3000 }, cost[] = { 4000, 2500.25, 1000 };
	const double share[] = { 0.25, 0.4, 0.375 };
	static const char *const promos[] = { "双十一大促", "会员日", "新品首发 Launch", "清仓",
					      "黑五 Black Friday", "年货节", "618", "开学季" };
	const double roi[] = { 0.85, -0.12, 1.4, -0.35, 0.3, 0.05, 2.1, 0 };
	struct rsection *s;
	struct rtable *t;
	struct rcell *r;
	struct rchart *c;

	rdoc_init(d, "zh-CN", "CNY");
	d->generated_at = GENERATED;
	d->title = rdoc_str(d, "Q4 推进 — 评估报告");
	d->subtitle = rdoc_str(d, "项目 Q4（2026-10-01 至 2026-12-31）· 经理 李经理");
	d->interim = 1;
	d->interim_note = rdoc_str(d, "中期报告：项目仍在进行，数据截至 2026-11-30。");

	s = rdoc_section(d, "goals", "目标达成");
	t = rdoc_table(d, s, "goals", "各目标", goal_cols, 8);
	r = rdoc_row(d, t);
	rcell_text(d, &r[0], "华东销售额");
	rcell_money(&r[1], 123456);
	rcell_money(&r[2], 98765);
	rcell_ratio(&r[3], 0.125);
	rcell_date(&r[4], date_from_ymd(2026, 3, 1));
	rcell_text(d, &r[5], "未达成");
	rcell_count(&r[6], 1234);
	rcell_number(&r[7], 4.2);
	r = rdoc_row(d, t);
	rcell_text(d, &r[0], "<script>alert(1)</script>");
	rcell_money(&r[1], -1250);
	rcell_ratio(&r[3], 1.5);
	rcell_text(d, &r[5], "=SUM(A1)");
	rcell_count(&r[6], 0);
	r = rdoc_row(d, t);
	rcell_text(d, &r[0], "他说 \"好\", 然后");
	rcell_money(&r[1], 100000000);
	rcell_money(&r[2], 0);
	rcell_ratio(&r[3], -0.25);
	rcell_date(&r[4], date_from_ymd(2026, 12, 31));
	rcell_text(d, &r[5], "达成");
	rcell_count(&r[6], -7);
	rcell_number(&r[7], 12.0);

	s = rdoc_section(d, "strategy", "策略效果");
	c = rdoc_chart(d, s, "channels", "各渠道收入与成本", RCHART_BAR, RC_MONEY, channels, 3);
	rdoc_series(d, c, "收入", revenue);
	rdoc_series(d, c, "成本", cost);
	c = rdoc_chart(d, s, "share", "线上份额", RCHART_LINE, RC_RATIO, months, 3);
	rdoc_series(d, c, "份额", share);
	rdoc_text(d, s, "线上渠道贡献了一半的收入。\n\nThe online channel brought half of the revenue; "
			"stores held steady.");
	/* many categories with long names (slanted labels) and values below zero */
	c = rdoc_chart(d, s, "promotions", "各促销 ROI", RCHART_BAR, RC_RATIO, promos, 8);
	rdoc_series(d, c, "ROI", roi);

	s = rdoc_section(d, "team", "团队表现");
	t = rdoc_table(d, s, "team", "成员业绩", team_cols, 6);
	for (int i = 1; i <= 150; i++) {
		char login[16], name[32];
		snprintf(login, sizeof(login), "rep%03d", i);
		snprintf(name, sizeof(name), "成员%03d", i);
		r = rdoc_row(d, t);
		rcell_text(d, &r[0], login);
		rcell_text(d, &r[1], name);
		rcell_money(&r[2], (int64_t)i * 123456);
		rcell_ratio(&r[3], i / 200.0);
		rcell_count(&r[4], i);
		rcell_number(&r[5], i / 4.0);
	}

	s = rdoc_section(d, "lessons", "经验教训");
	rdoc_text(d, s, "做得好：渠道分工清楚。\n\n下次：更早锁定经销商的库存。");
}

/* A short English document in US dollars, final (not interim). */
static void build_en(struct rdoc *d)
{
	static const struct rcolumn cols[] = {
		{ "channel", "Channel", RC_TEXT },
		{ "revenue", "Revenue", RC_MONEY },
		{ "roi", "ROI", RC_RATIO },
	};
	static const char *const cats[] = { "Online", "Stores" };
	const double v[] = { 1234.56, 99 };
	struct rsection *s;
	struct rtable *t;
	struct rcell *r;
	struct rchart *c;

	rdoc_init(d, "en", "USD");
	d->generated_at = GENERATED;
	d->title = rdoc_str(d, "Q3 push — evaluation");
	s = rdoc_section(d, "strategy", "Strategy: [channels] / *all*");
	t = rdoc_table(d, s, "channels", NULL, cols, 3);
	r = rdoc_row(d, t);
	rcell_text(d, &r[0], "Online");
	rcell_money(&r[1], 123456);
	rcell_ratio(&r[2], 0.125);
	c = rdoc_chart(d, s, "rev", "Revenue", RCHART_BAR, RC_COUNT, cats, 2);
	rdoc_series(d, c, "Revenue", v);
	/* the same title twice: the second sheet needs another name */
	s = rdoc_section(d, "strategy2", "Strategy: [channels] / *all*");
	rdoc_text(d, s, "Nothing else.");
	/* past Excel's 31 characters; nothing but refused characters */
	rdoc_section(d, "long", "A very long section title that Excel would refuse as a sheet name");
	rdoc_section(d, "odd", "*?:");
}

static char *render(const struct rdoc *d, enum report_format f, size_t *len)
{
	struct buf b = BUF_INIT;
	struct err err;
	char *p;

	assert_int_equal(report_render(d, f, &b, &err), 0);
	p = buf_detach(&b, len);
	assert_non_null(p);
	return p;
}

/* With SALESPM_RENDER_OUT set, the file goes there too for the Python checks. */
static void keep(const char *name, const char *p, size_t len)
{
	const char *dir = getenv("SALESPM_RENDER_OUT");
	char path[1024];
	FILE *fp;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void test_formats(void **state)
{
	static const struct {
		const char *name, *mime;
		enum report_format f;
	} want[] = {
		{ "json", "application/json", REPORT_JSON },
		{ "csv", "text/csv; charset=utf-8", REPORT_CSV },
		{ "html", "text/html; charset=utf-8", REPORT_HTML },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		  REPORT_XLSX },
		{ "pdf", "application/pdf", REPORT_PDF },
	};
	enum report_format f = REPORT_PDF;
	struct err err;
	(void)state;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(report_format_parse(want[i].name, &f, &err), 0);
		assert_int_equal(f, want[i].f);
		assert_string_equal(report_format_mime(f), want[i].mime);
		assert_string_equal(report_format_ext(f), want[i].name);
	}
	assert_int_equal(report_format_parse("docx", &f, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "format");
	assert_string_equal(err.reason, "report_format");
	assert_string_equal(err.params, "{\"format\":\"docx\"}");
	assert_int_equal(report_format_parse("PDF", &f, &err), -1);
	assert_int_equal(report_format_parse(NULL, &f, &err), -1);
}

/* Every line of the zh-CN document's CSV, written out by hand. */
static void test_csv(void **state)
{
	static const char *const head[] = {
		"\xEF\xBB\xBFQ4 推进 — 评估报告",
		"项目 Q4（2026-10-01 至 2026-12-31）· 经理 李经理",
		"中期报告：项目仍在进行，数据截至 2026-11-30。",
		"",
		"目标达成",
		"各目标",
		"目标,目标值 (CNY),实际 (CNY),达成率（比率）,截止,状态,成交笔数,评分",
		"华东销售额,1234.56,987.65,0.125,2026-03-01,未达成,1234,4.2",
		"<script>alert(1)</script>,-12.50,,1.5,,'=SUM(A1),0,",
		"\"他说 \"\"好\"\", 然后\",1000000.00,0.00,-0.25,2026-12-31,达成,-7,12",
		"",
		"策略效果",
		"各渠道收入与成本",
		",收入 (CNY),成本 (CNY)",
		"线上商城,12000.50,4000.00",
		"门店,8000.00,2500.25",
		"经销商,3000.00,1000.00",
		"",
		"线上份额",
		",份额（比率）",
		"2026-09,0.25",
		"2026-10,0.4",
		"2026-11,0.375",
		"",
		"\"线上渠道贡献了一半的收入。\n\nThe online channel brought half of the revenue; "
		"stores held steady.\"",
		"",
		"各促销 ROI",
		",ROI（比率）",
		"双十一大促,0.85",
		"会员日,-0.12",
		"新品首发 Launch,1.4",
		"清仓,-0.35",
		"黑五 Black Friday,0.3",
		"年货节,0.05",
		"618,2.1",
		"开学季,0",
		"",
		"团队表现",
		"成员业绩",
		"账号,姓名,收入 (CNY),赢单率（比率）,赢单,周期（天）",
		"rep001,成员001,1234.56,0.005,1,0.25",
		"rep002,成员002,2469.12,0.01,2,0.5",
		"rep003,成员003,3703.68,0.015,3,0.75",
	};
	struct rdoc d;
	size_t len, i;
	char *csv, *p, *line;
	(void)state;

	build_zh(&d);
	csv = render(&d, REPORT_CSV, &len);
	keep("zh.csv", csv, len);
	assert_int_equal(strlen(csv), len);
	/* records end in CRLF; a quoted field keeps its LF */
	p = csv;
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		line = strstr(p, "\r\n");
		assert_non_null(line);
		*line = '\0';
		assert_string_equal(p, head[i]);
		p = line + 2;
	}
	/* the last rows of the long table, and the paragraph of the last section */
	assert_non_null(strstr(p, "\r\nrep150,成员150,185184.00,0.75,150,37.5\r\n\r\n经验教训\r\n"
				  "\"做得好：渠道分工清楚。\n\n下次：更早锁定经销商的库存。\"\r\n"));
	assert_int_equal(csv[len - 1], '\n');
	free(csv);
	rdoc_release(&d);
}

static void test_html(void **state)
{
	struct rdoc d;
	size_t len;
	char *html, *p;
	int svgs = 0, rows = 0;
	(void)state;

	build_zh(&d);
	html = render(&d, REPORT_HTML, &len);
	keep("zh.html", html, len);
	assert_non_null(strstr(html, "<html lang=\"zh-CN\">"));
	assert_non_null(strstr(html, "<title>Q4 推进 — 评估报告</title>"));
	/* the cell's text escaped; no script anywhere */
	assert_non_null(strstr(html, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "<td>他说 &quot;好&quot;, 然后</td>"));
	/* figures as the reader sees them, right-aligned; an empty figure as a dash */
	assert_non_null(strstr(html, "<td class=\"num\">¥1,234.56</td><td class=\"num\">¥987.65</td>"
				     "<td class=\"num\">12.5%</td><td class=\"num\">2026-03-01</td>"));
	assert_non_null(strstr(html, "<td class=\"num\">-¥12.50</td><td class=\"none\">—</td>"));
	assert_non_null(strstr(html, "<th class=\"num\">目标值</th>"));
	assert_non_null(strstr(html, "<div class=\"interim\" role=\"note\">中期报告：项目仍在进行"));
	assert_non_null(strstr(html, "@page{size:A4"));
	assert_non_null(strstr(html, "Noto Sans CJK SC"));
	for (p = html; (p = strstr(p, "<svg ")); p++)
		svgs++;
	assert_int_equal(svgs, 3);
	/* the bar chart: 3 channels x 2 series; its value labels; the line chart's polyline */
	assert_non_null(strstr(html, ">¥12,001</text>"));
	assert_non_null(strstr(html, ">¥2,500</text>"));
	assert_non_null(strstr(html, "<polyline"));
	assert_non_null(strstr(html, ">37.5%</text>"));
	for (p = html; (p = strstr(p, "<tr>")); p++)
		rows++;
	assert_int_equal(rows, 2 + 3 + 150);
	free(html);
	rdoc_release(&d);
}

static void test_axis(void **state)
{
	static const char *const cats[] = { "a", "b", "c" };
	const double up[] = { 0, 12000.5, 8000 }, mixed[] = { -0.3, 0.45, 0.1 };
	const double zero[] = { 0, 0, 0 };
	struct render_axis ax;
	struct rdoc d;
	struct rsection *s;
	struct rchart *c;
	char t[64];
	(void)state;

	rdoc_init(&d, "zh-CN", "CNY");
	s = rdoc_section(&d, "x", "x");
	c = rdoc_chart(&d, s, "a", "a", RCHART_BAR, RC_MONEY, cats, 3);
	rdoc_series(&d, c, "s", up);
	render_axis_of(c, &ax);
	/* 12000.5 / 5 = 2400.1 -> a step of 5000, up to 15000 */
	assert_true(ax.lo == 0 && ax.step == 5000 && ax.hi == 15000 && ax.nticks == 3);
	render_value_text(&d, RC_MONEY, 15000, &ax, t, sizeof(t));
	assert_string_equal(t, "¥15,000");
	render_value_text(&d, RC_MONEY, 12000.5, NULL, t, sizeof(t));
	assert_string_equal(t, "¥12,001");
	render_value_text(&d, RC_MONEY, 12.5, NULL, t, sizeof(t));
	assert_string_equal(t, "¥12.50");

	c = rdoc_chart(&d, s, "b", "b", RCHART_LINE, RC_RATIO, cats, 3);
	rdoc_series(&d, c, "s", mixed);
	render_axis_of(c, &ax);
	/* 0.75 / 5 = 0.15 -> 0.2: from -0.4 to 0.6 */
	assert_true(fabs(ax.step - 0.2) < 1e-12 && fabs(ax.lo + 0.4) < 1e-12 &&
		    fabs(ax.hi - 0.6) < 1e-12 && ax.nticks == 5);
	render_value_text(&d, RC_RATIO, -0.4, &ax, t, sizeof(t));
	assert_string_equal(t, "-40%");
	render_value_text(&d, RC_RATIO, 0.125, NULL, t, sizeof(t));
	assert_string_equal(t, "12.5%");

	c = rdoc_chart(&d, s, "c", "c", RCHART_BAR, RC_COUNT, cats, 3);
	rdoc_series(&d, c, "s", zero);
	render_axis_of(c, &ax);
	assert_true(ax.lo == 0 && ax.step == 1 && ax.hi == 5 && ax.nticks == 5);
	rdoc_release(&d);

	assert_int_equal(render_text_width("abc"), 3);
	assert_int_equal(render_text_width("目标值"), 6);
	assert_int_equal(render_text_width("ROI（比率）"), 3 + 8);
}

static void test_xlsx(void **state)
{
	struct rdoc d;
	size_t len;
	char *x;
	(void)state;

	build_zh(&d);
	x = render(&d, REPORT_XLSX, &len);
	keep("zh.xlsx", x, len);
	assert_true(len > 2000);
	assert_memory_equal(x, "PK\x03\x04", 4);
	free(x);
	rdoc_release(&d);

	build_en(&d);
	x = render(&d, REPORT_XLSX, &len);
	keep("en.xlsx", x, len);
	assert_memory_equal(x, "PK\x03\x04", 4);
	free(x);
	rdoc_release(&d);
}

static void test_pdf(void **state)
{
	struct rdoc d;
	size_t len;
	char *pdf;
	(void)state;

	build_zh(&d);
	pdf = render(&d, REPORT_PDF, &len);
	keep("zh.pdf", pdf, len);
	assert_true(len > 10000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_memory_equal(pdf + len - 6, "%%EOF\n", 6);
	free(pdf);
	rdoc_release(&d);

	build_en(&d);
	pdf = render(&d, REPORT_PDF, &len);
	keep("en.pdf", pdf, len);
	assert_memory_equal(pdf, "%PDF-", 5);
	free(pdf);
	rdoc_release(&d);
}

/* The English document's other formats, for the Python checks. */
static void test_en_text_formats(void **state)
{
	struct rdoc d;
	size_t len;
	char *p;
	(void)state;

	build_en(&d);
	p = render(&d, REPORT_CSV, &len);
	keep("en.csv", p, len);
	assert_non_null(strstr(p, "Channel,Revenue (USD),ROI (ratio)\r\nOnline,1234.56,0.125\r\n"));
	free(p);
	p = render(&d, REPORT_HTML, &len);
	keep("en.html", p, len);
	assert_non_null(strstr(p, "<html lang=\"en\">"));
	assert_null(strstr(p, "class=\"interim\""));
	assert_non_null(strstr(p, "<td class=\"num\">$1,234.56</td>"));
	free(p);
	assert_int_equal(report_render(&d, REPORT_JSON, &(struct buf)BUF_INIT, NULL), -1);
	rdoc_release(&d);
}

/*
 * Without the libraries: run by test_render_files.py with libcairo and libxlsxwriter hidden
 * (a mount namespace binds /dev/null over them) and SALESPM_RENDER_HIDDEN=1; skipped otherwise.
 */
static void test_libraries_missing(void **state)
{
	struct buf b = BUF_INIT;
	struct rdoc d;
	struct err err;
	(void)state;

	if (!getenv("SALESPM_RENDER_HIDDEN"))
		skip();
	build_en(&d);
	assert_int_equal(report_render(&d, REPORT_PDF, &b, &err), -1);
	assert_int_equal(err.code, ERR_UNAVAILABLE);
	assert_string_equal(err.reason, "pdf_unavailable");
	assert_string_equal(err.params, "{\"library\":\"libcairo.so.2\"}");
	assert_int_equal(report_render(&d, REPORT_XLSX, &b, &err), -1);
	assert_int_equal(err.code, ERR_UNAVAILABLE);
	assert_string_equal(err.reason, "xlsx_unavailable");
	/* the other formats need nothing */
	assert_int_equal(report_render(&d, REPORT_HTML, &b, &err), 0);
	assert_int_equal(report_render(&d, REPORT_CSV, &b, &err), 0);
	buf_release(&b);
	rdoc_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_axis),
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_en_text_formats),
		cmocka_unit_test(test_libraries_missing),
	};
	/* with the libraries hidden, only the test that expects them missing */
	if (getenv("SALESPM_RENDER_HIDDEN"))
		cmocka_set_test_filter("test_libraries_missing");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
