/*
 * demo.c - `salespm demo`: a realistic demo workspace for 华信科技 (a network
 * and collaboration equipment maker): users, segments, channels, ~50 products
 * with price changes, promotions, two years of sales (~200,000 lines) with
 * seasonality and growth, and projects with goals of every metric, some on
 * track and some not. Everything goes through the core functions a user's
 * commands use; the sales through the CSV import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analytics/metric.h"
#include "analytics/quota.h"
#include "base/date.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "analytics/alert.h"
#include "core/adjust.h"
#include "core/catalog.h"
#include "core/collection.h"
#include "core/engagement.h"
#include "core/deal.h"
#include "core/entity.h"
#include "core/feedback.h"
#include "core/goal.h"
#include "core/problem.h"
#include "core/project.h"
#include "core/recruit.h"
#include "core/quota.h"
#include "core/sale.h"
#include "core/task.h"
#include "core/meeting.h"
#include "core/user.h"
#include "core/webhook.h"
#include "base/banned.h"

#define ADMIN_PASSWORD "salespm-admin"
#define DEMO_PASSWORD "salespm-demo"

/* xorshift64*: reproducible data for a given seed */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* uniform in [0, n) */
static uint32_t rnd_n(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* uniform in [0, 1) */
static double rnd_f(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

struct demo_user {
	const char *login, *name, *role;
};

static const struct demo_user users[] = {
	{ "li.na", "李娜", "manager" },        { "zhang.wei", "张伟", "manager" },
	{ "wang.fang", "王芳", "rep" },        { "liu.yang", "刘洋", "rep" },
	{ "chen.jing", "陈静", "rep" },        { "yang.lei", "杨磊", "rep" },
	{ "zhao.min", "赵敏", "rep" },         { "huang.tao", "黄涛", "rep" },
	{ "zhou.xin", "周欣", "rep" },         { "wu.hao", "吴昊", "rep" },
	{ "xu.li", "徐丽", "rep" },            { "sun.qiang", "孙强", "rep" },
	{ "ma.chao", "马超", "rep" },          { "zhu.ting", "朱婷", "rep" },
	{ "hu.jun", "胡军", "rep" },           { "guo.mei", "郭梅", "rep" },
	{ "lin.feng", "林峰", "rep" },         { "he.yun", "何云", "rep" },
	{ "gao.cfo", "高建国 (财务总监)", "viewer" }, { "luo.ceo", "罗志远 (总经理)", "viewer" },
};
#define NUSERS (sizeof(users) / sizeof(users[0]))
#define FIRST_REP 2
#define NREPS 16

static const struct {
	const char *code, *name, *criteria;
	int priority;
	double weight;
	const char *region, *industry, *size;
} segments[] = {
	{ "enterprise", "大型企业", "员工 1000 人以上的集团与上市公司", 1, 0.34,
	  "全国", "制造、金融、能源", "1000 人以上" },
	{ "smb", "中小企业", "员工 50–1000 人的成长型企业", 2, 0.30,
	  "华东、华南", "科技、贸易、服务", "50–1000 人" },
	{ "government", "政府与公共事业", "各级政府部门、医院与公用事业单位", 3, 0.14,
	  "全国", "政府、医疗、公用事业", "不限" },
	{ "education", "教育", "高校、职业院校与教育集团", 4, 0.12,
	  "华北、华东", "教育", "不限" },
	{ "retail-chain", "连锁零售", "门店 20 家以上的连锁品牌", 5, 0.10,
	  "一二线城市", "零售、餐饮", "门店 20 家以上" },
};

static const struct {
	const char *code, *name, *type;
	int64_t cost_bp;
	double weight;
} channels[] = {
	{ "direct", "直销", "direct", 800, 0.36 },
	{ "distributor", "分销商", "distributor", 1500, 0.22 },
	{ "tmall", "天猫旗舰店", "ecommerce", 1200, 0.16 },
	{ "partner", "合作伙伴", "partner", 1800, 0.12 },
	{ "retail", "体验门店", "retail", 2000, 0.06 },
	{ "telesales", "电话销售", "telesales", 1000, 0.08 },
};

static const struct {
	const char *prefix, *name;
	int64_t price; /* minor units */
} families[] = {
	{ "R", "企业级路由器", 459900 },     { "S", "千兆交换机", 289900 },
	{ "W", "无线接入点", 129900 },       { "G", "下一代防火墙", 1259900 },
	{ "V", "视频会议终端", 899900 },     { "C", "云存储一体机", 2399900 },
	{ "L", "软件许可 (年)", 99900 },     { "M", "运维服务包", 199900 },
	{ "P", "智能电源管理", 69900 },      { "E", "边缘计算盒", 569900 },
};

static const char *const cities[] = { "上海", "北京", "杭州", "苏州", "南京", "深圳", "广州",
				      "成都", "武汉", "西安", "宁波", "无锡", "合肥", "厦门",
				      "青岛", "天津", "长沙", "重庆" };
static const char *const words[] = { "恒达", "华创", "金桥", "远航", "新锐", "中信达", "博远",
				     "天成", "瑞丰", "众合", "汇通", "鼎盛", "启明", "正泰",
				     "海纳", "联创", "嘉和", "宏图", "卓越", "智联" };
static const char *const kinds[] = { "贸易有限公司", "科技股份有限公司", "信息技术有限公司",
				     "实业集团", "医院", "职业技术学院", "连锁超市",
				     "物流有限公司", "制造有限公司", "区政务服务中心" };

/* Month weights of the Chinese market: Spring Festival dip, 618 and 11.11 peaks, year end. */
static const double month_weight[12] = { 0.90, 0.55, 0.95, 1.00, 1.05, 1.30,
					 0.95, 0.92, 1.02, 1.00, 1.45, 1.35 };

#define NPRODUCTS 50
#define NCUSTOMERS 1800

struct demo {
	struct cli *c;
	struct store *st;
	int32_t today;
	int year;
	char sku[NPRODUCTS][32];
	int64_t price[NPRODUCTS];
	double pop[NPRODUCTS];
	char customer[NCUSTOMERS][96];
	int cust_segment[NCUSTOMERS];
	int32_t cust_from[NCUSTOMERS]; /* the day a customer starts buying */
	int32_t cust_to[NCUSTOMERS];   /* the day a lost customer stops */
	/* FY's adjustments (adjust_demo): the day a price cut of product cut_p took effect
	 * (its units rose), and the day telesales stopped (its callers went to direct) */
	int32_t cut_day, off_day;
	int cut_p;
};

static int catalog(struct demo *d, struct err *err)
{
	struct store *st = d->st;
	const struct actor *a = &d->c->actor;
	char m[MONEY_FMT_MAX];

	for (size_t i = 0; i < sizeof(segments) / sizeof(segments[0]); i++) {
		struct segment in = { 0 }, out;
		snprintf(in.code, sizeof(in.code), "%s", segments[i].code);
		snprintf(in.name, sizeof(in.name), "%s", segments[i].name);
		snprintf(in.criteria, sizeof(in.criteria), "%s", segments[i].criteria);
		snprintf(in.region, sizeof(in.region), "%s", segments[i].region);
		snprintf(in.industry, sizeof(in.industry), "%s", segments[i].industry);
		snprintf(in.company_size, sizeof(in.company_size), "%s", segments[i].size);
		in.priority = segments[i].priority;
		if (segment_create(st, a, &in, &out, err))
			return -1;
	}
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
		struct channel in = { 0 }, out;
		snprintf(in.code, sizeof(in.code), "%s", channels[i].code);
		snprintf(in.name, sizeof(in.name), "%s", channels[i].name);
		snprintf(in.type, sizeof(in.type), "%s", channels[i].type);
		in.cost_rate_bp = channels[i].cost_bp;
		if (channel_create(st, a, &in, &out, err))
			return -1;
	}
	/* 50 products: 10 families x 5 models; prices change during the current year */
	for (int i = 0; i < NPRODUCTS; i++) {
		struct product in = { 0 }, out;
		int f = i / 5, model = i % 5;
		int64_t price = families[f].price * (100 + model * 35) / 100 / 100 * 100;
		int64_t cost = price * (48 + (int)rnd_n(16)) / 100;
		snprintf(d->sku[i], sizeof(d->sku[i]), "HX-%s%d", families[f].prefix,
			 100 + model * 100);
		snprintf(in.sku, sizeof(in.sku), "%s", d->sku[i]);
		snprintf(in.name, sizeof(in.name), "%s %s%d", families[f].name, families[f].prefix,
			 100 + model * 100);
		in.cost_minor = cost;
		in.price_minor = price;
		/* a competitor's price for three products in four, 10% below to 10% above ours */
		in.competitor_price_minor = i % 4 == 3 ? NO_ID : price * (90 + (i * 7) % 21) / 100;
		d->price[i] = price;
		d->pop[i] = 1.0 / (1.0 + model * 0.6) * (f == 6 || f == 2 ? 2.2 : 1.0);
		if (product_create(st, a, &in, date_from_ymd(d->year - 1, 1, 1), &out, err))
			return -1;
		if (i % 3 == 0) {
			/* a price change some months into the current year */
			struct product want = out, after;
			int32_t when = date_from_ymd(d->year, 3 + (int)rnd_n(6), 1);
			want.cost_minor = cost * (103 + (int)rnd_n(6)) / 100;
			want.price_minor = i % 2 ? price * 105 / 100 : price * 95 / 100;
			if (when > d->today)
				when = d->today;
			if (product_update(st, a, &want, PRODUCT_SET_COST | PRODUCT_SET_PRICE, when,
					   i % 2 ? "原材料涨价, 同步调价" : "竞品降价, 下调售价", &after,
					   err))
				return -1;
		}
	}
	(void)m;
	{
		static const struct {
			const char *code, *name, *kind;
			int64_t value;
			int m1, d1, m2, d2;
			int64_t budget;
		} promos[] = {
			{ "P618", "618 年中大促", "percent", 1500, 6, 1, 6, 20, 1000000000 },
			{ "P1111", "双十一狂欢", "percent", 2000, 11, 1, 11, 12, 1200000000 },
			{ "NEWCUST", "新客户礼包", "gift", 0, 1, 1, 12, 31, 8000000 },
			{ "BULK", "满 10 万减 5 千", "amount", 500000, 1, 1, 12, 31, 2500000000 },
		};
		for (size_t i = 0; i < sizeof(promos) / sizeof(promos[0]); i++) {
			struct promotion in = { 0 }, out;
			snprintf(in.code, sizeof(in.code), "%s", promos[i].code);
			snprintf(in.name, sizeof(in.name), "%s", promos[i].name);
			snprintf(in.kind, sizeof(in.kind), "%s", promos[i].kind);
			in.value = promos[i].value;
			in.starts_on = date_from_ymd(d->year, promos[i].m1, promos[i].d1);
			in.ends_on = date_from_ymd(d->year, promos[i].m2, promos[i].d2);
			in.budget_minor = promos[i].budget;
			if (promotion_create(st, a, &in, &out, err))
				return -1;
		}
	}
	return 0;
}

static int people(struct demo *d, struct err *err)
{
	for (size_t i = 0; i < NUSERS; i++) {
		struct user_input in = { .login = users[i].login, .name = users[i].name,
					 .role = users[i].role, .password = DEMO_PASSWORD };
		struct user u;
		if (user_create(d->st, &d->c->actor, &in, &u, err))
			return -1;
	}
	for (int i = 0; i < NCUSTOMERS; i++) {
		snprintf(d->customer[i], sizeof(d->customer[i]), "%s%s%s", cities[rnd_n(18)],
			 words[rnd_n(20)], kinds[rnd_n(10)]);
		/* names repeat by chance: make each unique with a branch number */
		for (int j = 0; j < i; j++)
			if (!strcmp(d->customer[i], d->customer[j])) {
				size_t n = strlen(d->customer[i]);
				snprintf(d->customer[i] + n, sizeof(d->customer[i]) - n, " (%d 号)",
					 i);
				break;
			}
		{
			double x = rnd_f(), acc = 0;
			d->cust_segment[i] = 4;
			for (int s = 0; s < 5; s++) {
				acc += segments[s].weight;
				if (x < acc) {
					d->cust_segment[i] = s;
					break;
				}
			}
		}
		/* a third of the customers arrive during the two years, the rest are regulars */
		d->cust_from[i] = i % 3 == 0 ? date_from_ymd(d->year - 1, 1, 1) +
						      (int32_t)rnd_n((uint32_t)(d->today -
										date_from_ymd(d->year - 1, 1, 1)))
					     : date_from_ymd(d->year - 1, 1, 1);
		/* one customer in five is lost to a competitor at some point */
		d->cust_to[i] = rnd_n(5) == 0 ? d->cust_from[i] + 60 + (int32_t)rnd_n(600) : INT32_MAX;
	}
	return 0;
}

/*
 * A record of a described noun from name/value text pairs as a user types
 * them ({"title", "渠道经理", "openings", "2", NULL}): demo data for nouns that
 * are a description only (their record struct is their file's own).
 */
static int demo_record_in(struct demo *d, const char *noun, const struct ent_project *p,
			  const char *key, const char *const *kv, int64_t *id, struct err *err);

static int demo_record(struct demo *d, const char *noun, const char *const *kv, struct err *err)
{
	return demo_record_in(d, noun, NULL, NULL, kv, NULL, err);
}

/*
 * Create a record of noun (in project p for a project noun, else NULL) from
 * kv's field / value pairs, or change the one named key (not NULL) by them;
 * id (if not NULL): the record's id.
 */
static int demo_record_in(struct demo *d, const char *noun, const struct ent_project *p,
			  const char *key, const char *const *kv, int64_t *id, struct err *err)
{
	const struct entity *e = entity_find(noun);
	struct ent_input in;
	void *out;
	int rc = -1;

	if (!e)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "no noun %s", noun);
	memset(&in, 0, sizeof(in));
	in.rec = xcalloc(1, e->size);
	out = xcalloc(1, e->size);
	for (const struct ent_field *f = e->fields; f->name; f++)
		entity_set_none(f, in.rec);
	for (; kv[0]; kv += 2) {
		const struct ent_field *f = entity_field(e, kv[0]);
		if (!f) {
			err_set(err, ERR_INTERNAL, NULL, "internal", "%s has no field %s", noun, kv[0]);
			goto out;
		}
		if (f->variant) {
			entity_input_raw(e, &in, f, kv[1], 0);
			continue;
		}
		if (entity_parse_text(f, kv[1], in.rec, err))
			goto out;
		entity_input_set(e, &in, f, 0);
	}
	if (key) { /* a change of the record named key, at version 1 (the demo's records are new) */
		in.version = 1;
		rc = entity_update(d->st, &d->c->actor, e, p, key, &in, out, err);
	} else {
		rc = entity_create(d->st, &d->c->actor, e, p, &in, out, err);
	}
	if (!rc && id)
		*id = *(const int64_t *)((const char *)out + entity_field(e, "id")->off);
out:
	free(in.rec);
	free(out);
	return rc;
}

/* The team's open positions: one per status, dated around today. */
static int positions(struct demo *d, struct err *err)
{
	char o1[DATE_FMT_MAX], t1[DATE_FMT_MAX], o2[DATE_FMT_MAX], t2[DATE_FMT_MAX];
	char o3[DATE_FMT_MAX], t3[DATE_FMT_MAX];

	date_format(d->today - 20, o1);
	date_format(d->today + 70, t1);
	date_format(d->today - 45, o2);
	date_format(d->today + 15, t2);
	date_format(d->today - 120, o3);
	date_format(d->today - 30, t3);
	{
		const char *const p1[] = { "title", "华东区大客户经理", "openings", "2", "status", "open",
					   "manager", "li.na", "opened", o1, "target", t1,
					   "requirements", "5 年以上企业级网络设备销售经验；熟悉上海、江苏、浙江的大型企业客户；能独立完成百万级项目的商务谈判",
					   NULL };
		const char *const p2[] = { "title", "电商渠道运营专员", "openings", "3", "status", "open",
					   "manager", "zhang.wei", "opened", o2, "target", t2,
					   "requirements", "2 年以上天猫/京东店铺运营经验；熟悉 618、双 11 大促节奏", NULL };
		const char *const p3[] = { "title", "边缘计算售前工程师", "openings", "1", "status", "on_hold",
					   "manager", "li.na", "opened", o2,
					   "requirements", "计算机或通信相关专业；有工业网关或边缘服务器项目经验", NULL };
		const char *const p4[] = { "title", "电话销售代表", "openings", "4", "status", "filled",
					   "manager", "zhang.wei", "opened", o3, "target", t3,
					   "requirements", "普通话标准，抗压能力强；有 ToB 电话销售经验优先", NULL };
		const char *const *all[] = { p4, p3, p2, p1 };
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (demo_record(d, "position", all[i], err))
				return -1;
	}
	return 0;
}

/*
 * The team's training: one session of each category, three held and one to
 * come; the reps on each list, most of them there and scored (a trainer's
 * scores, spread by the demo's seeded chance), one or two absent.
 */
static int trainings(struct demo *d, struct err *err)
{
	static const struct {
		const char *name, *category, *hours, *trainer, *location, *notes;
		int days; /* from today */
	} sessions[] = {
		{ "X3 系列网关产品知识", "product_knowledge", "3", "li.na", "上海总部 3 楼培训室",
		  "X3 的三款型号、与竞品的参数对比、典型组网方案；结束时笔试", -60 },
		{ "大客户顾问式销售", "sales_skills", "6", NULL, "杭州办事处",
		  "外部讲师：陈老师（SPIN 提问法、异议处理、商务谈判）", -35 },
		{ "售后服务与客户成功", "customer_service", "2", "zhang.wei", "线上会议",
		  "报修流程、续约提醒、客户满意度回访话术", -12 },
		{ "年度合规与报销制度", "other", "1", "zhang.wei", "线上会议",
		  "财务部讲解差旅报销与合同审批新规", 10 },
	};
	for (size_t i = 0; i < sizeof(sessions) / sizeof(sessions[0]); i++) {
		char day[DATE_FMT_MAX];
		int64_t tid;
		char tids[24];
		int held = sessions[i].days < 0;

		date_format(d->today + sessions[i].days, day);
		{
			/* an optional pair last: a NULL name ends the list */
			const char *const kv[] = { "name", sessions[i].name, "category",
						   sessions[i].category, "date", day, "hours",
						   sessions[i].hours, "location", sessions[i].location,
						   "notes", sessions[i].notes,
						   sessions[i].trainer ? "trainer" : NULL,
						   sessions[i].trainer, NULL };
			if (demo_record_in(d, "training", NULL, NULL, kv, &tid, err))
				return -1;
		}
		snprintf(tids, sizeof(tids), "%lld", (long long)tid);
		/* the reps of the session's half of the team, every other session the other half */
		for (int r = 0; r < NREPS; r++) {
			const char *login = users[FIRST_REP + r].login;
			char score[16];
			/* a session to come: nobody has attended it yet */
			int absent = !held || rnd_n(10) == 0;
			if ((r % 2) != (int)(i % 2) && i != 0)
				continue;
			snprintf(score, sizeof(score), "%d", 62 + (int)rnd_n(37));
			{
				const char *const kv[] = { "training", tids, "attendee", login,
							   "attended", absent ? "no" : "yes",
							   !absent ? "score" : NULL, score, NULL };
				if (demo_record(d, "attendance", kv, err))
					return -1;
			}
		}
	}
	return 0;
}

/*
 * The FY project's RACI chart: four areas of work, each with its people; the
 * launch's promotion still lacks someone accountable (the chart marks it).
 */
static int raci(struct demo *d, struct err *err)
{
	static const char *const lines[][4] = {
		{ "大客户报价审批", "li.na", "accountable", "折扣超过 15% 由李娜签字" },
		{ "大客户报价审批", "wang.fang", "responsible", "准备报价单与竞品对比" },
		{ "大客户报价审批", "gao.cfo", "consulted", "毛利低于 20% 的报价先征询财务" },
		{ "大客户报价审批", "luo.ceo", "informed", "" },
		{ "渠道政策与返利", "zhang.wei", "accountable", "" },
		{ "渠道政策与返利", "liu.yang", "responsible", "每季度核对经销商返利" },
		{ "渠道政策与返利", "li.na", "consulted", "" },
		{ "月度销售预测", "li.na", "accountable", "" },
		{ "月度销售预测", "chen.jing", "responsible", "每月 25 日前汇总各区预测" },
		{ "月度销售预测", "zhang.wei", "responsible", "" },
		{ "月度销售预测", "gao.cfo", "informed", "" },
		{ "新品上市推广", "yang.lei", "responsible", "协调 618 新品促销物料" },
		{ "新品上市推广", "zhang.wei", "consulted", "" },
	};
	struct project fy;
	struct ent_project p;

	if (project_load(d->st, "FY", &fy, err))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *const kv[] = { "area", lines[i][0], "person", lines[i][1], "role",
					   lines[i][2], "note", lines[i][3], NULL };
		if (demo_record_in(d, "raci", &p, NULL, kv, NULL, err))
			return -1;
	}
	return 0;
}

/*
 * The strategies of FY and LAUNCH: their target markets with planned shares,
 * channels with shares and budgets (FY's partners spend past theirs), and the
 * promotions they run.
 */
static int strategies(struct demo *d, struct err *err)
{
	static const struct {
		const char *project, *noun, *ref, *code, *share, *budget, *note;
	} lines[] = {
		{ "FY", "target_market", "segment", "enterprise", "40", NULL, "续约为先, 每季度拜访" },
		{ "FY", "target_market", "segment", "smb", "30", NULL, "华东、华南电话+渠道覆盖" },
		{ "FY", "target_market", "segment", "education", "12", NULL, "" },
		{ "FY", "target_market", "segment", "government", "10", NULL, "跟进年中采购窗口" },
		{ "FY", "target_market", "segment", "retail-chain", "8", NULL, "" },
		{ "FY", "channel_plan", "channel", "direct", "35", "150000000", "大客户由直销团队负责" },
		{ "FY", "channel_plan", "channel", "distributor", "22", "170000000", "" },
		{ "FY", "channel_plan", "channel", "tmall", "15", "95000000", "新品首发" },
		{ "FY", "channel_plan", "channel", "partner", "12", "100000000", "" },
		{ "FY", "channel_plan", "channel", "telesales", "10", "45000000", "中小企业续费" },
		{ "FY", "channel_plan", "channel", "retail", "6", "65000000", "" },
		{ "FY", "project_promotion", "promotion", "P618", NULL, NULL, "年中冲量, 清理 W 系列库存" },
		{ "FY", "project_promotion", "promotion", "P1111", NULL, NULL, "" },
		{ "FY", "project_promotion", "promotion", "BULK", NULL, NULL, "大单促成" },
		{ "FY", "project_promotion", "promotion", "NEWCUST", NULL, NULL, "" },
		{ "LAUNCH", "target_market", "segment", "enterprise", "50", NULL, "" },
		{ "LAUNCH", "target_market", "segment", "government", "30", NULL, "" },
		{ "LAUNCH", "channel_plan", "channel", "direct", "60", "4000000", "" },
		{ "LAUNCH", "channel_plan", "channel", "partner", "40", "3000000", "" },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct project pr;
		struct ent_project p;
		const char *kv[9] = { lines[i].ref, lines[i].code, "note", lines[i].note };
		int n = 4;
		if (lines[i].share) {
			kv[n++] = "share";
			kv[n++] = lines[i].share;
		}
		if (lines[i].budget) {
			kv[n++] = "budget";
			kv[n++] = lines[i].budget;
		}
		kv[n] = NULL;
		if (project_load(d->st, lines[i].project, &pr, err))
			return -1;
		p.id = pr.id;
		p.code = lines[i].project;
		if (demo_record_in(d, lines[i].noun, &p, NULL, kv, NULL, err))
			return -1;
	}
	return 0;
}

/*
 * The team's skills: every rep rated in the five standard skills (2 to 5, by
 * the demo's seeded chance, a little higher for the managers), and a few in
 * one of the team's own.
 */
static int skills(struct demo *d, struct err *err)
{
	static const char *const standard[] = { "product_knowledge", "sales_skills",
						"customer_service", "negotiation",
						"industry_knowledge" };
	for (int u = 0; u < FIRST_REP + NREPS; u++) {
		for (size_t k = 0; k < sizeof(standard) / sizeof(standard[0]); k++) {
			char r[16];
			snprintf(r, sizeof(r), "%d", (u < FIRST_REP ? 4 : 2) + (int)rnd_n(u < FIRST_REP ? 2 : 4));
			{
				const char *const kv[] = { "person", users[u].login, "skill", standard[k],
							   "rating", r, NULL };
				if (demo_record(d, "skill", kv, err))
					return -1;
			}
		}
		if (u >= FIRST_REP && u % 4 == 0) {
			const char *const kv[] = { "person", users[u].login, "skill", "other", "name",
						   "工业网关方案设计", "rating", u % 8 ? "4" : "3",
						   "note", "完成 X3 方案认证", NULL };
			if (demo_record(d, "skill", kv, err))
				return -1;
		}
	}
	return 0;
}

/*
 * What FY's reps carry: each a territory of cities (its region, two by two), the
 * two hired last a half load while they ramp up.
 */
static int loads(struct demo *d, struct err *err)
{
	static const char *const regions[] = { "华东 · 上海、苏州", "华东 · 杭州、宁波",
					       "华北 · 北京、天津", "华南 · 广州、深圳",
					       "西南 · 成都、重庆", "华中 · 武汉、长沙",
					       "东北 · 沈阳、大连", "西北 · 西安、兰州" };
	struct project fy;
	struct ent_project p;

	if (project_load(d->st, "FY", &fy, err))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	for (int r = 0; r < NREPS; r++) {
		const char *const kv[] = { "territory", regions[r / 2], "capacity",
					   r >= NREPS - 2 ? "50" : "100", NULL };
		if (demo_record_in(d, "member", &p, users[FIRST_REP + r].login, kv, NULL, err))
			return -1;
	}
	return 0;
}

/* FY's goal named name (its id; NO_ID when there is none). */
static int64_t fy_goal(const struct goal_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return l->items[i].id;
	return NO_ID;
}

/* Save the suggested split of FY's goal id; edit > 0 moves that much from the largest quota to the smallest. */
static int demo_split(struct demo *d, int64_t id, int64_t edit, struct err *err)
{
	struct quota_suggestion s;
	struct quota_input *in;
	struct quota_split out;
	size_t big = 0, small = 0;
	int r;

	if (quota_suggest(d->st, &d->c->actor, "FY", id, &s, err))
		return -1;
	/* every rep the suggestion names: the demo's and whoever was hired into FY */
	in = xcalloc(s.n ? s.n : 1, sizeof(*in));
	for (size_t i = 0; i < s.n; i++) {
		in[i].login = s.lines[i].login;
		in[i].target = s.lines[i].target;
		if (in[i].target > in[big].target)
			big = i;
		if (in[i].target < in[small].target)
			small = i;
	}
	if (edit > 0 && s.n && in[big].target >= edit) {
		in[big].target -= edit;
		in[small].target += edit;
	}
	r = quota_split_save(d->st, &d->c->actor, "FY", id, 0, in, s.n, &out, err);
	if (!r)
		quota_split_release(&out);
	free(in);
	quota_suggestion_release(&s);
	return r;
}

/* FY's biggest account of each rep (by what they sold it this year), one rep an account. */
static const char SQL_DEMO_ACCOUNTS[] =
	"SELECT s.customer_id, u.login, SUM(s.amount_minor) AS revenue FROM sales s "
	"JOIN users u ON u.id = s.rep_id WHERE s.project_id = ?1 "
	"GROUP BY s.customer_id, u.login ORDER BY revenue DESC, s.customer_id LIMIT 400";

/*
 * FY's quotas and assignments: the year's revenue and the Tmall units split as
 * suggested, Q4's new customers as suggested with one line edited, deals won
 * (no history yet) by capacity alone; each rep's two biggest accounts and a
 * segment (the enterprise one to the three leading reps).
 */
static int quotas(struct demo *d, struct err *err)
{
	static const char *const seg_of[] = { "smb", "government", "education", "retail-chain" };
	struct goal_list gl = { 0 };
	struct project fy;
	struct ent_project p;
	struct stmt *st;
	int rc, r = -1;
	int64_t *used = NULL;
	size_t nused = 0, alloc = 0;

	if (project_load(d->st, "FY", &fy, err) || goal_list(d->st, &d->c->actor, "FY", &gl, err))
		goto out;
	p.id = fy.id;
	p.code = "FY";
	if (demo_split(d, fy_goal(&gl, "全年营收"), 0, err) ||
	    demo_split(d, fy_goal(&gl, "天猫旗舰店销量"), 0, err) ||
	    demo_split(d, fy_goal(&gl, "四季度新客户"), 2, err) ||
	    demo_split(d, fy_goal(&gl, "赢单数"), 0, err))
		goto out;
	if (!(st = store_prepare(d->st, SQL_DEMO_ACCOUNTS, err)))
		goto out;
	store_bind_int(d->st, st, 1, fy.id);
	{
		char cust[NREPS][2][24];
		int n[NREPS] = { 0 };
		while ((rc = store_step(d->st, st, err)) == STORE_ROW) {
			int64_t cid = store_col_int(d->st, st, 0);
			const char *login = store_col_text(d->st, st, 1);
			int seen = 0;
			for (size_t k = 0; k < nused; k++)
				seen |= used[k] == cid;
			for (int u = 0; u < NREPS && !seen; u++)
				if (!strcmp(users[FIRST_REP + u].login, login) && n[u] < 2) {
					snprintf(cust[u][n[u]], sizeof(cust[0][0]), "%lld", (long long)cid);
					n[u]++;
					ALLOC_GROW(used, nused + 1, alloc);
					used[nused++] = cid;
				}
		}
		store_done(d->st, st);
		if (rc < 0)
			goto out;
		for (int u = 0; u < NREPS; u++)
			for (int k = 0; k < n[u]; k++) {
				const char *const kv[] = { "person", users[FIRST_REP + u].login, "customer",
							   cust[u][k], "note",
							   k ? "季度回访，跟进增购" : "重点客户，负责续约与扩容",
							   NULL };
				if (demo_record_in(d, "assignment", &p, NULL, kv, NULL, err))
					goto out;
			}
	}
	for (int u = 0; u < NREPS; u++) {
		const char *const kv[] = { "person", users[FIRST_REP + u].login, "segment",
					   u < 3 ? "enterprise" : seg_of[u % 4], "note",
					   u < 3 ? "大客户团队" : "区域内的该类客户", NULL };
		if (demo_record_in(d, "assignment", &p, NULL, kv, NULL, err))
			goto out;
	}
	r = 0;
out:
	free(used);
	goal_list_release(&gl);
	return r;
}

static int pick(const double *w, int n)
{
	double total = 0, x, acc = 0;
	for (int i = 0; i < n; i++)
		total += w[i];
	x = rnd_f() * total;
	for (int i = 0; i < n; i++) {
		acc += w[i];
		if (x < acc)
			return i;
	}
	return n - 1;
}

/* --- activities and customer feedback ------------------------------------------------ */

/* Each FY customer with the rep who sold to it most and one of those sales (the latest). */
static const char SQL_DEMO_BOOK[] =
	"SELECT s.customer_id, u.login, MAX(s.id), MAX(s.sold_on) FROM sales s "
	"JOIN users u ON u.id = s.rep_id WHERE s.project_id = ?1 "
	"GROUP BY s.customer_id, u.login ORDER BY s.customer_id, u.login";

struct demo_account {
	int64_t customer, sale;
	int32_t last_sale;
	int rep; /* index into the reps, users[FIRST_REP + rep] */
};

static const char *const demo_outcomes[6][4] = {
	/* call */ { "约好下周上门拜访", "客户在比价，下周再联系", "确认了采购预算和时间表",
		     "联系人出差，改约周五" },
	/* visit */ { "见到采购负责人，需求明确", "现场勘查完成，准备方案", "拜访关键人，关系推进",
		      "客户对交付周期有顾虑" },
	/* demo */ { "演示顺利，技术团队认可", "客户要求试用两周", "演示后追加了两个功能需求",
		     "决策层参加，反馈积极" },
	/* email */ { "已发送报价单", "发送了产品资料和案例", "回复了合同条款问题",
		      "发送了售后回访问卷" },
	/* meeting */ { "商务谈判，价格基本谈妥", "季度业务回顾会", "与客户 IT 部门对齐实施计划",
			"续约条件初步达成一致" },
	/* other */ { "参加客户年会", "行业展会上碰面", "寄送节日礼品", "协助客户处理发票" },
};

static const char *const demo_comments[4][3] = {
	/* product */ { "产品稳定，用起来很顺手", "功能够用，界面还可以再简化", "出过两次故障，影响使用" },
	/* service */ { "客户经理响应很快，很专业", "服务还行，有时回复慢", "售后电话总是打不通" },
	/* price */ { "价格合理，性价比高", "价格偏高，希望有更多折扣", "比竞品贵不少" },
	/* delivery */ { "按时到货，安装师傅很专业", "到货晚了两天", "交付延期一周，影响了项目" },
};

/* Run demo_record_in as login (the rep logs their own, takes the feedback they record). */
static int demo_record_as(struct demo *d, const struct actor *as, const char *noun,
			  const struct ent_project *p, const char *const *kv, struct err *err)
{
	struct actor keep = d->c->actor;
	int r;

	d->c->actor = *as;
	r = demo_record_in(d, noun, p, NULL, kv, NULL, err);
	d->c->actor = keep;
	return r;
}

/* A time of day in working hours ("" one time in four: a day's contact without a set time). */
static void demo_time(char *out, size_t size)
{
	if (!rnd_n(4))
		out[0] = '\0';
	else
		snprintf(out, size, "%02d:%s", 9 + (int)rnd_n(9), rnd_n(2) ? "30" : "00");
}

/*
 * A year of FY activities: on each working day each rep contacts one or two
 * of their customers (calls and emails most, then visits, meetings and
 * demos), nearly all done; a few of the last fortnight's still planned
 * (overdue), and the next three weeks planned. Then what customers said after
 * their purchases: mostly promoters, a quarter detractors, about one sale in
 * eighteen. All in one transaction, after every other figure of the demo.
 */
static int engagement(struct demo *d, struct err *err)
{
	static const double kind_w[6] = { 40, 15, 10, 20, 10, 5 };
	static const double phase_w[3] = { 35, 35, 30 };
	static const double cat_w[4] = { 35, 35, 15, 15 };
	struct demo_account *acc = NULL;
	size_t nacc = 0, alloc = 0, *first = NULL, *count = NULL;
	struct actor reps[NREPS];
	struct project fy;
	struct ent_project p;
	struct stmt *st;
	int rc, r = -1;
	int32_t start, end;

	if (project_load(d->st, "FY", &fy, err))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	for (int u = 0; u < NREPS; u++)
		if (actor_load(d->st, users[FIRST_REP + u].login, &reps[u], err))
			return -1;
	if (!(st = store_prepare(d->st, SQL_DEMO_BOOK, err)))
		return -1;
	store_bind_int(d->st, st, 1, fy.id);
	while ((rc = store_step(d->st, st, err)) == STORE_ROW) {
		const char *login = store_col_text(d->st, st, 1);
		for (int u = 0; u < NREPS; u++)
			if (!strcmp(users[FIRST_REP + u].login, login)) {
				ALLOC_GROW(acc, nacc + 1, alloc);
				acc[nacc].customer = store_col_int(d->st, st, 0);
				acc[nacc].sale = store_col_int(d->st, st, 2);
				acc[nacc].last_sale = (int32_t)store_col_int(d->st, st, 3);
				acc[nacc].rep = u;
				nacc++;
			}
	}
	store_done(d->st, st);
	if (rc < 0)
		goto out;
	if (!nacc) { /* no FY sales: nobody to contact */
		r = 0;
		goto out;
	}
	/* each rep's accounts: first[u] .. first[u] + count[u] of an index sorted by rep */
	first = xcalloc(NREPS, sizeof(*first));
	count = xcalloc(NREPS, sizeof(*count));
	{
		struct demo_account *by = xcalloc(nacc, sizeof(*by));
		size_t k = 0;
		for (int u = 0; u < NREPS; u++) {
			first[u] = k;
			for (size_t i = 0; i < nacc; i++)
				if (acc[i].rep == u)
					by[k++] = acc[i];
			count[u] = k - first[u];
		}
		free(acc);
		acc = by;
	}
	if (store_begin(d->st, 1, err))
		goto out;
	start = fy.start_on;
	end = d->today + 21;
	for (int32_t day = start; day <= end; day++) {
		int wd = date_weekday(day);
		if (wd >= 5)
			continue;
		for (int u = 0; u < NREPS; u++) {
			int n = day > d->today ? (int)rnd_n(2) : 1 + (rnd_n(10) < 3);
			for (int k = 0; k < n && count[u]; k++) {
				const struct demo_account *a = &acc[first[u] + rnd_n((uint32_t)count[u])];
				int kind = pick(kind_w, 6), phase = pick(phase_w, 3);
				int planned = day > d->today || (day > d->today - 14 && !rnd_n(12));
				char ds[DATE_FMT_MAX], tm[8], cust[24];
				const char *kv[19];
				int i = 0;
				/* after the sale's day a contact is after-sale, before it pre- or in-sale */
				if (day > a->last_sale + 30)
					phase = rnd_n(3) ? 2 : 0;
				else if (phase == 2)
					phase = 1;
				date_format(day, ds);
				demo_time(tm, sizeof(tm));
				snprintf(cust, sizeof(cust), "%lld", (long long)a->customer);
				kv[i++] = "kind";
				kv[i++] = activity_kinds[kind];
				kv[i++] = "date";
				kv[i++] = ds;
				kv[i++] = "time";
				kv[i++] = tm;
				kv[i++] = "member";
				kv[i++] = users[FIRST_REP + u].login;
				kv[i++] = "customer";
				kv[i++] = cust;
				kv[i++] = "phase";
				kv[i++] = activity_phases[phase];
				kv[i++] = "status";
				kv[i++] = planned ? "planned" : "done";
				if (!planned) {
					kv[i++] = "outcome";
					kv[i++] = demo_outcomes[kind][rnd_n(4)];
				}
				kv[i] = NULL;
				if (demo_record_as(d, &reps[u], "activity", &p, kv, err))
					goto fail;
			}
		}
	}
	/* feedback: about one sale in eighteen, a few days to three weeks after it */
	for (size_t i = 0; i < nacc; i++) {
		const struct demo_account *a = &acc[i];
		int32_t day = a->last_sale + 3 + (int32_t)rnd_n(18);
		int cat = pick(cat_w, 4), roll = (int)rnd_n(100), score, rating, mood;
		char ds[DATE_FMT_MAX], cust[24], sale[24], sc[12], rt[12];
		const char *kv[19];
		int k = 0;
		if (rnd_n(18) || day > d->today)
			continue;
		/* 45% promoters, 30% passives, 25% detractors: an NPS near 20 */
		score = roll < 45 ? 9 + (int)rnd_n(2) : roll < 75 ? 7 + (int)rnd_n(2) : (int)rnd_n(7);
		mood = score >= 9 ? 0 : score >= 7 ? 1 : 2;
		rating = mood == 0 ? 4 + (int)rnd_n(2) : mood == 1 ? 3 + (int)rnd_n(2) : 1 + (int)rnd_n(3);
		date_format(day, ds);
		snprintf(cust, sizeof(cust), "%lld", (long long)a->customer);
		snprintf(sale, sizeof(sale), "%lld", (long long)a->sale);
		snprintf(sc, sizeof(sc), "%d", score);
		snprintf(rt, sizeof(rt), "%d", rating);
		kv[k++] = "customer";
		kv[k++] = cust;
		kv[k++] = "date";
		kv[k++] = ds;
		kv[k++] = "category";
		kv[k++] = feedback_categories[cat];
		kv[k++] = "sale";
		kv[k++] = sale;
		kv[k++] = "member";
		kv[k++] = users[FIRST_REP + a->rep].login;
		kv[k++] = "comment";
		kv[k++] = demo_comments[cat][mood];
		/* one in ten gives only a rating, one in seven only a score */
		roll = (int)rnd_n(70);
		if (roll >= 7) {
			kv[k++] = "nps";
			kv[k++] = sc;
		}
		if (roll < 7 || roll >= 17) {
			kv[k++] = "rating";
			kv[k++] = rt;
		}
		kv[k] = NULL;
		if (demo_record_as(d, &reps[a->rep], "feedback", &p, kv, err))
			goto fail;
	}
	if (store_commit(d->st, err))
		goto out;
	r = 0;
	goto out;
fail:
	store_rollback(d->st);
out:
	free(acc);
	free(first);
	free(count);
	return r;
}

/* Sales lines from `from` to `to` into project code; returns rows imported. */
static int sales(struct demo *d, const char *code, int32_t from, int32_t to, double per_day,
		 int product_lo, int product_hi, int64_t *rows, struct err *err)
{
	struct buf csv = BUF_INIT;
	struct sale_import_opts o = { 0 };
	struct sale_import_result res;
	double cw[6], pw[NPRODUCTS];
	int r;

	for (int i = 0; i < 6; i++)
		cw[i] = channels[i].weight;
	for (int i = 0; i < NPRODUCTS; i++)
		pw[i] = i >= product_lo && i < product_hi ? d->pop[i] : 0;
	buf_adds(&csv, "date,customer,product,channel,rep,quantity,unit_price,discount,promotion,"
		       "segment\n");
	int fy = !strcmp(code, "FY");

	for (int32_t day = from; day <= to; day++) {
		int y, m, dd;
		double trend, n;
		int lines;
		date_to_ymd(day, &y, &m, &dd);
		/* +25% a year, seasonality by month, quieter weekends */
		trend = 1.0 + 0.25 * (double)(day - date_from_ymd(d->year - 1, 1, 1)) / 365.0;
		n = per_day * trend * month_weight[m - 1] * (date_weekday(day) >= 5 ? 0.45 : 1.12);
		lines = (int)(n * (0.8 + 0.4 * rnd_f()));
		for (int k = 0; k < lines; k++) {
			int ci, p = pick(pw, NPRODUCTS), ch = pick(cw, 6), rep;
			int64_t qty = 1 + (int64_t)rnd_n(rnd_n(4) ? 5 : 30), price, disc = 0;
			const char *promo = "";
			char dt[DATE_FMT_MAX], pm[MONEY_FMT_MAX], dm[MONEY_FMT_MAX];
			/* a few large accounts buy often, the long tail rarely */
			do {
				double x = rnd_f();
				ci = (int)((double)NCUSTOMERS * x * x * x);
			} while (d->cust_from[ci] > day || d->cust_to[ci] < day);
			/* each rep has a territory of customers, with some overlap */
			rep = (ci + (rnd_n(5) == 0 ? (int)rnd_n(NREPS) : 0)) % NREPS;
			price = d->price[p] * (95 + (int64_t)rnd_n(8)) / 100;
			/* FY's adjustments, drawing nothing more (every other sale stays as it was):
			 * the cut product sells 15% cheaper and half as much again; telesales' calls
			 * go to direct once it stopped */
			if (fy && p == d->cut_p && day >= d->cut_day) {
				price = price * 85 / 100;
				qty = qty * 3 / 2 + 1;
			}
			if (fy && ch == 5 && day >= d->off_day)
				ch = 0;
			if (m == 6 && dd <= 20 && ch == 2) {
				promo = "P618";
				disc = price * qty * 15 / 100;
			} else if (m == 11 && dd <= 12 && (ch == 2 || ch == 4)) {
				promo = "P1111";
				disc = price * qty * 20 / 100;
			} else if (price * qty >= 10000000 && rnd_n(3) == 0) {
				promo = "BULK";
				disc = 500000;
			}
			if (y != d->year) /* promotions run in the current year only */
				promo = "", disc = 0;
			buf_addf(&csv, "%s,%s,%s,%s,%s,%lld,%s,%s,%s,%s\n", date_format(day, dt),
				 d->customer[ci], d->sku[p], channels[ch].code,
				 users[FIRST_REP + rep].login, (long long)qty, money_format(price, pm),
				 money_format(disc, dm), promo, segments[d->cust_segment[ci]].code);
		}
	}
	r = sale_import(d->st, &d->c->actor, code, csv.p, csv.len, &o, &res, err);
	if (r && res.nerrors)
		fprintf(stderr, "demo data: %s\n", res.errors[0].message);
	*rows += res.imported;
	sale_import_result_release(&res);
	buf_release(&csv);
	return r;
}

static int project(struct demo *d, const char *code, const char *name, int32_t start,
		   int32_t end, const char *objective, int64_t budget, struct err *err)
{
	struct project in = { 0 }, out;
	struct member mb;
	snprintf(in.code, sizeof(in.code), "%s", code);
	snprintf(in.name, sizeof(in.name), "%s", name);
	snprintf(in.objective, sizeof(in.objective), "%s", objective);
	snprintf(in.status, sizeof(in.status), "active");
	in.start_on = start;
	in.end_on = end;
	in.budget_minor = budget;
	in.owner_id = NO_ID;
	if (project_create(d->st, &d->c->actor, &in, &out, err))
		return -1;
	if (member_add(d->st, &d->c->actor, code, "li.na", PROLE_MANAGER, &mb, err) ||
	    member_add(d->st, &d->c->actor, code, "zhang.wei", PROLE_MANAGER, &mb, err) ||
	    member_add(d->st, &d->c->actor, code, "gao.cfo", PROLE_VIEWER, &mb, err) ||
	    member_add(d->st, &d->c->actor, code, "luo.ceo", PROLE_VIEWER, &mb, err))
		return -1;
	for (int i = 0; i < NREPS; i++)
		if (member_add(d->st, &d->c->actor, code, users[FIRST_REP + i].login, PROLE_MEMBER,
			       &mb, err))
			return -1;
	return 0;
}

/* Scope keys of demo goals (goal_scope_key order); NO_SCOPE = the whole project. */
enum { NO_SCOPE = -1, BY_SEGMENT = 0, BY_CHANNEL = 1 };

/* The project's value of metric over [from, to] (to build targets around the data). */
static int64_t value_of(struct demo *d, const char *code, enum metric m, int32_t from,
			int32_t to, int scope_key, const char *scope_code)
{
	struct project p;
	struct goal g;
	struct goal_input in;
	struct metric_query q = { .metric = m, .from = from, .to = to };
	struct err e;
	int64_t v = 0;

	if (project_load(d->st, code, &p, &e))
		return 0;
	goal_init(&g, p.id);
	if (scope_key != NO_SCOPE) {
		goal_input_init(&in);
		in.set = GOAL_IN_SCOPE;
		snprintf(goal_scope_code(&in.scope, scope_key), sizeof(in.scope.segment), "%s",
			 scope_code);
		goal_resolve(d->st, &in, &g, 0, &e);
	}
	q.project_id = p.id;
	q.scope = &g.scope;
	q.cohort_from = from - (to - from + 1);
	q.cohort_to = from - 1;
	q.cohort_project_id = NO_ID;
	if (metric_value(d->st, &q, &v, &e) || v == NO_VALUE)
		return 0;
	return v;
}

/* The project's sale lines over [from, to]. */
static int64_t lines_of(struct demo *d, const char *code, int32_t from, int32_t to)
{
	struct project p;
	struct sale_sums sums;
	struct err e;

	if (project_load(d->st, code, &p, &e) || metric_sums(d->st, p.id, NULL, from, to, &sums, &e))
		return 0;
	return sums.lines;
}

struct demo_goal {
	const char *name;
	enum metric metric;
	int32_t start, due;
	int scope_key;
	const char *scope_code;
	const char *owner, *rationale, *objective, *checkin_rule;
	int64_t target; /* in the metric's unit */
};

static int add_goal(struct demo *d, const char *code, struct demo_goal *g, struct err *err)
{
	struct goal_input in;
	struct goal out;

	goal_input_init(&in);
	in.set = GOAL_IN_NAME | GOAL_IN_METRIC | GOAL_IN_TARGET | GOAL_IN_START | GOAL_IN_DUE |
		 GOAL_IN_SCOPE | GOAL_IN_OWNER | GOAL_IN_RATIONALE | GOAL_IN_OBJECTIVE |
		 GOAL_IN_CHECKIN_RULE;
	in.name = g->name;
	in.metric = g->metric;
	in.target = g->target;
	in.start_on = g->start;
	in.due_on = g->due;
	if (g->scope_key != NO_SCOPE)
		snprintf(goal_scope_code(&in.scope, g->scope_key), sizeof(in.scope.segment), "%s",
			 g->scope_code);
	snprintf(in.owner, sizeof(in.owner), "%s", g->owner);
	in.rationale = g->rationale;
	in.objective = g->objective;
	in.checkin_rule = g->checkin_rule;
	return goal_create(d->st, &d->c->actor, code, &in, &out, err);
}

/* A target that puts the pace (actual so far / target x elapsed) at `pace`. */
static int64_t target_for_pace(enum unit u, int64_t actual, double elapsed, double pace)
{
	int64_t t = (int64_t)((double)actual / (elapsed * pace));
	if (u == UNIT_MONEY)
		return t / 100000 * 100000;
	return t < 1 ? 1 : t;
}

static double elapsed(int32_t start, int32_t due, int32_t today)
{
	double e = (double)(today - start + 1) / (double)(due - start + 1);
	return e < 0.01 ? 0.01 : e > 1 ? 1 : e;
}

static int goals(struct demo *d, struct err *err)
{
	int Y = d->year;
	int32_t ys = date_from_ymd(Y, 1, 1), ye = date_from_ymd(Y, 12, 31), t = d->today;
	int32_t qs = date_from_ymd(Y, 10, 1);
	double e_year = elapsed(ys, ye, t), e_q4 = elapsed(qs, ye, t);
	int64_t rev = value_of(d, "FY", METRIC_REVENUE, ys, t, NO_SCOPE, NULL);
	int64_t tm_units = value_of(d, "FY", METRIC_UNITS, ys, t, BY_CHANNEL, "tmall");
	int64_t newc = value_of(d, "FY", METRIC_NEW_CUSTOMERS, qs, t, NO_SCOPE, NULL);
	int64_t partner_prev = value_of(d, "FY", METRIC_REVENUE, qs - 92, qs - 1, BY_CHANNEL,
					"partner");
	int64_t margin = value_of(d, "FY", METRIC_GROSS_MARGIN, ys, t, NO_SCOPE, NULL);
	/* the average deal's target: the average sale line so far (deals come last, below) */
	int64_t avg = 0;
	if (lines_of(d, "FY", ys, t) > 0 &&
	    div_round(value_of(d, "FY", METRIC_REVENUE, ys, t, NO_SCOPE, NULL),
		      lines_of(d, "FY", ys, t), &avg))
		avg = 0;
	int64_t ent = value_of(d, "FY", METRIC_REVENUE, ys, t, BY_SEGMENT, "enterprise");
	struct demo_goal g[] = {
		{ "全年营收", METRIC_REVENUE, ys, ye, NO_SCOPE, NULL, "li.na",
		  "董事会批准的年度预算, 以华东与华南为增长主力",
		  "2026 年营收增长 25%, 巩固华东市场第一", NULL, 0 },
		{ "大客户营收", METRIC_REVENUE, ys, ye, BY_SEGMENT, "enterprise", "zhang.wei",
		  "大型企业客单价高、续约稳定, 是利润的基本盘", NULL, NULL, 0 },
		{ "天猫旗舰店销量", METRIC_UNITS, ys, ye, BY_CHANNEL, "tmall", "zhou.xin",
		  "线上渠道是中小企业获客的第一入口", NULL, NULL, 0 },
		{ "毛利率", METRIC_GROSS_MARGIN, ys, ye, NO_SCOPE, NULL, "li.na",
		  "原材料涨价, 需守住毛利底线", NULL, NULL, 0 },
		{ "平均订单金额", METRIC_AVG_DEAL_SIZE, ys, ye, NO_SCOPE, NULL, "zhang.wei",
		  "推动方案式销售, 提升单笔订单价值", NULL, NULL, 0 },
		{ "四季度新客户", METRIC_NEW_CUSTOMERS, qs, ye, NO_SCOPE, NULL, "wang.fang",
		  "双十一与年末采购季是获取新客户的窗口", NULL, NULL, 0 },
		{ "四季度客户留存", METRIC_RETENTION_RATE, qs, ye, NO_SCOPE, NULL, "chen.jing",
		  "老客户复购成本最低", NULL, NULL, 9000 /* 90% */ },
		{ "赢单数", METRIC_DEALS_WON, ys, ye, NO_SCOPE, NULL, "li.na", "商机管理上线后跟踪赢单",
		  NULL, NULL, 120 },
		{ "签约渠道伙伴", METRIC_CUSTOM, ys, ye, NO_SCOPE, NULL, "zhang.wei",
		  "渠道伙伴覆盖三四线城市", NULL, "渠道经理每月最后一个工作日在系统中登记已签约伙伴总数",
		  24 },
		{ "伙伴渠道四季度翻三倍", METRIC_REVENUE, qs, ye, BY_CHANNEL, "partner", "huang.tao", "",
		  NULL, NULL, 0 },
		{ "明年一季度预热", METRIC_REVENUE, ys, date_from_ymd(Y + 1, 3, 31), NO_SCOPE, NULL, "li.na",
		  "提前锁定明年一季度订单", NULL, NULL, 0 },
	};

	g[0].target = target_for_pace(UNIT_MONEY, rev, e_year, 0.96);
	g[1].target = target_for_pace(UNIT_MONEY, ent, e_year, 0.80);
	g[2].target = target_for_pace(UNIT_COUNT, tm_units, e_year, 0.55);
	g[3].target = margin + 200; /* two points above what the year has delivered */
	g[4].target = avg * 97 / 100 / 100 * 100;
	g[5].target = target_for_pace(UNIT_COUNT, newc, e_q4, 0.92);
	g[9].target = partner_prev * 3 / 100000 * 100000;
	g[10].target = target_for_pace(UNIT_MONEY, rev, e_year, 0.75);
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		if (add_goal(d, "FY", &g[i], err))
			return -1;
	/* check-ins of the custom goal: partners signed so far */
	{
		struct goal_list l = { 0 };
		int64_t id = 0;
		if (goal_list(d->st, &d->c->actor, "FY", &l, err))
			return -1;
		for (size_t i = 0; i < l.n; i++)
			if (l.items[i].metric == METRIC_CUSTOM)
				id = l.items[i].id;
		goal_list_release(&l);
		for (int mo = 1; mo <= 12; mo++) {
			int32_t day = date_from_ymd(Y, mo, date_days_in_month(Y, mo));
			struct goal_checkin ck;
			if (day > t)
				break;
			if (goal_checkin(d->st, &d->c->actor, "FY", id, day, mo * 2 - (mo > 6 ? 1 : 0),
					 "月度登记", &ck, err))
				return -1;
		}
	}
	return 0;
}

static int launch_goals(struct demo *d, int32_t start, int32_t end, struct err *err)
{
	int64_t rev = value_of(d, "LAUNCH", METRIC_REVENUE, start, d->today, NO_SCOPE, NULL);
	double e = elapsed(start, end, d->today);
	struct demo_goal g[] = {
		{ "新品营收", METRIC_REVENUE, start, end, NO_SCOPE, NULL, "li.na", "边缘计算新品的首发目标",
		  "成为边缘计算细分市场前三", NULL, 0 },
		{ "新品首购客户", METRIC_NEW_CUSTOMERS, start, end, NO_SCOPE, NULL, "yang.lei",
		  "新品需要灯塔客户", NULL, NULL, 60 },
	};
	g[0].target = target_for_pace(UNIT_MONEY, rev, e, 1.15);
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		if (add_goal(d, "LAUNCH", &g[i], err))
			return -1;
	return 0;
}

/*
 * Recruitment: the East China account manager position hires for FY, and so
 * does the e-commerce one; the edge-computing presales one for LAUNCH. Ten
 * candidates across every stage, with their interviews (one still to be
 * rated); one hired through the stage move, which made their user and FY
 * membership (and an admin then set their password, as the guide says).
 */
static int recruitment(struct demo *d, struct err *err)
{
	static const struct {
		const char *position, *name, *email, *source, *stage, *notes;
		int applied; /* days before today */
	} cands[] = {
		{ "4", "陈晓", "chen.xiao@example.com", "referral", "hired",
		  "张伟推荐；8 年网络设备大客户销售，熟悉苏州工业园区客户", 40 },
		{ "4", "孙丽", "sun.li@example.com", "job_board", "offer",
		  "期望年薪 45 万；一个月内可到岗", 30 },
		{ "4", "周敏", "zhou.min@example.com", "agency", "interview",
		  "猎头推荐；原竞品公司华东区销售经理", 21 },
		{ "4", "吴宇", "wu.yu@example.com", "campus", "screening", "通信工程硕士应届", 9 },
		{ "4", "郑凯", "zheng.kai@example.com", "job_board", "applied", "", 2 },
		{ "4", "冯雪", "feng.xue@example.com", "other", "rejected",
		  "行业经验与岗位要求差距较大", 35 },
		{ "3", "何静", "he.jing@example.com", "campus", "interview",
		  "实习期间负责天猫旗舰店大促运营", 16 },
		{ "3", "许诺", "xu.nuo@example.com", "referral", "applied", "", 1 },
		{ "3", "韩梅", "han.mei@example.com", "job_board", "screening", "", 6 },
		{ "2", "邓超", "deng.chao@example.com", "agency", "applied",
		  "职位暂停中，先保留简历", 12 },
	};
	static const struct {
		int cand;
		const char *interviewer, *rating, *notes;
		int days; /* from today */
	} interviews[] = {
		{ 0, "li.na", "5", "对大客户决策链理解深入，谈判案例扎实", -25 },
		{ 0, "zhang.wei", "4", "沟通清晰；对新品线了解一般", -22 },
		{ 1, "li.na", "4", "客户资源与华东市场匹配", -14 },
		{ 1, "admin", "4", "薪资期望在预算内", -10 },
		{ 2, "zhang.wei", "3", "销售经验足，但稳定性待确认", -5 },
		{ 2, "li.na", NULL, "第二轮面试已约，待评分", 2 },
		{ 5, "li.na", "2", "缺少 ToB 项目经验", -28 },
		{ 6, "zhang.wei", "4", "数据分析能力强", -6 },
		{ 6, "li.na", "3", "对京东平台规则不够熟悉", -4 },
	};
	static const char *const path[] = { "screening", "interview", "offer", "hired", NULL };
	const char *const fy[] = { "project", "FY", NULL }, *const launch[] = { "project", "LAUNCH", NULL };
	int64_t ids[sizeof(cands) / sizeof(cands[0])];
	struct stage_result res = { 0 };
	int r = -1;

	/* the positions above, by id: 4 and 3 hire for FY, 2 for LAUNCH */
	if (demo_record_in(d, "position", NULL, "4", fy, NULL, err) ||
	    demo_record_in(d, "position", NULL, "3", fy, NULL, err) ||
	    demo_record_in(d, "position", NULL, "2", launch, NULL, err))
		return -1;
	res.candidate = xcalloc(1, candidate_entity.size);
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		char day[DATE_FMT_MAX], key[24];
		const char *const kv[] = { "position", cands[i].position, "name", cands[i].name,
					   "email", cands[i].email, "source", cands[i].source,
					   "applied", day, "notes", cands[i].notes, NULL };
		int64_t version = 1;
		date_format(d->today - cands[i].applied, day);
		if (demo_record_in(d, "candidate", NULL, NULL, kv, &ids[i], err))
			goto out;
		snprintf(key, sizeof(key), "%lld", (long long)ids[i]);
		/* forward to its stage; a rejected one from interview */
		for (int k = 0; path[k] && strcmp(cands[i].stage, "applied"); k++) {
			const char *to = !strcmp(cands[i].stage, "rejected") && k == 2 ? "rejected"
												: path[k];
			struct stage_move m = { .stage = to, .version = version };
			if (!strcmp(to, "hired"))
				m.login = "chen.xiao";
			if (candidate_move(d->st, &d->c->actor, key, &m, &res, err))
				goto out;
			version++;
			if (!strcmp(to, cands[i].stage))
				break;
		}
	}
	if (user_set_password(d->st, &d->c->actor, "chen.xiao", DEMO_PASSWORD, err))
		goto out;
	for (size_t i = 0; i < sizeof(interviews) / sizeof(interviews[0]); i++) {
		char day[DATE_FMT_MAX], cid[24];
		const char *const kv[] = { "candidate", cid, "interviewer", interviews[i].interviewer,
					   "date", day, "notes", interviews[i].notes,
					   interviews[i].rating ? "rating" : NULL, interviews[i].rating,
					   NULL };
		date_format(d->today + interviews[i].days, day);
		snprintf(cid, sizeof(cid), "%lld", (long long)ids[interviews[i].cand]);
		if (demo_record(d, "interview", kv, err))
			goto out;
	}
	r = 0;
out:
	free(res.candidate);
	return r;
}

/* --- problems and collections ------------------------------------------------------------- */

/*
 * The demo's clock for what a write stamps with the moment (a problem's
 * opening): the documented SALESPM_NOW override, at (0: the real clock again).
 */
static void demo_clock(int64_t at)
{
	char t[TS_FMT_MAX];

	if (at)
		setenv("SALESPM_NOW", ts_format(at, t), 1);
	else
		unsetenv("SALESPM_NOW");
}

/* FY's biggest customers, each with the rep who sold them most (the problem's owner). */
static const char SQL_DEMO_PROBLEM_CUSTOMERS[] =
	"SELECT s.customer_id, u.login FROM sales s JOIN users u ON u.id = s.rep_id "
	"WHERE s.project_id = ?1 GROUP BY s.customer_id, u.login "
	"ORDER BY SUM(s.amount_minor) DESC, s.customer_id LIMIT 16";

enum { PF_OPEN, PF_STARTED, PF_RESOLVED, PF_CLOSED };

/*
 * A problem of every type and severity in FY, opened hours ago, and where
 * each stands: some overdue (critical and high ones past their hours, an old
 * medium one still open), some resolved within their SLA and some after it
 * (FY answers a high problem in 12 hours instead of the standard 24).
 */
static const struct {
	const char *type, *severity, *title, *description;
	int hours_ago, fate, resolved_after;
	const char *resolution;
} demo_problems[] = {
	{ "product", "critical", "X3 路由器批量掉线", "客户总部 40 台 X3 路由器凌晨起反复掉线，影响全国门店收银",
	  30, PF_STARTED, 0, NULL },
	{ "delivery", "high", "交换机到货延误两周", "原定 3 日到货的 S 系列交换机仍在途，客户机房改造停工",
	  60, PF_OPEN, 0, NULL },
	{ "service", "medium", "售后工程师未按约上门", "约定周二上门巡检，工程师未到也未通知客户", 200, PF_OPEN,
	  0, NULL },
	{ "pricing", "low", "合同价与报价单不一致", "合同第 3 项单价比报价单高 200 元", 400, PF_RESOLVED, 150,
	  "核对后按报价单出具补充协议" },
	{ "other", "low", "发票抬头开错", "发票抬头少了“有限公司”四字", 20, PF_OPEN, 0, NULL },
	{ "product", "high", "防火墙策略下发失败", "G 系列防火墙批量下发策略时报错，需回滚", 100, PF_CLOSED, 8,
	  "升级管理平台至 5.2.1 后下发成功" },
	{ "service", "critical", "视频会议终端无法入会", "年度经销商大会前一天 V 系列终端无法入会", 50,
	  PF_RESOLVED, 9, "远程重置证书，现场工程师逐台验证" },
	{ "delivery", "medium", "安装调试排期冲突", "三个分支机构的安装排在同一天，人手不足", 300, PF_RESOLVED,
	  100, "调派合作伙伴工程师分两批完成" },
	{ "pricing", "high", "渠道价格倒挂投诉", "分销商反映天猫旗舰店价格低于其进货价", 10, PF_STARTED, 0,
	  NULL },
	{ "product", "medium", "云存储一体机扩容失败", "C 系列扩容第二块磁盘柜后无法识别", 120, PF_CLOSED, 40,
	  "更换背板并升级固件" },
	{ "service", "low", "培训资料缺失", "客户 IT 部门索要的运维手册未随货提供", 2, PF_OPEN, 0, NULL },
	{ "other", "medium", "客户要求更换对接人", "客户对现任客户经理响应速度不满", 500, PF_CLOSED, 20,
	  "由区域经理亲自对接，每周例会" },
	{ "delivery", "critical", "核心机房设备错发型号", "发来的是 S200 而非合同约定的 S500", 6, PF_STARTED, 0,
	  NULL },
	{ "pricing", "medium", "促销折扣未生效", "“618”促销折扣在订单中未体现", 80, PF_OPEN, 0, NULL },
	{ "product", "low", "固件升级提示语错误", "W 系列升级界面提示语中英文混杂", 600, PF_RESOLVED, 200,
	  "随下一版固件修正" },
	{ "service", "high", "热线响应超时", "客户拨打 400 热线等待超过 20 分钟", 5, PF_OPEN, 0, NULL },
	/* the monitoring panel's oldest open problem, and one whose SLA is nearly spent */
	{ "other", "low", "渠道门户访问缓慢", "经销商反映订货门户晚高峰打开需半分钟以上", 900, PF_STARTED, 0,
	  NULL },
	{ "product", "medium", "交换机风扇噪音偏大", "新到货的 S 系列交换机风扇噪音明显高于旧款", 58, PF_OPEN, 0,
	  NULL },
};

/* Move problem id of FY as owner would, at the moment at. */
static int demo_move(struct demo *d, const char *owner, const char *id, const char *to,
		     const char *resolution, int64_t at, int64_t *version, struct err *err)
{
	struct problem_move m = { 0 };
	struct actor a;
	void *rec = xcalloc(1, problem_entity.size);
	int r;

	m.status = to;
	m.version = *version;
	m.resolution = resolution;
	m.at = at;
	r = actor_load(d->st, owner, &a, err) || problem_move(d->st, &a, "FY", id, &m, rec, err);
	free(rec);
	if (!r)
		(*version)++;
	return r ? -1 : 0;
}

static int problems_demo(struct demo *d, struct err *err)
{
	struct project fy;
	struct ent_project p;
	struct problem_sla sla;
	struct stmt *s;
	int64_t hours[PROBLEM_SEVERITIES] = { 0, 0, 12, 0 }, now = ts_now();
	int given[PROBLEM_SEVERITIES] = { 0, 0, 1, 0 };
	int64_t cust[16];
	char owner[16][64];
	int n = 0, rc;

	if (project_load(d->st, "FY", &fy, err) ||
	    problem_sla_set(d->st, &d->c->actor, "FY", hours, given, &sla, err) ||
	    !(s = store_prepare(d->st, SQL_DEMO_PROBLEM_CUSTOMERS, err)))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	store_bind_int(d->st, s, 1, fy.id);
	while ((rc = store_step(d->st, s, err)) == STORE_ROW && n < 16) {
		cust[n] = store_col_int(d->st, s, 0);
		snprintf(owner[n++], sizeof(owner[0]), "%s", store_col_text(d->st, s, 1));
	}
	store_done(d->st, s);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < sizeof(demo_problems) / sizeof(demo_problems[0]) && n; i++) {
		int64_t opened = now - (int64_t)demo_problems[i].hours_ago * 3600, id = 0, version = 1;
		int k = (int)(i % (size_t)n), fate = demo_problems[i].fate;
		char cid[24], key[24];
		const char *const kv[] = { "type", demo_problems[i].type, "severity",
					   demo_problems[i].severity, "title", demo_problems[i].title,
					   "description", demo_problems[i].description, "owner", owner[k],
					   "customer", cid, NULL };
		snprintf(cid, sizeof(cid), "%lld", (long long)cust[k]);
		demo_clock(opened);
		rc = demo_record_in(d, "problem", &p, NULL, kv, &id, err);
		demo_clock(0);
		if (rc)
			return -1;
		snprintf(key, sizeof(key), "%lld", (long long)id);
		if (fate >= PF_STARTED &&
		    demo_move(d, owner[k], key, "in_progress", NULL, opened + 1800, &version, err))
			return -1;
		if (fate >= PF_RESOLVED &&
		    demo_move(d, owner[k], key, "resolved", demo_problems[i].resolution,
			      opened + (int64_t)demo_problems[i].resolved_after * 3600, &version, err))
			return -1;
		if (fate == PF_CLOSED &&
		    demo_move(d, owner[k], key, "closed", NULL,
			      opened + (int64_t)(demo_problems[i].resolved_after + 24) * 3600, &version,
			      err))
			return -1;
	}
	return 0;
}

/* Every won deal there is, by id, with its project. */
static const char SQL_DEMO_WON_DEALS[] =
	"SELECT d.id, p.code, d.amount_minor, d.won_on FROM deals d JOIN projects p ON p.id = d.project_id "
	"WHERE " DEAL_IS_WON("d") " ORDER BY d.id";

/* A won deal of the demo, as its collections are planned. */
struct demo_deal {
	int64_t id, amount;
	int32_t won_on;
	char code[64];
};

/*
 * One won deal's collections: paid at once, in two or in three instalments
 * (by the deal's place in the list); of those due by today most are received
 * a few days before their due date, some half received a few days late and
 * some not at all (overdue) - among them those of the last three weeks, so the
 * monitoring panel's ageing shows fresh arrears beside old ones.
 */
static int demo_collect(struct demo *d, const struct demo_deal *dl, int k, struct err *err)
{
	static const int64_t one[] = { 10000 }, two[] = { 3000, 7000 }, three[] = { 3000, 4000, 3000 };
	static const int64_t *const parts[] = { one, two, three };
	static const int nparts[] = { 1, 2, 3 }, first[] = { 30, 15, 10 }, every[] = { 30, 60, 45 };
	int shape = k % 3, n = nparts[shape];
	int64_t ids[3], given = 0;

	if (dl->amount < 100)
		return 0; /* too little to plan in parts */
	if (collection_split(d->st, &d->c->actor, dl->code, dl->id, parts[shape], n,
			     dl->won_on + first[shape], every[shape], ids, err))
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t amount = i + 1 < n ? dl->amount * parts[shape][i] / 10000 : dl->amount - given;
		int32_t due = dl->won_on + first[shape] + i * every[shape];
		int pattern = (k + i) % 5;
		struct receipt_input in = { 0 };
		char key[24];
		void *rec;
		int r;
		given += amount;
		if (due > d->today || pattern == 4 || d->today - due <= 21)
			continue; /* not due yet, or overdue: nothing received */
		in.amount_minor = pattern == 3 ? amount / 2 : amount;
		in.received_on = pattern == 3 ? due + 5 : due - 3;
		if (in.received_on > d->today)
			in.received_on = d->today;
		if (in.received_on < dl->won_on)
			in.received_on = dl->won_on;
		if (in.amount_minor <= 0)
			continue;
		snprintf(key, sizeof(key), "%lld", (long long)ids[i]);
		rec = xcalloc(1, collection_entity.size);
		r = collection_receive(d->st, &d->c->actor, dl->code, key, &in, rec, err);
		free(rec);
		if (r)
			return -1;
	}
	return 0;
}

static int collections_demo(struct demo *d, struct err *err)
{
	struct demo_deal *deals = NULL;
	size_t n = 0, alloc = 0;
	struct stmt *s = store_prepare(d->st, SQL_DEMO_WON_DEALS, err);
	int rc, r = -1;

	if (!s)
		return -1;
	/* read them all first: each plan is a write of its own */
	while ((rc = store_step(d->st, s, err)) == STORE_ROW) {
		if (n == alloc) {
			alloc = alloc * 2 + 16;
			deals = xrealloc(deals, alloc * sizeof(*deals));
		}
		deals[n].id = store_col_int(d->st, s, 0);
		snprintf(deals[n].code, sizeof(deals[n].code), "%s", store_col_text(d->st, s, 1));
		deals[n].amount = store_col_int(d->st, s, 2);
		deals[n].won_on = (int32_t)store_col_int(d->st, s, 3);
		n++;
	}
	store_done(d->st, s);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (demo_collect(d, &deals[i], (int)i, err))
			goto out;
	r = 0;
out:
	free(deals);
	return r;
}

/* --- the pipeline ---------------------------------------------------------------- */

#define NDEALS 180

static const char *const deal_stages[] = { "lead", "qualified", "proposal", "negotiation", "won" };
static const char *const lost_reasons[] = { "价格高于竞品", "预算被削减", "客户选择了竞品", "需求推迟到明年",
					    "决策人变更", "交付周期太长", "联系不上客户", "功能不满足需求" };
static const char *const deal_kinds[] = { "年度框架采购", "扩容项目", "新品试点", "替换升级", "分公司推广" };

/* The FY sales of one day (at most 200), for the deals a day's sales were. */
static int sales_on(struct demo *d, int32_t day, struct sale_list *l, struct err *err)
{
	struct sale_filter f = { .from = day, .to = day, .sort = SALE_SORT_ID, .limit = 200 };

	memset(l, 0, sizeof(*l));
	return sale_list(d->st, &d->c->actor, "FY", &f, l, err);
}

static int used_sale(const int64_t *used, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (used[i] == id)
			return 1;
	return 0;
}

/*
 * A year of FY deals: most leads are lost before a proposal, about one in six
 * is won, each stage takes days to weeks, recent ones are still open (those
 * without a change for a month stale). A won deal is the sales already
 * recorded that day (one to three lines of one customer, rep and channel), so
 * the sales and their figures stay as they were.
 */
static int deals(struct demo *d, struct err *err)
{
	static const double advance[] = { 0.45, 0.62, 0.72, 0.68 };
	int32_t ys = date_from_ymd(d->year, 1, 1), t = d->today;
	int64_t *used = xcalloc(NDEALS * 3 + 1, sizeof(*used));
	size_t nused = 0;
	int r = -1;

	for (int i = 0; i < NDEALS; i++) {
		const char *path[6];
		int32_t days[6], day;
		int n = 1, won = 0, lost = 0;
		struct sale_list l;
		struct deal_past p = { 0 };
		int64_t picked[3], id;
		char title[256];
		size_t k;

		/* two in five started in the last two months: the open pipeline */
		if (rnd_n(5) < 2 && t - 60 > ys)
			day = t - (int32_t)rnd_n(60);
		else
			day = ys + (int32_t)rnd_n((uint32_t)(t - ys > 4 ? t - ys - 3 : 1));
		path[0] = deal_stages[0];
		days[0] = day;
		for (int s = 0; s < 4; s++) {
			int32_t step = 4 + (int32_t)rnd_n(s == 3 ? 21 : 16);
			if (day + step > t)
				break;
			day += step;
			if (rnd_f() < advance[s]) {
				path[n] = deal_stages[s + 1];
				days[n++] = day;
				won = s == 3;
			} else {
				path[n] = "lost";
				days[n++] = day;
				lost = 1;
				break;
			}
		}
		/* the customer, rep and channel of a sale: the win's own, else one of the first day */
		if (sales_on(d, won ? day : days[0], &l, err))
			goto out;
		if (!l.n) {
			sale_list_release(&l);
			continue;
		}
		k = rnd_n((uint32_t)l.n);
		while (won && used_sale(used, nused, l.items[k].id) && ++k < l.n)
			;
		if (k >= l.n) {
			sale_list_release(&l);
			continue;
		}
		p.nsales = 0;
		if (won) {
			for (size_t j = k; j < l.n && p.nsales < 3; j++) {
				const struct sale *s = &l.items[j];
				if (j == k || (!strcmp(s->customer, l.items[k].customer) &&
					       !strcmp(s->rep, l.items[k].rep) &&
					       !strcmp(s->channel, l.items[k].channel) &&
					       !used_sale(used, nused, s->id))) {
					picked[p.nsales++] = s->id;
					used[nused++] = s->id;
				}
			}
			p.sales = picked;
		}
		snprintf(title, sizeof(title), "%s %s", l.items[k].customer,
			 deal_kinds[rnd_n(sizeof(deal_kinds) / sizeof(deal_kinds[0]))]);
		p.title = title;
		p.customer = l.items[k].customer;
		p.owner = l.items[k].rep;
		p.channel = l.items[k].channel;
		p.segment = l.items[k].segment[0] ? l.items[k].segment : NULL;
		p.amount_minor = l.items[k].amount_minor * (2 + (int64_t)rnd_n(9));
		p.expected_close_on = days[0] + 30 + (int32_t)rnd_n(75);
		p.lost_reason = lost ? lost_reasons[rnd_n(sizeof(lost_reasons) / sizeof(lost_reasons[0]))]
				     : NULL;
		p.path = path;
		p.days = days;
		p.npath = n;
		r = deal_record_past(d->st, &d->c->actor, "FY", &p, &id, err);
		sale_list_release(&l);
		if (r)
			goto out;
		r = -1;
	}
	r = 0;
out:
	free(used);
	return r;
}

/* FY's risks: a dozen across the matrix, each owned by a manager or a rep */
static const struct {
	const char *category, *probability, *impact, *status, *owner;
	int review_in; /* days from today to its review (negative: past) */
	const char *description, *mitigation;
} demo_risks[] = {
	{ "competition", "4", "5", "mitigating", "li.na", 7, "主要竞品在华东大幅降价抢单",
	  "锁定重点客户年度框架协议, 准备差异化方案" },
	{ "supply", "3", "5", "open", "zhang.wei", -5, "X3 网关芯片供货紧张, 交期可能延长 6 周",
	  "提前备货两个月, 评估第二供应商" },
	{ "channel", "4", "4", "mitigating", "zhang.wei", 14, "核心经销商转投竞品",
	  "调整返利政策, 季度拜访前十经销商" },
	{ "pricing", "3", "4", "open", "li.na", -2, "大单折扣失控侵蚀毛利",
	  "折扣超过 15% 须经理审批" },
	{ "team", "2", "5", "open", "li.na", 30, "资深销售离职带走客户", "客户关系双人负责" },
	{ "market", "3", "3", "open", "wang.fang", 10, "教育行业预算缩减", "转向职业院校项目" },
	{ "finance", "2", "4", "mitigating", "zhang.wei", -10, "大客户回款周期拉长",
	  "按里程碑分期开票, 月度催收" },
	{ "channel", "2", "3", "open", "liu.yang", 21, "天猫旗舰店流量下滑", "加大直播投放" },
	{ "market", "5", "2", "open", "chen.jing", 3, "政府采购窗口推迟到下半年",
	  "提前完成入围资质" },
	{ "other", "1", "4", "open", "yang.lei", 60, "办公区搬迁影响演示环境", "" },
	{ "team", "1", "2", "closed", "li.na", -20, "新人培训跟不上", "已安排导师制" },
	{ "pricing", "5", "5", "occurred", "zhang.wei", -1, "原材料涨价导致报价上调",
	  "已发布新价格表, 老客户保留原价一个季度" },
};

static int risks_demo(struct demo *d, struct err *err)
{
	struct project fy;
	struct ent_project p;

	if (project_load(d->st, "FY", &fy, err))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	for (size_t i = 0; i < sizeof(demo_risks) / sizeof(demo_risks[0]); i++) {
		char review[DATE_FMT_MAX];
		const char *const kv[] = { "description", demo_risks[i].description, "category",
					   demo_risks[i].category, "probability",
					   demo_risks[i].probability, "impact", demo_risks[i].impact,
					   "status", demo_risks[i].status, "owner", demo_risks[i].owner,
					   "mitigation", demo_risks[i].mitigation, "review_on", review,
					   NULL };
		date_format(d->today + demo_risks[i].review_in, review);
		if (demo_record_in(d, "risk", &p, NULL, kv, NULL, err))
			return -1;
	}
	return 0;
}

/* FY's budget: a line of every category, and expenses against them over the year */
static const struct {
	const char *category, *name, *allocated;
} demo_budget_lines[] = {
	{ "marketing", "华东行业展会", "800000.00" },  { "marketing", "线上广告投放", "600000.00" },
	{ "promotion", "618 与双十一物料", "300000.00" }, { "channel", "经销商激励返利", "500000.00" },
	{ "travel", "客户拜访差旅", "250000.00" },      { "training", "销售技能培训", "120000.00" },
	{ "staff", "临时促销人员", "150000.00" },        { "other", "杂项支出", "50000.00" },
};

static const struct {
	int line;          /* index in demo_budget_lines */
	int days_ago;
	const char *amount, *note, *by;
} demo_expenses[] = {
	{ 0, 200, "320000.00", "春季展会展位及搭建", "li.na" },
	{ 0, 60, "285000.00", "秋季展会展位", "li.na" },
	{ 1, 150, "180000.00", "搜索引擎关键词", "zhang.wei" },
	{ 1, 40, "210000.00", "信息流广告", "zhang.wei" },
	{ 2, 170, "160000.00", "618 海报与展架", "zhang.wei" },
	{ 2, 20, "175000.00", "双十一礼品及包装", "zhang.wei" }, /* past its line */
	{ 3, 90, "220000.00", "上半年经销商返利", "zhang.wei" },
	{ 4, 120, "36000.00", "华南客户拜访", "wang.fang" },
	{ 4, 75, "28500.00", "华东客户拜访", "liu.yang" },
	{ 4, 12, "19800.00", "北京政府项目投标", "chen.jing" },
	{ 5, 100, "45000.00", "顾问式销售培训", "li.na" },
	{ 6, 170, "60000.00", "618 临时促销员", "zhang.wei" },
	{ 7, 30, "8600.00", "样机快递", "li.na" },
};

/*
 * The admin's webhooks: the CRM on the company network (an allowed host) told of won and lost
 * deals and imports, with a test queued (the demo server tries it, and logs why it could not
 * reach it), and two group robots switched off (their addresses are examples): a Feishu one
 * for FY's problems and tasks, signed, and a WeCom one for the launch's sales and deals.
 */
static int webhooks_demo(struct demo *d, struct err *err)
{
	static const char *const hosts[] = { "crm.huaxin.internal:8443" };
	static const char *const crm_events[] = { "deal.won", "deal.lost", "sale.imported" };
	static const char *const bot_events[] = { "problem.opened", "problem.resolved",
						  "task.status_changed" };
	struct webhook_input crm = { "https://crm.huaxin.internal:8443/hooks/salespm",
				     "CRM 同步：赢单、输单与销售导入", crm_events, 3, 1, 1, NO_ID };
	static const char *const wecom_events[] = { "sale.created", "deal.won", "deal.lost",
						    "deal.stage_changed" };
	struct webhook_input bot = { "https://open.feishu.example.com/open-apis/bot/v2/hook/demo",
				     "飞书群通知（暂停）", bot_events, 3, 1, 0, NO_ID,
				     "feishu", "FY", "zh-CN", "demoFsSignKey8Qz3" };
	struct webhook_input wecom = {
		"https://qyapi.weixin.example.com/cgi-bin/webhook/send?key=demo-launch",
		"新品上市群播报（暂停）", wecom_events, 4, 1, 0, NO_ID, "wecom", "LAUNCH", "zh-CN", NULL
	};
	struct webhook_hosts h;
	struct webhook out;
	char secret[WEBHOOK_SECRET_MAX];
	int64_t ping;
	int r;

	r = webhook_hosts_set(d->st, &d->c->actor, hosts, 1, NO_ID, &h, err) ||
	    webhook_create(d->st, &d->c->actor, &crm, &out, secret, err) ||
	    webhook_ping(d->st, &d->c->actor, out.id, &ping, err) ||
	    webhook_create(d->st, &d->c->actor, &bot, &out, secret, err) ||
	    webhook_create(d->st, &d->c->actor, &wecom, &out, secret, err);
	memset(secret, 0, sizeof(secret));
	return r ? -1 : 0;
}

static int budget_demo(struct demo *d, struct err *err)
{
	struct project fy;
	struct ent_project p;
	int64_t ids[sizeof(demo_budget_lines) / sizeof(demo_budget_lines[0])];

	if (project_load(d->st, "FY", &fy, err))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	for (size_t i = 0; i < sizeof(demo_budget_lines) / sizeof(demo_budget_lines[0]); i++) {
		const char *const kv[] = { "category", demo_budget_lines[i].category, "name",
					   demo_budget_lines[i].name, "allocated",
					   demo_budget_lines[i].allocated, NULL };
		if (demo_record_in(d, "budget", &p, NULL, kv, &ids[i], err))
			return -1;
	}
	for (size_t i = 0; i < sizeof(demo_expenses) / sizeof(demo_expenses[0]); i++) {
		struct actor as;
		char line[24], day[DATE_FMT_MAX];
		const char *const kv[] = { "line", line, "amount", demo_expenses[i].amount, "date", day,
					   "note", demo_expenses[i].note, NULL };
		int32_t on = d->today - demo_expenses[i].days_ago;
		snprintf(line, sizeof(line), "%lld", (long long)ids[demo_expenses[i].line]);
		date_format(on < fy.start_on ? fy.start_on : on, day);
		if (actor_load(d->st, demo_expenses[i].by, &as, err) ||
		    demo_record_as(d, &as, "expense", &p, kv, err))
			return -1;
	}
	return 0;
}

/* --- the FY plan: tasks and milestones ------------------------------------------------------ */

/* A task of the FY plan: its days from today, what it waits for (1-based, 0 ends), its fate. */
static const struct demo_task {
	const char *title, *description;
	int start, due, milestone;
	int deps[3];
	const char *status; /* todo, doing, done */
} demo_tasks[] = {
	{ "市场调研与客户分层", "梳理存量客户，按行业和规模分层", -40, -30, 0, { 0 }, "done" },
	{ "制定年度渠道政策", "返点、账期和区域保护规则", -29, -20, 0, { 1 }, "done" },
	{ "里程碑：年度计划评审通过", "管理层评审年度销售计划", -19, -19, 1, { 2 }, "done" },
	{ "招募华东区经销商", "新签三家核心经销商", -18, -5, 0, { 3 }, "doing" },
	{ "经销商产品培训", "W 系列交换机的产品与报价培训", -10, -2, 0, { 3 }, "todo" },
	{ "重点客户拜访计划", "前二十大客户逐一拜访", -15, 10, 0, { 3 }, "doing" },
	{ "设计春季促销方案", "折扣力度与赠品组合", -5, 5, 0, { 2 }, "doing" },
	{ "上线春季促销活动", "线上线下同步上线", 6, 20, 0, { 7 }, "todo" },
	{ "渠道库存盘点", "核对各经销商库存与在途", -1, 2, 0, { 4 }, "todo" }, /* due this week */
	{ "华南区渠道签约", "签约两家华南区域代理", 9, 30, 0, { 4, 5 }, "todo" },
	{ "里程碑：季度经营复盘", "回顾目标完成情况并调整打法", 31, 31, 1, { 8, 10 }, "todo" },
	{ "回款专项跟进", "逾期应收逐笔跟进", -3, 25, 0, { 0 }, "doing" },
	{ "年终客户答谢会筹备", "场地、嘉宾与礼品", 32, 50, 0, { 11 }, "todo" },
};

static const char SQL_DEMO_FY_MEMBERS[] =
	"SELECT u.login FROM members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? "
	"AND m.role IN ('member', 'manager') ORDER BY u.login LIMIT 8";

static int tasks_demo(struct demo *d, struct err *err)
{
	enum { N = sizeof(demo_tasks) / sizeof(demo_tasks[0]) };
	struct project fy;
	struct ent_project p;
	struct stmt *s;
	char who[8][64], key[N][24];
	int64_t id[N];
	void *rec = NULL;
	int n = 0, rc, r = -1;

	if (project_load(d->st, "FY", &fy, err) ||
	    !(s = store_prepare(d->st, SQL_DEMO_FY_MEMBERS, err)))
		return -1;
	p.id = fy.id;
	p.code = "FY";
	store_bind_int(d->st, s, 1, fy.id);
	while ((rc = store_step(d->st, s, err)) == STORE_ROW && n < 8)
		snprintf(who[n++], sizeof(who[0]), "%s", store_col_text(d->st, s, 0));
	store_done(d->st, s);
	if (rc < 0 || !n)
		return rc < 0 ? -1 : 0;
	rec = xcalloc(1, task_entity.size);
	for (int i = 0; i < N; i++) {
		const struct demo_task *x = &demo_tasks[i];
		char start[DATE_FMT_MAX], due[DATE_FMT_MAX];
		const char *const kv[] = { "title", x->title, "description", x->description,
					   "assignee", who[i % n], "start",
					   date_format(d->today + x->start, start), "due",
					   date_format(d->today + x->due, due), "milestone",
					   x->milestone ? "yes" : "no", NULL };
		if (demo_record_in(d, "task", &p, NULL, kv, &id[i], err))
			goto out;
		snprintf(key[i], sizeof(key[i]), "%lld", (long long)id[i]);
	}
	for (int i = 0; i < N; i++)
		for (int k = 0; k < 3 && demo_tasks[i].deps[k]; k++)
			if (task_dep_set(d->st, &d->c->actor, "FY", key[i],
					 key[demo_tasks[i].deps[k] - 1], 0, rec, err))
				goto out;
	/* in plan order, so that what a task waits for is done first */
	for (int i = 0; i < N; i++)
		if (strcmp(demo_tasks[i].status, "todo") &&
		    task_move(d->st, &d->c->actor, "FY", key[i], demo_tasks[i].status, 1, rec, err))
			goto out;
	r = 0;
out:
	free(rec);
	return r;
}

/* --- the FY plan: its meetings ------------------------------------------------------------- */

/* An action item: its text, the member (index in the project's list) and days after the meeting. */
struct demo_item {
	const char *text;
	int who, due_in;
};

/*
 * A meeting of FY: its day from today, times, what was said; convert: 0 none, 1 the first
 * item, 2 all (two in all, so that the plan keeps its size: tests/cli/test_tasks.py).
 */
static const struct demo_meeting {
	const char *title, *location, *agenda, *minutes, *decisions;
	int day;
	const char *start, *end;
	int convert;
	struct demo_item items[3];
} demo_meetings[] = {
	{ "年度销售项目启动会", "总部 5F 大会议室",
	  "1. 年度目标与打法\n2. 区域与渠道分工\n3. 关键里程碑", "管理层宣讲年度目标；各区域负责人确认分工与节奏。",
	  "华东区为重点区域；每周一召开管道评审。", -45, "09:30", "11:30", 1,
	  { { "整理重点客户名单", 1, 5 }, { "确认渠道返利政策", 2, 10 }, { "制定拜访计划", 3, 7 } } },
	{ "周例会：销售管道评审（第 1 周）", "总部 3F 会议室", "1. 本周赢单\n2. 卡住的商机\n3. 下周计划",
	  "本周新增商机 6 个；2 个商机停在方案阶段超过两周。", "对停滞商机安排经理陪访。", -35, "09:00", "10:00", 0,
	  { { "陪访华东贸易", 0, 4 }, { "更新方案报价", 1, 3 } } },
	{ "周例会：销售管道评审（第 2 周）", "总部 3F 会议室", "1. 本周赢单\n2. 卡住的商机\n3. 回款",
	  "赢单 2 个；回款进度落后计划 8%。", "回款专项由财务与销售共同跟进。", -28, "09:00", "10:00", 0,
	  { { "逾期应收逐笔确认", 2, 5 } } },
	{ "周例会：销售管道评审（第 3 周）", "腾讯会议", "1. 管道覆盖率\n2. 春季促销准备",
	  "管道覆盖率 2.6 倍；春季促销方案初稿完成。", "促销折扣上限定为 8%。", -21, "09:00", "10:00", 0,
	  { { "促销物料下单", 3, 6 }, { "培训经销商促销政策", 1, 9 } } },
	{ "周例会：销售管道评审（第 4 周）", "总部 3F 会议室", "1. 本周赢单\n2. 竞品动态",
	  "竞品在华南降价 10%；本周赢单 1 个。", "华南报价维持不变，以服务差异化应对。", -14, "09:00", "10:00", 0,
	  { { "整理竞品价格对比", 4, 4 }, { "准备服务承诺说明", 2, 6 } } },
	{ "客户升级会：华东贸易交付延期", "腾讯会议 123-456-789", "1. 延期原因\n2. 补救方案\n3. 客户沟通",
	  "物流延误导致交付晚 5 天；客户要求书面说明与补偿方案。", "赠送一年延保；由区域经理上门致歉。", -10, "14:00", "15:30", 1,
	  { { "上门致歉并递交说明", 0, 2 }, { "协调物流加急发货", 3, 3 }, { "出具延保协议", 2, 5 } } },
	{ "周例会：销售管道评审（第 5 周）", "总部 3F 会议室", "1. 本周赢单\n2. 季度预测",
	  "季度预测完成率 92%；3 个大单进入谈判。", "大单由经理每周跟进一次。", -7, "09:00", "10:00", 0,
	  { { "大单谈判策略会", 0, 5 }, { "更新季度预测", 1, 4 } } },
	{ "客户升级会：西湖电子质量投诉", "杭州客户现场", "1. 问题复盘\n2. 整改计划", "", "", 3, "10:00", "11:30", 0,
	  { { NULL, 0, 0 } } },
	{ "周例会：销售管道评审（第 6 周）", "总部 3F 会议室", "1. 本周赢单\n2. 卡住的商机\n3. 季度复盘准备", "",
	  "", 7, "09:00", "10:00", 0, { { NULL, 0, 0 } } },
};

static const char SQL_DEMO_FY_MANAGER[] =
	"SELECT u.login FROM members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? "
	"AND m.role = 'manager' ORDER BY u.login LIMIT 1";

/* The logins of FY's sellers (who, n) and its manager (boss). */
static int fy_people(struct demo *d, int64_t project, char who[8][64], int *n, char *boss,
		     size_t size, struct err *err)
{
	struct stmt *s = store_prepare(d->st, SQL_DEMO_FY_MEMBERS, err);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	store_bind_int(d->st, s, 1, project);
	while ((rc = store_step(d->st, s, err)) == STORE_ROW && *n < 8)
		snprintf(who[(*n)++], 64, "%s", store_col_text(d->st, s, 0));
	store_done(d->st, s);
	if (rc < 0 || !(s = store_prepare(d->st, SQL_DEMO_FY_MANAGER, err)))
		return -1;
	store_bind_int(d->st, s, 1, project);
	rc = store_step(d->st, s, err);
	snprintf(boss, size, "%.63s", rc == STORE_ROW ? store_col_text(d->st, s, 0) : who[0]);
	store_done(d->st, s);
	return rc < 0 ? -1 : 0;
}

static int meetings_demo(struct demo *d, struct err *err)
{
	struct project fy;
	char who[8][64], boss[64];
	struct meeting *given = xmalloc(sizeof(*given)), *out = xmalloc(sizeof(*out));
	int n, r = -1;

	if (project_load(d->st, "FY", &fy, err) ||
	    fy_people(d, fy.id, who, &n, boss, sizeof(boss), err))
		goto out;
	if (!n) {
		r = 0;
		goto out;
	}
	for (size_t i = 0; i < sizeof(demo_meetings) / sizeof(demo_meetings[0]); i++) {
		const struct demo_meeting *x = &demo_meetings[i];
		struct ent_input in;
		char day[DATE_FMT_MAX];
		const char *const kv[] = { "title", x->title, "location", x->location, "agenda",
					   x->agenda, "minutes", x->minutes, "decisions",
					   x->decisions, "start", x->start, "end", x->end,
					   "organizer", boss, "date",
					   date_format(d->today + x->day, day), NULL };
		int64_t first;
		meeting_input_init(&in, given);
		for (const char *const *p = kv; p[0]; p += 2) {
			const struct ent_field *f = entity_field(&meeting_entity, p[0]);
			if (entity_parse_text(f, p[1], given, err))
				goto out;
			entity_input_set(&meeting_entity, &in, f, 0);
		}
		given->attendees_given = given->items_given = 1;
		for (int k = 0; k < n && k < 5; k++)
			snprintf(given->attendees[given->nattendees++].login, 64, "%.63s", who[k]);
		for (int k = 0; k < 3 && x->items[k].text; k++) {
			struct meeting_item *it = &given->items[given->nitems++];
			snprintf(it->text, sizeof(it->text), "%s", x->items[k].text);
			snprintf(it->assignee, sizeof(it->assignee), "%s", who[x->items[k].who % n]);
			it->due = d->today + x->day + x->items[k].due_in;
		}
		if (meeting_save(d->st, &d->c->actor, "FY", NULL, &in, out, err))
			goto out;
		snprintf(day, sizeof(day), "%lld", (long long)out->id);
		first = out->nitems ? out->items[0].id : 0;
		if (x->convert && meeting_make_tasks(d->st, &d->c->actor, "FY", day, &first,
						     x->convert == 1 ? 1 : 0, ENT_ANY_VERSION, out,
						     err))
			goto out;
	}
	r = 0;
out:
	free(given);
	free(out);
	return r;
}

/*
 * The year's project alerts a little earlier than the defaults (a goal below 40%, a
 * collection a week late), then every project swept once, as the server does each minute.
 */
static int alerts_demo(struct demo *d, struct err *err)
{
	struct alert_settings_input in = { .set_probability = 1, .set_collection_days = 1 };
	struct alert_settings out;
	int raised = 0, resolved = 0;

	in.v.probability_bp = 4000;
	in.v.collection_days = 7;
	if (alert_settings_patch(d->st, &d->c->actor, "FY", &in, 0, &out, err) ||
	    alert_sweep_all(d->st, &raised, &resolved, err))
		return -1;
	cli_note(d->c, "alerts raised: %d", raised);
	return 0;
}

/*
 * FY's adjustments: the most popular product of the catalogue's first 45 (not the new
 * launch's) cut in price 35 days ago, and telesales stopped 28 days ago (sales() follows both).
 */
static void demo_cuts(struct demo *d)
{
	d->cut_p = 0;
	for (int i = 1; i < 45; i++)
		if (d->pop[i] > d->pop[d->cut_p])
			d->cut_p = i;
	d->cut_day = d->today - 35;
	d->off_day = d->today - 28;
}

/* One adjustment of FY by li.na, as made on day (the demo's today: SALESPM_TODAY). */
static int demo_adjust(struct demo *d, int32_t day, enum adjust_kind kind, const char *record,
		       const char *const *kv, const char *reason, struct err *err)
{
	struct adjust_input in = { .kind = kind, .record = record, .reason = reason,
				   .version = ADJUST_ANY_VERSION };
	struct adjustment out;
	struct actor a;
	const char *was = getenv("SALESPM_TODAY");
	char keep[32] = "", dt[DATE_FMT_MAX];
	int r;

	if (was)
		snprintf(keep, sizeof(keep), "%s", was);
	for (; kv[0] && in.nchanges < ADJUST_MAX_CHANGES; kv += 2) {
		in.changes[in.nchanges].field = kv[0];
		in.changes[in.nchanges++].value = kv[1];
	}
	if (actor_load(d->st, "li.na", &a, err))
		return -1;
	setenv("SALESPM_TODAY", date_format(day, dt), 1);
	r = adjust_apply(d->st, &a, "FY", &in, &out, err);
	if (keep[0])
		setenv("SALESPM_TODAY", keep, 1);
	else
		unsetenv("SALESPM_TODAY");
	if (!r)
		adjustment_release(&out);
	return r;
}

static int adjust_demo(struct demo *d, struct err *err)
{
	struct goal_list gl = { 0 };
	struct goal g;
	char price[MONEY_FMT_MAX], eff[DATE_FMT_MAX], target[MONEY_FMT_MAX], id[24] = "";
	int64_t gid;
	int r = -1;

	money_format(d->price[d->cut_p] * 85 / 100, price);
	date_format(d->cut_day, eff);
	{
		const char *const kv[] = { "price", price, "effective", eff, NULL };
		if (demo_adjust(d, d->cut_day, ADJ_PRICE, d->sku[d->cut_p], kv,
				"竞品降价约 10%，跟进下调 15% 抢占份额", err))
			return -1;
	}
	{
		const char *const kv[] = { "active", "no", NULL };
		if (demo_adjust(d, d->off_day, ADJ_CHANNEL, "telesales", kv,
				"电话销售转化率低、成本高，停用；线索转直销团队跟进", err))
			return -1;
	}
	{
		const char *const kv[] = { "share", "0", NULL };
		struct project fy;
		struct ent_project p;
		struct ent_query q = { .nfilters = 1, .filter_name = { "channel" },
				       .filter_value = { "telesales" } };
		struct ent_rows rows = { 0 };
		const struct entity *e = entity_find("channel_plan");
		if (project_load(d->st, "FY", &fy, err))
			return -1;
		p.id = fy.id;
		p.code = "FY";
		if (entity_list(d->st, &d->c->actor, e, &p, &q, &rows, err))
			return -1;
		if (rows.n) {
			int64_t pid;
			memcpy(&pid, (char *)rows.items + entity_field(e, "id")->off, sizeof(pid));
			snprintf(id, sizeof(id), "%lld", (long long)pid);
		}
		entity_rows_release(&rows);
		if (demo_adjust(d, d->off_day, ADJ_CHANNEL_PLAN, id, kv,
				"电话销售停用，其计划占比并入直销", err))
			return -1;
	}
	if (goal_list(d->st, &d->c->actor, "FY", &gl, err))
		return -1;
	gid = fy_goal(&gl, "大客户营收"); /* not split into quotas: they keep summing to theirs */
	if (gid == NO_ID || goal_get(d->st, &d->c->actor, "FY", gid, &g, err))
		goto out;
	money_format(g.target / 100 * 105, target); /* +5%, to the yuan */
	snprintf(id, sizeof(id), "%lld", (long long)gid);
	{
		const char *const kv[] = { "target", target, NULL };
		if (demo_adjust(d, d->today - 10, ADJ_GOAL, id, kv,
				"大客户续约超出预期，目标上调 5%", err))
			goto out;
	}
	r = 0;
out:
	goal_list_release(&gl);
	return r;
}

/* Lessons the FY-PREV team wrote as it closed: (author, kind, text). */
static const struct {
	const char *by, *kind, *text;
} demo_lessons[] = {
	{ "li.na", "went_well", "华东经销商年度返利提前锁定，渠道全年稳定，未出现窜货" },
	{ "wang.fang", "went_well", "重点客户季度回访制度落地，老客户复购率明显提升" },
	{ "zhang.wei", "went_well", "新品试用装随单附赠，带动了配件的连带销售" },
	{ "li.na", "to_improve", "报价审批链条过长，三季度两单大项目因此延误" },
	{ "liu.yang", "to_improve", "线上渠道促销预算超支，事前没有设置花费上限" },
	{ "zhang.wei", "to_improve", "新人培训只讲产品，缺少谈判与回款实战" },
	{ "li.na", "next_time", "年初就按产能拆分配额，季度复盘时再调整" },
	{ "chen.jing", "next_time", "大客户提前两周备货，避免年底交付延期" },
	{ "zhang.wei", "next_time", "促销活动先小范围试点，按周看提升再放量" },
};

static const char *const demo_review_notes[] = {
	"主动分享客户线索，配合默契", "交接资料清楚，响应及时", "旺季加班支援其他区域",
	"沟通可以更主动一些", "", "",
};

/*
 * FY-PREV closed by its manager li.na with a note, then its team's peer
 * reviews (each member scores the next three on the team, 3 to 5 mostly) and
 * lessons of each kind: what the evaluation and its screens show.
 */
static int closing_demo(struct demo *d, struct err *err)
{
	struct project p, out;
	struct actor as;
	struct ent_project ep;
	const char *team[NREPS + 2];
	int nteam = 0;

	if (actor_load(d->st, "li.na", &as, err) || project_load(d->st, "FY-PREV", &p, err) ||
	    project_close(d->st, &as, "FY-PREV", p.version, "全年目标基本达成，转入复盘与评价", &out,
			  err))
		return -1;
	ep.id = p.id;
	ep.code = "FY-PREV";
	team[nteam++] = "li.na";
	team[nteam++] = "zhang.wei";
	for (int i = 0; i < NREPS; i++)
		team[nteam++] = users[FIRST_REP + i].login;
	for (int i = 0; i < nteam; i++) {
		if (actor_load(d->st, team[i], &as, err))
			return -1;
		for (int k = 1; k <= 3; k++) {
			char score[4];
			const char *kv[] = { "reviewee", team[(i + k) % nteam], "teamwork", score,
					     "comment", demo_review_notes[rnd_n(6)], NULL };
			/* mostly 4s and 5s, some 3s, the odd 2 */
			uint32_t x = rnd_n(20);
			snprintf(score, sizeof(score), "%d", x < 1 ? 2 : x < 5 ? 3 : x < 13 ? 4 : 5);
			if (demo_record_as(d, &as, "review", &ep, kv, err))
				return -1;
		}
	}
	for (size_t i = 0; i < sizeof(demo_lessons) / sizeof(demo_lessons[0]); i++) {
		const char *kv[] = { "kind", demo_lessons[i].kind, "text", demo_lessons[i].text, NULL };
		if (actor_load(d->st, demo_lessons[i].by, &as, err) ||
		    demo_record_as(d, &as, "lesson", &ep, kv, err))
			return -1;
	}
	return 0;
}

static int cmd_demo(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "force", 0, OPT_FLAG }, { "seed", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct workspace_input wi = { .name = "华信科技有限公司", .currency = "CNY",
				      .timezone = "Asia/Shanghai", .admin = "admin",
				      .admin_name = "系统管理员", .password = ADMIN_PASSWORD };
	struct demo *d = NULL;
	const char *pos[1];
	struct stat sb;
	int64_t rows = 0, seed = 1;
	int npos, r = -1, y, m, dd;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if (cli_opt(opts, "seed") && cli_int(cli_opt(opts, "seed"), "seed", &seed, err))
		return -1;
	rng_state ^= (uint64_t)seed * 0x2545F4914F6CDD1Dull;
	if (!stat(c->db_path, &sb)) {
		if (!cli_opt(opts, "force"))
			return err_set(err, ERR_CONFLICT, "db", "exists",
				       "%s exists; remove it or pass --force to replace it",
				       c->db_path);
		for (const char *sfx = ""; sfx; sfx = !*sfx ? "-wal" : !strcmp(sfx, "-wal") ? "-shm" : NULL) {
			char p[4096];
			snprintf(p, sizeof(p), "%s%s", c->db_path, sfx);
			remove(p);
		}
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	d->c = c;
	c->st = store_open(c->db_path, 1, err);
	if (!c->st || workspace_init(c->st, &wi, err) || workspace_load(c->st, &c->ws, err) ||
	    actor_load(c->st, "admin", &c->actor, err))
		goto out;
	d->st = c->st;
	d->today = date_today();
	date_to_ymd(d->today, &y, &m, &dd);
	d->year = y;
	cli_note(c, "creating the demo workspace 华信科技 in %s ...", c->db_path);
	if (catalog(d, err) || people(d, err) || positions(d, err))
		goto out;
	{
		int32_t prev_s = date_from_ymd(y - 1, 1, 1), prev_e = date_from_ymd(y - 1, 12, 31);
		int32_t ys = date_from_ymd(y, 1, 1), ye = date_from_ymd(y, 12, 31);
		int32_t launch = d->today - 75 > ys ? d->today - 75 : ys;
		if (project(d, "FY-PREV", "上年度销售 (已结项)", prev_s, prev_e,
			    "上年度营收 38 亿元", 3000000000, err) ||
		    sales(d, "FY-PREV", prev_s, prev_e, 240, 0, 45, &rows, err))
			goto out;
		demo_cuts(d);
		if (project(d, "FY", "年度销售推进", ys, ye, "年度营收增长 25%, 巩固华东市场第一",
			    80000000000, err) ||
		    sales(d, "FY", ys, d->today, 240, 0, 45, &rows, err))
			goto out;
		if (project(d, "LAUNCH", "边缘计算新品上市", launch, ye,
			    "成为边缘计算细分市场前三", 800000000, err) ||
		    sales(d, "LAUNCH", launch, d->today, 22, 45, 50, &rows, err))
			goto out;
		if (goals(d, err) || launch_goals(d, launch, ye, err))
			goto out;
		/* next year's plan is a draft (the previous year is closed at the end: closing_demo) */
		{
			struct project in = { 0 }, o2;
			snprintf(in.code, sizeof(in.code), "NEXT-Q1");
			snprintf(in.name, sizeof(in.name), "明年一季度开门红 (规划中)");
			snprintf(in.objective, sizeof(in.objective), "一季度营收同比增长 20%%");
			snprintf(in.status, sizeof(in.status), "draft");
			in.start_on = date_from_ymd(y + 1, 1, 1);
			in.end_on = date_from_ymd(y + 1, 3, 31);
			in.budget_minor = 600000000;
			in.owner_id = NO_ID;
			if (project_create(d->st, &c->actor, &in, &o2, err))
				goto out;
		}
	}
	/* last, so the sales above are the same whatever the team's training */
	if (trainings(d, err) || raci(d, err) || skills(d, err) || loads(d, err) ||
	    strategies(d, err))
		goto out;
	/* recruitment after them all: a hire adds a user and an FY member */
	if (recruitment(d, err))
		goto out;
	{
		/* the new hire ramps up on part of a territory, before the quotas follow capacity */
		struct project fy;
		struct ent_project p;
		const char *const kv[] = { "territory", "华东 · 上海（新人，随王芳）", "capacity", "30",
					   NULL };
		if (project_load(d->st, "FY", &fy, err))
			goto out;
		p.id = fy.id;
		p.code = "FY";
		if (demo_record_in(d, "member", &p, "chen.xiao", kv, NULL, err))
			goto out;
	}
	/* after the loads: the suggested quotas follow each rep's capacity */
	if (quotas(d, err))
		goto out;
	/* last, so that no figure above moves: the pipeline (its won deals are sales already
	 * recorded above), problems, the collections of the won deals, then the activities and
	 * feedback */
	if (deals(d, err) || problems_demo(d, err) || collections_demo(d, err) || engagement(d, err))
		goto out;
	/* the plan after everything else: its risks, budget, tasks and meetings; then webhooks */
	if (risks_demo(d, err) || budget_demo(d, err) || tasks_demo(d, err) ||
	    meetings_demo(d, err) || webhooks_demo(d, err))
		goto out;
	/* and the team's talk about it, by @mention (the demo users' inboxes) */
	if (comment_demo(d->st, "FY", "li.na", err))
		goto out;
	/* the adjustments made while FY ran: the price cut, telesales stopped, a target raised */
	if (adjust_demo(d, err))
		goto out;
	/* last, the alerts all of the above raises: told once to the inboxes they concern */
	if (alerts_demo(d, err))
		goto out;
	/* and the previous year closed, with its team's peer reviews and lessons */
	if (closing_demo(d, err))
		goto out;
	if (c->json) {
		static const char *const codes[] = { "FY", "LAUNCH", "FY-PREV", "NEXT-Q1" };
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "db", c->db_path);
		jw_kint(&w, "sales", (int64_t)rows);
		jw_key(&w, "projects");
		jw_arr(&w);
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			jw_str(&w, codes[i]);
		jw_arr_end(&w);
		jw_key(&w, "admin");
		jw_obj(&w);
		jw_kstr(&w, "login", "admin");
		jw_kstr(&w, "password", ADMIN_PASSWORD);
		jw_obj_end(&w);
		jw_kstr(&w, "users_password", DEMO_PASSWORD);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("demo workspace 华信科技有限公司 created in %s: %zu users, 50 products, "
		       "%lld sales lines\n",
		       c->db_path, NUSERS + 2 /* the admin, and the hire */, (long long)rows);
		printf("projects: FY (this year), LAUNCH (new product), FY-PREV (closed), NEXT-Q1 "
		       "(draft)\n");
		printf("logins: admin / %s; managers li.na, zhang.wei; reps wang.fang, liu.yang, ...; "
		       "viewers gao.cfo, luo.ceo — all with password %s\n",
		       ADMIN_PASSWORD, DEMO_PASSWORD);
	}
	r = 0;
out:
	free(d);
	return r;
}

const struct cli_command cli_demo_cmds[] = {
	{ "demo", NULL, cmd_demo, CLI_NEEDS_NOTHING,
	  "create a realistic demo workspace (华信科技) in a new database",
	  "demo [--force] [--seed N]",
	  "  --force              replace the database if it exists\n"
	  "  --seed N             another random but reproducible data set",
	  "salespm --db demo.db demo" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
