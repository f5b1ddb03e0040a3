"""evaluation_model.py - an independent model of a project's evaluation figures
(src/analytics/evaluation.h), recomputed from the rows a test itself wrote: the sale
lines (with the sales won deals made), the deals, activities, feedback ratings and
problems, never from the program's own sums.

Days are ISO strings (they order as dates); money is integer minor units.
"""
import datetime


def day(s):
    return datetime.date.fromisoformat(s)


def iso(d):
    return d.isoformat()


def add_days(s, n):
    return iso(day(s) + datetime.timedelta(days=n))


def days_between(a, b):
    """b - a in days."""
    return (day(b) - day(a)).days


def half_away(num, den):
    """num / den rounded half away from zero (integers)."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def ratio_bp(num, den):
    """A ratio in basis points by the program's one rule: half away from zero."""
    return half_away(num * 10000, den)


def close(a, b, tol=0.00006):
    """Two ratios written with 4 decimals agree."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


class Sale:
    def __init__(self, on, customer, sku, channel, rep, qty, price, discount=0, promotion=None,
                 segment=None, unit_cost=0):
        self.on, self.customer, self.sku, self.channel, self.rep = on, customer, sku, channel, rep
        self.qty, self.price, self.discount = qty, price, discount
        self.promotion, self.segment = promotion, segment
        self.amount = qty * price - discount
        self.cost = qty * unit_cost


def sums(sales, keep=lambda s: True):
    rev = sum(s.amount for s in sales if keep(s))
    cost = sum(s.cost for s in sales if keep(s))
    units = sum(s.qty for s in sales if keep(s))
    disc = sum(s.discount for s in sales if keep(s))
    return rev, cost, units, disc


def channel_rows(sales, as_of, rates):
    """{code: (revenue, margin, cost, roi)} with cost = revenue x rate (bp), half away."""
    out = {}
    for code, bp in rates.items():
        rev, cogs, _, _ = sums(sales, lambda s: s.channel == code and s.on <= as_of)
        cost = half_away(rev * bp, 10000)
        margin = rev - cogs
        out[code] = (rev, margin, cost, (margin - cost) / cost if cost else None)
    return out


def promotion_row(sales, code, start, end, project_start, project_end, as_of, skus):
    """The promotion's figures (the issue's wording): its own sales; its scope's (skus)
    revenue per day over its days (cut to the project and the as-of day) against the days
    just before them -- as many, but only those inside the project, since no sale can be
    before it. The baseline is their daily mean, set against the promotion's days; with no
    such day there is no baseline, so neither lift nor ROI."""
    frm = max(start, project_start)
    to = min(end, project_end, as_of)
    own_rev, _, _, disc = sums(sales, lambda s: s.promotion == code and s.on <= as_of)
    if to < frm:
        return dict(revenue=own_rev, discount=disc, days=0, promo_daily=0, baseline_daily=0,
                    lift=None, roi=None)
    n = days_between(frm, to) + 1
    b_from, b_to = max(add_days(frm, -n), project_start), add_days(frm, -1)
    covered = max(0, days_between(b_from, b_to) + 1)
    during = sums(sales, lambda s: s.sku in skus and frm <= s.on <= to)[0]
    before = sums(sales, lambda s: s.sku in skus and b_from <= s.on <= b_to)[0]
    base = before * n / covered if covered else None  # the baseline over the promotion's days
    return dict(revenue=own_rev, discount=disc, days=n, from_=frm, to=to, covered=covered,
                promo_daily=half_away(during, n),
                baseline_daily=half_away(before, covered) if covered else 0,
                lift=during / base - 1 if base else None,
                roi=(during - base - disc) / disc if disc and base is not None else None)


def price_row(sales, sku, changed_on, project_start, project_end, as_of, window=28):
    """Units and revenue over w days before the change and w from it: w = min(28, the
    project's days before it, the days from it to the as-of day or the project's end,
    whichever comes first -- there are no sales after the end)."""
    last = min(as_of, project_end)
    w = min(window, days_between(project_start, changed_on),
            days_between(changed_on, last) + 1)
    b = sums(sales, lambda s: s.sku == sku and add_days(changed_on, -w) <= s.on
             <= add_days(changed_on, -1))
    a = sums(sales, lambda s: s.sku == sku and changed_on <= s.on <= add_days(changed_on, w - 1))
    return dict(window_days=w, units_before=b[2], units_after=a[2], revenue_before=b[0],
                revenue_after=a[0])


def team_rows(sales, deals, activities, ratings, problems, as_of, logins):
    """Per login: revenue, deals won / lost (won_on / lost_on up to as_of), win rate, mean
    cycle (won_on - created) over the won deals that have one (a deal recorded on or after
    the day it was won has none, and is not in the mean; none at all: None), activities done, mean rating, problems resolved and in SLA."""
    out = {}
    for who in logins:
        won = [d for d in deals if d["owner"] == who and d.get("won") and d["won"] <= as_of]
        lost = [d for d in deals if d["owner"] == who and d.get("lost") and d["lost"] <= as_of]
        rs = [r for (w, r, on) in ratings if w == who and on <= as_of]
        ps = [p for p in problems if p["owner"] == who and p.get("resolved")]
        in_sla = [p for p in ps if p["resolved"] <= p["due"]]
        out[who] = dict(
            revenue=sums(sales, lambda s: s.rep == who and s.on <= as_of)[0],
            deals_won=len(won), deals_lost=len(lost),
            win_rate=len(won) / (len(won) + len(lost)) if won or lost else None,
            cycle_days=(sum(days_between(d["created"], d["won"]) for d in cycled) / len(cycled)
                        if (cycled := [d for d in won if d["won"] > d["created"]]) else None),
            activities=sum(1 for (w, on, status) in activities
                           if w == who and status == "done" and on <= as_of),
            rating=sum(rs) / len(rs) if rs else None, ratings=len(rs),
            problems_resolved=len(ps), problems_in_sla=len(in_sla),
            in_sla_rate=len(in_sla) / len(ps) if ps else None)
    return out
