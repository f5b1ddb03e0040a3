/*
 * evaluation_doc.c - the evaluation as a document (evaluation_doc.h): one
 * table of label pairs, then the sections in the order a reader goes.
 */
#include "report/evaluation_doc.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "base/banned.h"

static const struct {
	const char *key, *zh, *en;
} labels[] = {
	{ "title", "评估报告", "Evaluation report" },
	{ "interim_title", "中期评估报告", "Interim evaluation report" },
	{ "compare_title", "项目对比", "Projects side by side" },
	{ "interim_note", "中期报告：项目仍在进行，数据截至 %s。",
	  "Interim report: the project is still running; figures as of %s." },
	{ "subtitle", "项目期间 %s 至 %s · 数据截至 %s · 生成于 %s",
	  "Project %s to %s · figures as of %s · generated %s" },
	{ "overview", "概览", "Overview" },
	{ "goals", "目标达成", "Goal attainment" },
	{ "strategy", "策略效果", "Strategy effectiveness" },
	{ "team", "团队表现", "Team performance" },
	{ "adjustments", "调整记录", "Adjustments" },
	{ "lessons", "经验教训", "Lessons learned" },
	{ "channels", "渠道", "Channels" },
	{ "promotions", "促销", "Promotions" },
	{ "prices", "价格调整", "Price changes" },
	{ "segments", "目标市场", "Segments" },
	{ "chart_goals", "目标达成率", "Goal attainment" },
	{ "chart_channels", "渠道收入与毛利", "Channel revenue and margin" },
	{ "chart_team", "成员收入", "Revenue by member" },
	{ "figure", "指标", "Figure" },
	{ "value", "数值", "Value" },
	{ "difference", "差额", "Difference" },
	{ "name", "名称", "Name" },
	{ "code", "代码", "Code" },
	{ "metric", "指标", "Metric" },
	{ "target", "目标", "Target" },
	{ "actual", "实际", "Actual" },
	{ "attainment", "达成率", "Attainment" },
	{ "met", "结果", "Result" },
	{ "met_yes", "达成", "Met" },
	{ "met_no", "未达成", "Not met" },
	{ "due", "截止", "Due" },
	{ "status", "状态", "Status" },
	{ "revenue", "收入", "Revenue" },
	{ "margin", "毛利", "Margin" },
	{ "cost", "渠道费用", "Channel cost" },
	{ "roi", "投资回报率", "ROI" },
	{ "baseline_daily", "基线日均收入", "Baseline per day" },
	{ "promo_daily", "促销期日均收入", "Per day during" },
	{ "lift", "提升", "Lift" },
	{ "discount", "折扣成本", "Discount cost" },
	{ "budget", "预算", "Budget" },
	{ "sku", "SKU", "SKU" },
	{ "changed_on", "调整日", "Changed" },
	{ "before_price", "调整前价格", "Price before" },
	{ "after_price", "调整后价格", "Price after" },
	{ "window_days", "对比天数", "Days" },
	{ "units_before", "调整前销量", "Units before" },
	{ "units_after", "调整后销量", "Units after" },
	{ "revenue_before", "调整前收入", "Revenue before" },
	{ "revenue_after", "调整后收入", "Revenue after" },
	{ "planned_share", "计划占比", "Planned share" },
	{ "actual_share", "实际占比", "Actual share" },
	{ "member", "成员", "Member" },
	{ "team_sales", "销售业绩", "Sales" },
	{ "team_service", "服务与协作", "Service and teamwork" },
	{ "quota", "配额", "Quota" },
	{ "deals_won", "赢单", "Deals won" },
	{ "deals_lost", "丢单", "Deals lost" },
	{ "win_rate", "赢单率", "Win rate" },
	{ "cycle_days", "成交周期（天）", "Cycle (days)" },
	{ "activities", "活动", "Activities" },
	{ "rating", "客户评分", "Rating" },
	{ "problems_resolved", "已解决问题", "Problems solved" },
	{ "in_sla_rate", "按时解决率", "Within SLA" },
	{ "teamwork", "团队协作", "Teamwork" },
	{ "kind", "类型", "Kind" },
	{ "record", "对象", "Record" },
	{ "field", "字段", "Field" },
	{ "before", "调整前", "Before" },
	{ "after", "调整后", "After" },
	{ "reason", "原因", "Reason" },
	{ "by", "操作人", "By" },
	{ "at", "日期", "Date" },
	{ "text", "内容", "Text" },
	{ "units", "销量", "Units" },
	{ "new_customers", "新客户", "New customers" },
	{ "goals_met", "达成目标数", "Goals met" },
	{ "goals_count", "目标数", "Goals" },
	{ "went_well", "做得好的", "Went well" },
	{ "to_improve", "待改进", "To improve" },
	{ "next_time", "下次尝试", "Next time" },
	{ "none", "暂无记录。", "Nothing recorded." },
	{ "goal", "目标", "Goal" },
	{ "channel", "渠道", "Channel" },
	{ "price", "价格", "Price" },
	{ "promotion", "促销", "Promotion" },
	{ "channel_plan", "渠道计划", "Channel plan" },
	{ "plan", "计划", "Plan" },
	{ "quota", "配额", "Quota" },
	{ "project", "项目", "Project" },
	{ "f_target", "目标值", "target" },
	{ "f_start", "开始日期", "start" },
	{ "f_due", "截止日期", "due" },
	{ "f_end", "结束日期", "end" },
	{ "f_price", "价格", "price" },
	{ "f_cost", "成本", "cost" },
	{ "f_effective", "生效日期", "effective" },
	{ "f_active", "启用", "active" },
	{ "f_cost_rate", "费率", "cost rate" },
	{ "f_value", "优惠力度", "value" },
	{ "f_budget", "预算", "budget" },
	{ "f_share", "计划占比", "share" },
	{ "f_assignee", "负责人", "assignee" },
	{ "f_status", "状态", "status" },
	{ "f_products", "适用产品", "products" },
	{ "f_channels", "适用渠道", "channels" },
	{ "f_segments", "适用目标市场", "segments" },
	{ "f_scope_segment", "范围：目标市场", "scope: segment" },
	{ "f_scope_channel", "范围：渠道", "scope: channel" },
	{ "f_scope_product", "范围：产品", "scope: product" },
	{ "f_scope_rep", "范围：销售代表", "scope: rep" },
	{ "on_track", "正常", "On track" },
	{ "at_risk", "有风险", "At risk" },
	{ "off_track", "偏离", "Off track" },
	{ "achieved", "已达成", "Achieved" },
	{ "m_revenue", "收入", "Revenue" },
	{ "m_gross_margin", "毛利率", "Gross margin" },
	{ "m_units", "销量", "Units" },
	{ "m_deals_won", "赢单数", "Deals won" },
	{ "m_new_customers", "新客户数", "New customers" },
	{ "m_retention_rate", "留存率", "Retention rate" },
	{ "m_avg_deal_size", "平均成交额", "Average deal size" },
	{ "m_custom", "自定义", "Custom" },
	{ "m_collections", "回款", "Collections" },
	{ "m_nps", "净推荐值", "NPS" },
	{ "unit", "单位", "Unit" },
	{ "u_count", "数量", "count" },
	{ "u_ratio", "比率", "ratio" },
	{ "after_close", "%s（结项后）", "%s (after closing)" },
	{ "quota_of", "%s 的配额", "quota of %s" },
	{ "ps_draft", "草稿", "Draft" },
	{ "ps_active", "进行中", "Active" },
	{ "ps_closed", "已结束", "Closed" },
	{ "side_as_of", "%s（截至 %s）", "%s (as of %s)" },
	{ "side_final", "%s（截至 %s，已结项）", "%s (as of %s, closed)" },
};

const char *evaluation_lang(const char *lang)
{
	return lang && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N')
		       ? "en"
		       : "zh-CN";
}

const char *evaluation_label(const char *lang, const char *key)
{
	int en = !strcmp(evaluation_lang(lang), "en");

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].key, key))
			return en ? labels[i].en : labels[i].zh;
	return key;
}

static const char *L(const struct rdoc *d, const char *key)
{
	return evaluation_label(d->lang, key);
}

/* A column of the given key, labelled in d's language. */
static struct rcolumn col(const struct rdoc *d, const char *key, enum rcell_type t)
{
	struct rcolumn c = { key, L(d, key), t };
	return c;
}

static void cell_ratio(struct rcell *c, double r)
{
	if (isfinite(r))
		rcell_ratio(c, r);
}

static void cell_number(struct rcell *c, double v)
{
	if (isfinite(v))
		rcell_number(c, v);
}

/* A goal's value in its unit (none: empty). */
static void cell_value(struct rcell *c, enum unit u, int64_t v)
{
	if (v == NO_VALUE)
		return;
	if (u == UNIT_MONEY)
		rcell_money(c, v);
	else if (u == UNIT_RATIO)
		rcell_ratio(c, (double)v / 10000.0);
	else
		rcell_count(c, v);
}

static double major(int64_t minor)
{
	return (double)minor / 100.0;
}

static void head(const struct evaluation *ev, struct rdoc *d)
{
	char s[16], e[16], a[16], g[32];
	const char *fmt = L(d, "interim_note");

	d->title = rdoc_strf(d, "%s — %s", ev->project.name,
			     L(d, ev->interim ? "interim_title" : "title"));
	date_format(ev->project.start_on, s);
	date_format(ev->project.end_on, e);
	date_format(ev->as_of, a);
	ts_format(ev->generated_at, g);
	d->subtitle = rdoc_strf(d, L(d, "subtitle"), s, e, a, g);
	d->interim = ev->interim;
	d->interim_note = ev->interim ? rdoc_strf(d, fmt, a) : NULL;
	d->generated_at = ev->generated_at;
}

/* A line of the overview: the figure's label and its value (a count, or money). */
static void overview_line(struct rdoc *d, struct rtable *t, const char *key, int money,
			  int64_t v)
{
	struct rcell *r = rdoc_row(d, t);

	rcell_text(d, &r[0], L(d, key));
	if (money)
		rcell_money(&r[1], v);
	else
		rcell_count(&r[1], v);
}

static void overview(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "overview", L(d, "overview"));
	struct rcolumn cols[] = { col(d, "figure", RC_TEXT), col(d, "value", RC_NUMBER) };
	struct rtable *t = rdoc_table(d, s, "totals", NULL, cols, 2);
	const struct ev_totals *x = &ev->totals;
	struct rcell *r;

	overview_line(d, t, "revenue", 1, x->revenue);
	overview_line(d, t, "margin", 1, x->margin);
	overview_line(d, t, "units", 0, x->units);
	overview_line(d, t, "deals_won", 0, x->deals_won);
	r = rdoc_row(d, t);
	rcell_text(d, &r[0], L(d, "win_rate"));
	cell_ratio(&r[1], x->win_rate);
	overview_line(d, t, "new_customers", 0, x->new_customers);
	overview_line(d, t, "goals_met", 0, x->goals_met);
	overview_line(d, t, "goals_count", 0, x->goals);
}

static void goals(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "goals", L(d, "goals"));
	/* target and actual hold money, counts or ratios by row: the unit column says which */
	struct rcolumn cols[] = { col(d, "name", RC_TEXT),	col(d, "metric", RC_TEXT),
				  col(d, "unit", RC_TEXT),
				  col(d, "target", RC_NUMBER),	col(d, "actual", RC_NUMBER),
				  col(d, "attainment", RC_RATIO), col(d, "met", RC_TEXT),
				  col(d, "due", RC_DATE),	col(d, "status", RC_TEXT) };
	struct rtable *t = rdoc_table(d, s, "goals", NULL, cols, 9);
	const char **cats = xcalloc(ev->ngoals + 1, sizeof(*cats));
	double *vals = xcalloc(ev->ngoals + 1, sizeof(*vals));
	char mk[40];

	for (size_t i = 0; i < ev->ngoals; i++) {
		const struct ev_goal *g = &ev->goals[i];
		struct rcell *r = rdoc_row(d, t);
		const struct metric_def *md = metric_def(g->metric);
		rcell_text(d, &r[0], g->name);
		snprintf(mk, sizeof(mk), "m_%s", md ? md->name : "");
		rcell_text(d, &r[1], L(d, mk));
		rcell_text(d, &r[2], g->unit == UNIT_MONEY   ? d->currency
				     : g->unit == UNIT_RATIO ? L(d, "u_ratio")
							     : L(d, "u_count"));
		cell_value(&r[3], g->unit, g->target);
		cell_value(&r[4], g->unit, g->actual);
		cell_ratio(&r[5], g->attainment);
		rcell_text(d, &r[6], L(d, g->met ? "met_yes" : "met_no"));
		if (g->due != NO_DATE)
			rcell_date(&r[7], g->due);
		rcell_text(d, &r[8], L(d, g->status));
		cats[i] = g->name;
		vals[i] = isfinite(g->attainment) ? g->attainment : 0;
	}
	if (ev->ngoals) {
		struct rchart *c = rdoc_chart(d, s, "goal_attainment", L(d, "chart_goals"),
					      RCHART_BAR, RC_RATIO, cats, ev->ngoals);
		rdoc_series(d, c, L(d, "attainment"), vals);
	}
	free(cats);
	free(vals);
}

static void strategy(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "strategy", L(d, "strategy"));
	struct rcolumn cc[] = { col(d, "code", RC_TEXT),  col(d, "name", RC_TEXT),
				col(d, "revenue", RC_MONEY), col(d, "margin", RC_MONEY),
				col(d, "cost", RC_MONEY),    col(d, "roi", RC_RATIO) };
	struct rcolumn pc[] = {
		col(d, "code", RC_TEXT),	   col(d, "name", RC_TEXT),
		col(d, "revenue", RC_MONEY),	   col(d, "baseline_daily", RC_MONEY),
		col(d, "promo_daily", RC_MONEY),   col(d, "lift", RC_RATIO),
		col(d, "discount", RC_MONEY),	   col(d, "budget", RC_MONEY),
		col(d, "roi", RC_RATIO),
	};
	struct rcolumn xc[] = {
		col(d, "sku", RC_TEXT),		   col(d, "name", RC_TEXT),
		col(d, "changed_on", RC_DATE),	   col(d, "before_price", RC_MONEY),
		col(d, "after_price", RC_MONEY),   col(d, "window_days", RC_COUNT),
		col(d, "units_before", RC_COUNT),  col(d, "units_after", RC_COUNT),
		col(d, "revenue_before", RC_MONEY), col(d, "revenue_after", RC_MONEY),
	};
	struct rcolumn sc[] = { col(d, "code", RC_TEXT), col(d, "name", RC_TEXT),
				col(d, "planned_share", RC_RATIO), col(d, "actual_share", RC_RATIO),
				col(d, "revenue", RC_MONEY) };
	struct rtable *t = rdoc_table(d, s, "channels", L(d, "channels"), cc, 6);
	const char **cats = xcalloc(ev->nchannels + 1, sizeof(*cats));
	double *rev = xcalloc(ev->nchannels + 1, sizeof(*rev));
	double *mar = xcalloc(ev->nchannels + 1, sizeof(*mar));

	for (size_t i = 0; i < ev->nchannels; i++) {
		const struct ev_channel *c = &ev->channels[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], c->code);
		rcell_text(d, &r[1], c->name);
		rcell_money(&r[2], c->revenue);
		rcell_money(&r[3], c->margin);
		rcell_money(&r[4], c->cost);
		cell_ratio(&r[5], c->roi);
		cats[i] = c->name;
		rev[i] = major(c->revenue);
		mar[i] = major(c->margin);
	}
	if (ev->nchannels) {
		struct rchart *c = rdoc_chart(d, s, "channel_revenue", L(d, "chart_channels"),
					      RCHART_BAR, RC_MONEY, cats, ev->nchannels);
		rdoc_series(d, c, L(d, "revenue"), rev);
		rdoc_series(d, c, L(d, "margin"), mar);
	}
	free(cats);
	free(rev);
	free(mar);
	t = rdoc_table(d, s, "promotions", L(d, "promotions"), pc, 9);
	for (size_t i = 0; i < ev->npromotions; i++) {
		const struct ev_promotion *p = &ev->promotions[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], p->code);
		rcell_text(d, &r[1], p->name);
		rcell_money(&r[2], p->revenue);
		rcell_money(&r[3], p->baseline_daily);
		rcell_money(&r[4], p->promo_daily);
		cell_ratio(&r[5], p->lift);
		rcell_money(&r[6], p->discount);
		rcell_money(&r[7], p->budget);
		cell_ratio(&r[8], p->roi);
	}
	t = rdoc_table(d, s, "prices", L(d, "prices"), xc, 10);
	for (size_t i = 0; i < ev->nprices; i++) {
		const struct ev_price *p = &ev->prices[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], p->sku);
		rcell_text(d, &r[1], p->name);
		rcell_date(&r[2], p->changed_on);
		rcell_money(&r[3], p->before_price);
		rcell_money(&r[4], p->after_price);
		rcell_count(&r[5], p->window_days);
		rcell_count(&r[6], p->units_before);
		rcell_count(&r[7], p->units_after);
		rcell_money(&r[8], p->revenue_before);
		rcell_money(&r[9], p->revenue_after);
	}
	t = rdoc_table(d, s, "segments", L(d, "segments"), sc, 5);
	for (size_t i = 0; i < ev->nsegments; i++) {
		const struct ev_segment *g = &ev->segments[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], g->code);
		rcell_text(d, &r[1], g->name);
		cell_ratio(&r[2], g->planned_share);
		cell_ratio(&r[3], g->actual_share);
		rcell_money(&r[4], g->revenue);
	}
}

static void team(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "team", L(d, "team"));
	/* two tables, so that each fits a page's width: what they sold, how they served */
	struct rcolumn sc[] = {
		col(d, "member", RC_TEXT),     col(d, "quota", RC_MONEY),
		col(d, "revenue", RC_MONEY),   col(d, "attainment", RC_RATIO),
		col(d, "deals_won", RC_COUNT), col(d, "deals_lost", RC_COUNT),
		col(d, "win_rate", RC_RATIO),  col(d, "cycle_days", RC_NUMBER),
	};
	struct rcolumn vc[] = {
		col(d, "member", RC_TEXT),	       col(d, "activities", RC_COUNT),
		col(d, "rating", RC_NUMBER),	       col(d, "problems_resolved", RC_COUNT),
		col(d, "in_sla_rate", RC_RATIO),       col(d, "teamwork", RC_NUMBER),
	};
	struct rtable *t = rdoc_table(d, s, "team_sales", L(d, "team_sales"), sc, 8);
	const char **cats = xcalloc(ev->nteam + 1, sizeof(*cats));
	double *rev = xcalloc(ev->nteam + 1, sizeof(*rev));

	for (size_t i = 0; i < ev->nteam; i++) {
		const struct ev_member *m = &ev->team[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], m->name[0] ? m->name : m->login);
		if (m->quota != NO_VALUE)
			rcell_money(&r[1], m->quota);
		rcell_money(&r[2], m->revenue);
		cell_ratio(&r[3], m->attainment);
		rcell_count(&r[4], m->deals_won);
		rcell_count(&r[5], m->deals_lost);
		cell_ratio(&r[6], m->win_rate);
		cell_number(&r[7], m->cycle_days);
		cats[i] = m->name[0] ? m->name : m->login;
		rev[i] = major(m->revenue);
	}
	if (ev->nteam) {
		struct rchart *c = rdoc_chart(d, s, "member_revenue", L(d, "chart_team"),
					      RCHART_BAR, RC_MONEY, cats, ev->nteam);
		rdoc_series(d, c, L(d, "revenue"), rev);
	}
	t = rdoc_table(d, s, "team_service", L(d, "team_service"), vc, 6);
	for (size_t i = 0; i < ev->nteam; i++) {
		const struct ev_member *m = &ev->team[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], m->name[0] ? m->name : m->login);
		rcell_count(&r[1], m->activities);
		cell_number(&r[2], m->rating);
		rcell_count(&r[3], m->problems_resolved);
		cell_ratio(&r[4], m->in_sla_rate);
		cell_number(&r[5], m->teamwork);
	}
	free(cats);
	free(rev);
}

/* A project status's word (ps_<status>), or the value as stored when there is none. */
static const char *status_word(const struct rdoc *d, const char *v)
{
	char k[40];

	snprintf(k, sizeof(k), "ps_%s", v ? v : "");
	return strcmp(L(d, k), k) ? L(d, k) : v;
}

static void adjustments(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "adjustments", L(d, "adjustments"));
	struct rcolumn cols[] = { col(d, "at", RC_DATE),     col(d, "kind", RC_TEXT),
				  col(d, "record", RC_TEXT), col(d, "field", RC_TEXT),
				  col(d, "before", RC_TEXT), col(d, "after", RC_TEXT),
				  col(d, "reason", RC_TEXT), col(d, "by", RC_TEXT) };
	struct rtable *t;
	char fk[80];

	if (!ev->nadjustments) {
		rdoc_text(d, s, L(d, "none"));
		return;
	}
	t = rdoc_table(d, s, "adjustments", NULL, cols, 8);
	for (size_t i = 0; i < ev->nadjustments; i++) {
		const struct ev_adjustment *x = &ev->adjustments[i];
		struct rcell *r = rdoc_row(d, t);
		int pstatus = !strcmp(x->kind, "project") && !strcmp(x->field, "status");
		rcell_date(&r[0], evaluation_local_day(x->at));
		if (x->after_close)
			rcell_text(d, &r[1], rdoc_strf(d, L(d, "after_close"), L(d, x->kind)));
		else
			rcell_text(d, &r[1], L(d, x->kind));
		rcell_text(d, &r[2], x->record);
		snprintf(fk, sizeof(fk), "f_%s", x->field);
		if (!strcmp(x->kind, "quota"))
			rcell_text(d, &r[3], rdoc_strf(d, L(d, "quota_of"), x->field));
		else
			rcell_text(d, &r[3], strcmp(L(d, fk), fk) ? L(d, fk) : x->field);
		/* a project's status in the document's words, as the screens' pstatus */
		rcell_text(d, &r[4], pstatus ? status_word(d, x->before) : x->before);
		rcell_text(d, &r[5], pstatus ? status_word(d, x->after) : x->after);
		rcell_text(d, &r[6], x->reason);
		rcell_text(d, &r[7], x->by);
	}
}

static void lessons(const struct evaluation *ev, struct rdoc *d)
{
	struct rsection *s = rdoc_section(d, "lessons", L(d, "lessons"));
	struct rcolumn cols[] = { col(d, "kind", RC_TEXT), col(d, "text", RC_TEXT),
				  col(d, "by", RC_TEXT), col(d, "at", RC_DATE) };
	struct rtable *t;

	if (!ev->nlessons) {
		rdoc_text(d, s, L(d, "none"));
		return;
	}
	t = rdoc_table(d, s, "lessons", NULL, cols, 4);
	for (size_t i = 0; i < ev->nlessons; i++) {
		const struct ev_lesson *l = &ev->lessons[i];
		struct rcell *r = rdoc_row(d, t);
		rcell_text(d, &r[0], L(d, l->kind));
		rcell_text(d, &r[1], l->text);
		rcell_text(d, &r[2], l->by);
		rcell_date(&r[3], evaluation_local_day(l->at));
	}
}

void evaluation_doc(const struct evaluation *ev, const char *lang, struct rdoc *d)
{
	rdoc_init(d, evaluation_lang(lang), ev->currency);
	head(ev, d);
	overview(ev, d);
	goals(ev, d);
	strategy(ev, d);
	team(ev, d);
	adjustments(ev, d);
	lessons(ev, d);
}

/* --- two projects ----------------------------------------------------------------- */

static const struct ev_channel *channel_in(const struct evaluation *ev, const char *code)
{
	for (size_t i = 0; i < ev->nchannels; i++)
		if (!strcmp(ev->channels[i].code, code))
			return &ev->channels[i];
	return NULL;
}

/* The union of both projects' channel codes, a's first: each calls fn. */
static void each_channel(const struct evaluation *a, const struct evaluation *b,
			 void (*fn)(void *ctx, const char *code, const char *name, int64_t ra,
				    int64_t rb),
			 void *ctx)
{
	for (size_t i = 0; i < a->nchannels; i++) {
		const struct ev_channel *o = channel_in(b, a->channels[i].code);
		fn(ctx, a->channels[i].code, a->channels[i].name, a->channels[i].revenue,
		   o ? o->revenue : 0);
	}
	for (size_t i = 0; i < b->nchannels; i++)
		if (!channel_in(a, b->channels[i].code))
			fn(ctx, b->channels[i].code, b->channels[i].name, 0,
			   b->channels[i].revenue);
}

struct cmp_ctx {
	struct rdoc *d;
	struct rtable *t;
	struct jw *w;
};

static void channel_row(void *ctx, const char *code, const char *name, int64_t ra, int64_t rb)
{
	struct cmp_ctx *c = ctx;
	struct rcell *r = rdoc_row(c->d, c->t);

	rcell_text(c->d, &r[0], code);
	rcell_text(c->d, &r[1], name);
	rcell_money(&r[2], ra);
	rcell_money(&r[3], rb);
	rcell_money(&r[4], rb - ra);
}

static void total_row(struct rdoc *d, struct rtable *t, const char *key, enum rcell_type ty,
		      int64_t a, int64_t b)
{
	struct rcell *r = rdoc_row(d, t);

	rcell_text(d, &r[0], L(d, key));
	if (ty == RC_MONEY) {
		rcell_money(&r[1], a);
		rcell_money(&r[2], b);
		rcell_money(&r[3], b - a);
	} else {
		rcell_count(&r[1], a);
		rcell_count(&r[2], b);
		rcell_count(&r[3], b - a);
	}
}

void compare_doc(const struct evaluation *a, const struct evaluation *b, const char *lang,
		 struct rdoc *d)
{
	struct rsection *s;
	struct rtable *t;
	struct cmp_ctx ctx = { d, NULL, NULL };
	char as[16], bs[16], g[32];

	rdoc_init(d, evaluation_lang(lang), a->currency);
	date_format(a->as_of, as);
	date_format(b->as_of, bs);
	/* each side's own day in its heading: a closed side is as of its close, an open one not */
	const char *ha = rdoc_strf(d, L(d, a->interim ? "side_as_of" : "side_final"),
				   a->project.name, as);
	const char *hb = rdoc_strf(d, L(d, b->interim ? "side_as_of" : "side_final"),
				   b->project.name, bs);
	struct rcolumn tc[] = { col(d, "figure", RC_TEXT),
				{ a->project.code, ha, RC_NUMBER },
				{ b->project.code, hb, RC_NUMBER },
				col(d, "difference", RC_NUMBER) };
	struct rcolumn cc[] = { col(d, "code", RC_TEXT), col(d, "name", RC_TEXT),
				{ a->project.code, ha, RC_MONEY },
				{ b->project.code, hb, RC_MONEY },
				col(d, "difference", RC_MONEY) };
	ts_format(a->generated_at, g);
	d->title = rdoc_strf(d, "%s: %s — %s", L(d, "compare_title"), a->project.name,
			     b->project.name);
	d->subtitle = rdoc_strf(d, "%s %s · %s %s · %s", a->project.code, as, b->project.code, bs,
				g);
	d->interim = a->interim || b->interim;
	/* the day of the side still running (both: the earlier), not a closed side's */
	d->interim_note = d->interim ? rdoc_strf(d, L(d, "interim_note"),
						 !b->interim || (a->interim && a->as_of < b->as_of)
							 ? as
							 : bs)
				     : NULL;
	s = rdoc_section(d, "overview", L(d, "overview"));
	t = rdoc_table(d, s, "totals", NULL, tc, 4);
	total_row(d, t, "revenue", RC_MONEY, a->totals.revenue, b->totals.revenue);
	total_row(d, t, "margin", RC_MONEY, a->totals.margin, b->totals.margin);
	total_row(d, t, "units", RC_COUNT, a->totals.units, b->totals.units);
	total_row(d, t, "deals_won", RC_COUNT, a->totals.deals_won, b->totals.deals_won);
	total_row(d, t, "new_customers", RC_COUNT, a->totals.new_customers,
		  b->totals.new_customers);
	total_row(d, t, "goals_met", RC_COUNT, a->totals.goals_met, b->totals.goals_met);
	s = rdoc_section(d, "channels", L(d, "channels"));
	ctx.t = rdoc_table(d, s, "channels", NULL, cc, 5);
	each_channel(a, b, channel_row, &ctx);
}

static void channel_json(void *ctx, const char *code, const char *name, int64_t ra, int64_t rb)
{
	struct jw *w = ((struct cmp_ctx *)ctx)->w;

	jw_obj(w);
	jw_kstr(w, "code", code);
	jw_kstr(w, "name", name);
	jw_key(w, "revenue");
	jw_arr(w);
	jw_int(w, ra);
	jw_int(w, rb);
	jw_arr_end(w);
	jw_kint(w, "difference", rb - ra);
	jw_obj_end(w);
}

void compare_write_json(struct jw *w, const struct evaluation *a, const struct evaluation *b)
{
	struct cmp_ctx ctx = { NULL, NULL, w };

	jw_obj(w);
	jw_key(w, "projects");
	jw_arr(w);
	evaluation_write_json(w, a);
	evaluation_write_json(w, b);
	jw_arr_end(w);
	jw_key(w, "difference");
	jw_obj(w);
	jw_kint(w, "revenue", b->totals.revenue - a->totals.revenue);
	jw_kint(w, "margin", b->totals.margin - a->totals.margin);
	jw_kint(w, "units", b->totals.units - a->totals.units);
	jw_kint(w, "deals_won", b->totals.deals_won - a->totals.deals_won);
	jw_kint(w, "new_customers", b->totals.new_customers - a->totals.new_customers);
	jw_kint(w, "goals_met", b->totals.goals_met - a->totals.goals_met);
	jw_obj_end(w);
	jw_key(w, "channels");
	jw_arr(w);
	each_channel(a, b, channel_json, &ctx);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* code with only [A-Za-z0-9._-] (others as _), for a quoted file name. */
static void safe_code(const char *code, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = code; *p && n + 1 < size; p++) {
		int ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			 (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
		out[n++] = ok ? *p : '_';
	}
	out[n] = '\0';
}

void evaluation_file_name(const struct evaluation *ev, const char *ext, char *out, size_t size)
{
	char code[64], day[16];

	safe_code(ev->project.code, code, sizeof(code));
	snprintf(out, size, "%s-evaluation%s-%s.%s", code, ev->interim ? "-interim" : "",
		 date_format(ev->as_of, day), ext);
}

void compare_file_name(const struct evaluation *a, const struct evaluation *b, const char *ext,
		       char *out, size_t size)
{
	char ca[64], cb[64], day[16];

	safe_code(a->project.code, ca, sizeof(ca));
	safe_code(b->project.code, cb, sizeof(cb));
	snprintf(out, size, "%s-vs-%s-%s.%s", ca, cb, date_format(a->as_of, day), ext);
}
