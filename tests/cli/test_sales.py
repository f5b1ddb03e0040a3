"""test_sales.py - sales records and customers from the command line: sale add,
list, show, update, delete, the all-or-nothing CSV import, the export, and
customer list / show / update.

Each test starts from a fresh workspace. Expected values are computed here
from the CSV text the test generates (money in integer cents with Python
integers from the decimal strings, never floats), never copied from the
program's output.
"""
import csv
import io
import json
import os
import random
import sys
from datetime import date, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403

HEADER = ["date", "customer", "product", "channel", "rep", "quantity", "unit_price", "discount",
          "promotion", "segment"]
EXPORT_HEADER = ",".join(HEADER)


# --- helpers ---------------------------------------------------------------------

def cents(major):
    """'12.5' -> 1250, '-3.10' -> -310, '7' -> 700; exact, with Python integers."""
    major = major.strip()
    neg = major.startswith("-")
    if neg:
        major = major[1:]
    whole, _, frac = major.partition(".")
    assert len(frac) <= 2, major
    v = int(whole or "0") * 100 + int((frac + "00")[:2])
    return -v if neg else v


def amount_of(row):
    """quantity x unit_price - discount, in cents."""
    return int(row["quantity"]) * cents(row["unit_price"]) - cents(row.get("discount") or "0")


def csv_cell(v, force_quote=False):
    if force_quote or any(ch in v for ch in ',"\r\n') or v[:1] == " " or v[-1:] == " ":
        return '"' + v.replace('"', '""') + '"'
    return v


def make_csv(cols, rows, bom=False, eol="\r\n", rng=None):
    """CSV text with columns cols (in that order); rows are dicts by column name."""
    lines = [",".join(cols)]
    for r in rows:
        lines.append(",".join(csv_cell(str(r.get(c, "")), rng is not None and rng.random() < 0.1)
                              for c in cols))
    return ("\ufeff" if bom else "") + eol.join(lines) + eol


def parse_csv(text):
    """Rows of a CSV text as dicts (header from the first line)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    rd = csv.reader(io.StringIO(text, newline=""))
    rows = list(rd)
    head = rows[0]
    return head, [dict(zip(head, r)) for r in rows[1:] if r != []]


def unneutralise(v):
    if len(v) >= 2 and v[0] == "'" and v[1] in "=+-@\t\r'":
        return v[1:]
    return v


def key_of_csv(r):
    """A sale as a comparable tuple from a CSV row (money in cents)."""
    return (r["date"], unneutralise(r["customer"]), r["product"], r["channel"], r["rep"],
            int(r["quantity"]), cents(r["unit_price"]), cents(r.get("discount") or "0"),
            r.get("promotion") or "")


def key_of_json(s):
    return (s["date"], s["customer"], s["product"], s["channel"], s["rep"], s["quantity"],
            s["unit_price"], s["discount"], s["promotion"] or "")


def setup(ws):
    """Users, a project with members and the catalog the sales name."""
    for login, role in (("mona", "manager"), ("rita", "rep"), ("rob", "rep"), ("vic", "viewer"),
                        ("olga", "rep")):
        ws.ok("user", "add", login, "--name", login.title(), "--role", role)
    ws.ok("project", "create", "P1", "--name", "春季冲刺", "--start", "2026-01-01", "--end",
          "2026-12-31", "--objective", "grow east China")
    ws.ok("member", "add", "P1", "mona", "--role", "manager")
    ws.ok("member", "add", "P1", "rita")
    ws.ok("member", "add", "P1", "rob")
    ws.ok("member", "add", "P1", "vic", "--role", "viewer")
    # olga is a user but no member of P1
    ws.ok("segment", "add", "SMB", "--name", "中小企业")
    ws.ok("segment", "add", "ENT", "--name", "Enterprise")
    ws.ok("channel", "add", "direct", "--name", "Direct", "--type", "direct")
    ws.ok("channel", "add", "tmall", "--name", "天猫", "--type", "ecommerce")
    ws.ok("channel", "add", "partner", "--name", "Partners", "--type", "partner")
    ws.ok("product", "add", "SKU-1", "--name", "手表", "--cost", "80.00", "--price", "199.00",
          "--effective", "2025-01-01")
    ws.ok("product", "add", "SKU-2", "--name", "耳机", "--cost", "30.00", "--price", "59.90",
          "--effective", "2025-01-01")
    ws.ok("product", "add", "SKU-3", "--name", "音箱", "--cost", "150.00", "--price", "399.00",
          "--effective", "2025-01-01")
    ws.ok("promotion", "add", "SPRING", "--name", "春季九折", "--kind", "percent", "--value", "10")
    ws.ok("promotion", "add", "GIFT", "--name", "Gift", "--kind", "gift", "--value", "1")


NAMES = ["华东贸易", "北京星辰科技有限公司", "Acme, Inc.", 'Say "Hi" Ltd', '深圳"星光",电子',
         "O'Brien & Sons", "zeta", "Alpha", "上海浦东分公司", "广州, 天河", "a,b,c", '""',
         "Ünïcödé GmbH", "成都 火锅 Co"]
NAMES += [f"客户{i:03d}" for i in range(60)]
REPS = ["rita", "rob", "mona"]


def gen_rows(n, seed=7, start=date(2026, 1, 1), days=181, segments=False):
    rng = random.Random(seed)
    seg_of = {name: rng.choice(["SMB", "ENT", ""]) for name in NAMES}
    rows = []
    for _ in range(n):
        qty = rng.randint(1, 20)
        price_c = rng.randint(1, 99999)
        whole, frac = divmod(price_c, 100)
        form = rng.random()
        if frac == 0 and form < 0.5:
            price = str(whole)
        elif frac % 10 == 0 and form < 0.5:
            price = f"{whole}.{frac // 10}"
        else:
            price = f"{whole}.{frac:02d}"
        gross = qty * price_c
        d = rng.random()
        if d < 0.4:
            disc = ""
        else:
            dc = rng.randint(0, gross)
            disc = f"{dc // 100}.{dc % 100:02d}"
        name = rng.choice(NAMES)
        rows.append({
            "date": (start + timedelta(days=rng.randrange(days))).isoformat(),
            "customer": name,
            "product": rng.choice(["SKU-1", "SKU-2", "SKU-3"]),
            "channel": rng.choice(["direct", "tmall", "partner"]),
            "rep": rng.choice(REPS),
            "quantity": str(qty),
            "unit_price": price,
            "discount": disc,
            "promotion": rng.choice(["", "", "SPRING", "GIFT"]),
            "segment": seg_of[name] if segments else "",
        })
    return rows


def export_bytes(ws, project="P1", *args):
    """The export exactly as written (no newline translation)."""
    ws.ok("sale", "export", project, "-o", ws.path("export.csv"), *args)
    with open(ws.path("export.csv"), "rb") as f:
        return f.read()


def all_sales(ws, project="P1", **kw):
    return ws.js("sale", "list", project, **kw)


def state(ws, project="P1"):
    """What an import could change: the sales and the customers."""
    return (all_sales(ws, project), ws.js("customer", "list"))


SHUFFLED = ["unit_price", "rep", "customer", "discount", "quantity", "promotion", "date",
            "channel", "product"]  # no segment column


def big_import(ws, n=3000, seed=7):
    rows = gen_rows(n, seed)
    text = make_csv(SHUFFLED, rows, bom=True, rng=random.Random(seed + 1))
    ws.write("big.csv", text)
    r = ws.ok("sale", "import", "P1", ws.path("big.csv"))
    return rows, r


# --- import and export ------------------------------------------------------------

@test
def a_sale_without_a_price_takes_the_list_price_in_force_on_its_date():
    """sale add without --price and an import's empty unit_price cell: the product's list
    price of the entry in force on the sale's date (SKU-1: 199.00 from 2025, 219.00 from
    2026-04-01, 189.00 from 2026-09-01 though today is earlier); a price typed is kept."""
    ws = Workspace(today="2026-06-15")
    setup(ws)
    ws.ok("product", "update", "SKU-1", "--price", "219.00", "--effective", "2026-04-01")
    ws.ok("product", "update", "SKU-1", "--price", "189.00", "--effective", "2026-09-01")
    s = ws.js("sale", "add", "P1", "--date", "2026-03-31", "--customer", "Acme", "--product", "SKU-1",
              "--channel", "direct", "--quantity", "2", "--rep", "rita")
    eq((s["unit_price"], s["amount"], s["cost"]), (19900, 2 * 19900, 2 * 8000), "the day before the change")
    s = ws.js("sale", "add", "P1", "--date", "2026-04-01", "--customer", "Acme", "--product", "SKU-1",
              "--channel", "direct", "--quantity", "2", "--discount", "10.00", "--rep", "rita")
    eq((s["unit_price"], s["amount"]), (21900, 2 * 21900 - 1000), "the day it takes effect, less the discount")
    s = ws.js("sale", "add", "P1", "--date", "2026-04-02", "--customer", "Acme", "--product", "SKU-1",
              "--channel", "direct", "--quantity", "1", "--price", "150.00", "--rep", "rita")
    eq(s["unit_price"], 15000, "a price typed is the sale's")
    text = make_csv(HEADER, [dict(zip(HEADER, r)) for r in (
        ["2026-09-01", "Beta", "SKU-1", "tmall", "rob", "3", "", "", "", ""],
        ["2026-08-31", "Beta", "SKU-2", "tmall", "rob", "1", "", "", "", ""],
        ["2026-02-01", "Beta", "SKU-1", "tmall", "rob", "1", "99.00", "", "", ""])])
    ws.write("p.csv", text)
    ws.ok("sale", "import", "P1", ws.path("p.csv"))
    got = sorted((x["date"], x["product"], x["unit_price"], x["amount"])
                 for x in ws.js("sale", "list", "P1", "--customer", "Beta")["sales"])
    eq(got, [("2026-02-01", "SKU-1", 9900, 9900), ("2026-08-31", "SKU-2", 5990, 5990),
             ("2026-09-01", "SKU-1", 18900, 3 * 18900)], "empty cells take the price of their dates")
    # an unknown product with no price: the product is what is wrong
    r = ws.fail("sale", "add", "P1", "--date", "2026-04-02", "--customer", "Acme", "--product", "NOPE",
                "--channel", "direct", "--quantity", "1", json_out=True)
    e = json.loads(r.err.strip().splitlines()[-1])["error"]
    eq((e["field"], e["reason"]), ("product", "no_product"), "the product named")
    ws.ok("db", "check")


@test
def import_big_csv_totals_match_independent_sums():
    ws = Workspace()
    setup(ws)
    rows, r = big_import(ws)
    expected_total = sum(amount_of(x) for x in rows)
    new_customers = len({x["customer"] for x in rows})
    assert f"imported {len(rows)} rows ({new_customers} new customers)" in r.out, r.out

    lst = all_sales(ws)
    eq(lst["total"], len(rows), "sale list total")
    eq(len(lst["sales"]), len(rows), "--json lists every sale")
    eq(sum(s["amount"] for s in lst["sales"]), expected_total, "revenue in cents")
    eq(sum(s["quantity"] for s in lst["sales"]), sum(int(x["quantity"]) for x in rows), "units")
    eq(sorted(key_of_json(s) for s in lst["sales"]), sorted(key_of_csv(x) for x in rows),
       "every row stored as written")
    for s in lst["sales"]:
        eq(s["amount"], s["quantity"] * s["unit_price"] - s["discount"], f"amount of sale {s['id']}")

    # the export: same format, same sums, from its own decimal strings
    out = export_bytes(ws).decode()
    assert out.startswith(EXPORT_HEADER + "\r\n"), out[:120]
    assert out.endswith("\r\n"), out[-50:]
    for line in out.split("\r\n")[:-1]:
        assert "\n" not in line, "every record ends with CRLF"
    head, erows = parse_csv(out)
    eq(head, HEADER, "export header")
    eq(len(erows), len(rows), "exported rows")
    eq(sum(amount_of(x) for x in erows), expected_total, "export revenue")
    eq(sorted(key_of_csv(x) for x in erows), sorted(key_of_csv(x) for x in rows), "export rows")

    # customers: every name once, first purchase = earliest date of the name
    first = {}
    for x in rows:
        first[x["customer"]] = min(first.get(x["customer"], "9999"), x["date"])
    cl = ws.js("customer", "list")["customers"]
    eq({c["name"]: c["first_sale"] for c in cl}, first, "customers and first purchases")


@test
def a_large_import_leaves_the_planner_statistics_of_what_it_grew():
    """PostgreSQL: an import of 1,000 rows or more refreshes the statistics of the tables it
    grows (ANALYZE), so the server's plans for them are not those of empty tables (a
    customer's row sought, not every customer of the project filtered); one of 999 rows does
    not. SQLite keeps none: nothing to see there."""
    if BACKEND != "postgresql":
        return
    ws = Workspace()
    setup(ws)
    counts = lambda: dict(ws.sql(
        "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname IN "
        "('sales', 'customers', 'sale_rollup', 'customer_days', 'customer_activity')"))
    before = counts()
    rows = gen_rows(999, 3)
    ws.write("small.csv", make_csv(SHUFFLED, rows, bom=False, rng=random.Random(4)))
    ws.ok("sale", "import", "P1", ws.path("small.csv"))
    eq(counts(), before, "999 rows: no table analyzed")
    big_import(ws, n=1000)
    after = counts()
    eq(sorted(after), ["customer_activity", "customer_days", "customers", "sale_rollup", "sales"],
       "the five tables")
    for t in after:
        eq(after[t], before.get(t, 0) + 1, f"{t} analyzed once by the 1,000-row import")


@test
def import_larger_than_one_writer_chunk_all_or_nothing():
    # more rows than the importer hands its writer at once (32768), so that a bad
    # row near the end comes after earlier rows were already inserted
    ws = Workspace()
    before = seeded(ws)
    rows = gen_rows(70000, seed=21)
    rows[69990]["unit_price"] = "12,5"
    import_fails(ws, make_csv(SHUFFLED, rows), [(69992, "unit_price", '"12,5" is not a decimal')])
    eq(state(ws), before, "nothing of the first chunks is left")
    rows[69990]["unit_price"] = "12.50"
    rows[69990]["discount"] = ""
    ws.write("ok.csv", make_csv(SHUFFLED, rows))
    r = ws.js("sale", "import", "P1", ws.path("ok.csv"))
    eq(r["imported"], 70000, "imported")
    lst = all_sales(ws)
    eq(lst["total"], 70000 + len(before[0]["sales"]), "total")
    eq(sum(s["amount"] for s in lst["sales"]),
       sum(amount_of(x) for x in rows) + sum(s["amount"] for s in before[0]["sales"]), "revenue")
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "1.00", "--start",
          "2026-01-01", "--due", "2026-12-31")
    eq(ws.js("goal", "list", "P1")["goals"][0]["actual"],
       sum(amount_of(x) for x in rows) + sum(s["amount"] for s in before[0]["sales"]),
       "the rollups agree with the rows")


@test
def import_required_columns_only_crlf_bom_chinese():
    ws = Workspace()
    setup(ws)
    cols = ["rep", "quantity", "product", "date", "unit_price", "channel", "customer"]
    rows = [
        {"date": "2026-03-01", "customer": "华东贸易", "product": "SKU-1", "channel": "direct",
         "rep": "rita", "quantity": "3", "unit_price": "199.00"},
        {"date": "2026-03-02", "customer": '北京"星辰",科技', "product": "SKU-2",
         "channel": "tmall", "rep": "rob", "quantity": "10", "unit_price": "59.9"},
        {"date": "2026-03-03", "customer": "华东贸易", "product": "SKU-3", "channel": "partner",
         "rep": "mona", "quantity": "1", "unit_price": "0.01"},
    ]
    ws.write("a.csv", make_csv(cols, rows, bom=True))
    r = ws.ok("sale", "import", "P1", ws.path("a.csv"), json_out=True).json()
    eq(r, {"imported": 3, "rows": 3, "new_customers": 2, "dry_run": False, "encoding": "UTF-8"},
       "import answer")
    lst = all_sales(ws)["sales"]
    eq(sum(s["amount"] for s in lst), 3 * 19900 + 10 * 5990 + 1, "revenue")
    eq(sorted(key_of_json(s) for s in lst), sorted(key_of_csv(x) for x in rows), "rows")
    eq({s["discount"] for s in lst}, {0}, "a missing discount column is 0")
    eq({s["promotion"] for s in lst}, {None}, "no promotion")


@test
def export_import_round_trip_is_exact():
    ws = Workspace()
    setup(ws)
    rows, _ = big_import(ws, n=2000, seed=11)
    # a second import with segments, so the round trip carries them too
    seg_rows = gen_rows(300, seed=12, segments=True)
    for x in seg_rows:  # own customers, so each one's segment is decided by these rows
        x["customer"] = "S-" + x["customer"]
    ws.write("seg.csv", make_csv(HEADER, seg_rows, eol="\n"))
    ws.ok("sale", "import", "P1", ws.path("seg.csv"))
    exp1 = ws.ok("sale", "export", "P1", "-o", ws.path("e1.csv"))
    with open(ws.path("e1.csv"), "rb") as f:
        e1 = f.read()

    ws2 = Workspace()
    setup(ws2)
    r = ws2.ok("sale", "import", "P1", ws.path("e1.csv"), json_out=True).json()
    eq(r["imported"], len(rows) + len(seg_rows), "rows imported from the export")
    ws2.ok("sale", "export", "P1", "-o", ws2.path("e2.csv"))
    with open(ws2.path("e2.csv"), "rb") as f:
        e2 = f.read()
    eq(e2 == e1, True, "the second export is byte for byte the first")

    def rowset(w):
        return sorted(key_of_json(s) + (s["segment"], s["amount"], s["cost"])
                      for s in all_sales(w)["sales"])
    eq(rowset(ws2), rowset(ws), "the two projects hold the same sales")

    def custs(w):
        return sorted((c["name"], c["segment"], c["first_sale"])
                      for c in w.js("customer", "list")["customers"])
    eq(custs(ws2), custs(ws), "the same customers")
    # the segments in the export are the ones the CSV gave
    seg_of = {x["customer"]: x["segment"] for x in seg_rows}
    for c in ws.js("customer", "list")["customers"]:
        if c["name"] in seg_of:
            eq(c["segment"] or "", seg_of[c["name"]], f"segment of {c['name']}")


FORMULA_NAMES = ["=SUM(A1:A9)", "+86 138", "-minus", "@handle", "\tTabbed", "'quoted",
                 "'=already", "''double", "=\"x\",y", "\rCR first"]


@test
def export_neutralises_formulas_and_import_restores_them():
    ws = Workspace()
    setup(ws)
    for i, name in enumerate(FORMULA_NAMES):
        ws.ok("sale", "add", "P1", "--date", f"2026-04-{i + 1:02d}", "--customer", name,
              "--product", "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "10.00")
    others = ["plain = name", " leading space", "trailing space ", "two\nlines", "\ufeffBOM first",
              "a\r\nb"]
    for i, name in enumerate(others):
        ws.ok("sale", "add", "P1", "--date", f"2026-04-{i + 20:02d}", "--customer", name,
              "--product", "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "10.00")
    stored = sorted(c["name"] for c in ws.js("customer", "list")["customers"])
    eq(stored, sorted(FORMULA_NAMES + others), "sale add keeps names as given")

    out = export_bytes(ws).decode()
    _, erows = parse_csv(out)
    cells = {x["customer"] for x in erows}
    for name in FORMULA_NAMES:
        assert "'" + name in cells, f"{name!r} is exported as {('' + chr(39) + name)!r}: {cells}"
    for name in others:
        assert name in cells, (name, cells)
    for x in erows:  # no exported text cell starts a formula
        for col in ("customer", "product", "channel", "rep", "promotion", "segment"):
            assert x[col][:1] not in ("=", "+", "-", "@", "\t", "\r"), (col, x[col])

    ws2 = Workspace()
    setup(ws2)
    ws2.write("e.csv", out)
    ws2.ok("sale", "import", "P1", ws2.path("e.csv"))
    eq(sorted(c["name"] for c in ws2.js("customer", "list")["customers"]), stored,
       "re-import restores the names exactly")
    eq(export_bytes(ws2).decode(), out, "and exports the same text")


@test
def import_unneutralises_only_before_formula_characters():
    ws = Workspace()
    setup(ws)
    cols = ["date", "customer", "product", "channel", "rep", "quantity", "unit_price"]
    names = {"'=A1": "=A1", "'+1": "+1", "''x": "'x", "'abc": "'abc", "'": "'", "''": "'",
             "x'=y": "x'=y"}
    rows = [{"date": "2026-05-01", "customer": k, "product": "SKU-1", "channel": "direct",
             "rep": "rita", "quantity": "1", "unit_price": "1.00"} for k in names]
    ws.write("n.csv", make_csv(cols, rows))
    ws.ok("sale", "import", "P1", ws.path("n.csv"))
    eq(sorted(c["name"] for c in ws.js("customer", "list")["customers"]),
       sorted(set(names.values())), "one leading ' removed only before = + - @ TAB CR '")


# --- import errors: exit 65, nothing written, line and column reported ------------

GOOD = {"date": "2026-02-01", "customer": "华东贸易", "product": "SKU-1", "channel": "direct",
        "rep": "rita", "quantity": "2", "unit_price": "199.00", "discount": "1.00",
        "promotion": "SPRING", "segment": "SMB"}


def good_rows(n, base=0):
    out = []
    for i in range(n):
        r = dict(GOOD)
        r["customer"] = f"好客户{base + i}"
        r["quantity"] = str(i + 1)
        out.append(r)
    return out


def seeded(ws):
    """A workspace with some sales already, so "nothing written" is a real check."""
    setup(ws)
    ws.write("seed.csv", make_csv(HEADER, good_rows(4, 100)))
    ws.ok("sale", "import", "P1", ws.path("seed.csv"))
    return state(ws)


def import_fails(ws, text, expect, as_=None, code=65, name="bad.csv", args=()):
    """Import text; expect exit code, nothing changed, and each (line, column, text) reported."""
    before = state(ws)
    if isinstance(text, str):
        text = text.encode()
    with open(ws.path(name), "wb") as f:  # bytes exactly as given
        f.write(text)
    r = ws.run("sale", "import", "P1", ws.path(name), *args, as_=as_)
    eq(r.code, code, f"exit code of a bad import ({r.err!r})")
    for line, column, msg in expect:
        want = f"line {line}, column {column}: " if line is not None else ""
        found = [ln for ln in r.err.splitlines() if ln.startswith(want) and msg in ln]
        assert found, f"expected {want!r}...{msg!r} in stderr:\n{r.err}"
    eq(state(ws), before, "a failed import changes nothing")
    return r


def bad_row_case(col, value, column, msg, extra=None):
    def fn():
        ws = Workspace()
        seeded(ws)
        rows = good_rows(5)
        rows[2] = dict(rows[2], **{col: value}, **(extra or {}))
        # header is line 1, rows[2] is line 4
        import_fails(ws, make_csv(HEADER, rows), [(4, column, msg)])
        # the same file as a dry run fails the same way and writes nothing
        r = import_fails(ws, make_csv(HEADER, rows), [(4, column, msg)], name="bad2.csv",
                         args=("--dry-run",))
        assert "1 bad row; nothing was imported" in r.err, r.err
    return fn


BAD_ROWS = [
    ("bad_date", "date", "2026/02/01", "date", '"2026/02/01" is not a date'),
    ("date_not_real", "date", "2026-02-30", "date", '"2026-02-30" is not a real calendar date'),
    ("date_month_13", "date", "2026-13-01", "date", "2026-13-01"),
    ("unknown_product", "product", "SKU-404", "product", 'no product with SKU "SKU-404"'),
    ("unknown_channel", "channel", "pigeon", "channel", 'no channel "pigeon"'),
    ("rep_not_on_project", "rep", "olga", "rep", '"olga" is not a rep on this project'),
    ("rep_unknown_user", "rep", "nobody", "rep", '"nobody" is not a rep on this project'),
    ("rep_is_viewer", "rep", "vic", "rep", '"vic" is not a rep on this project'),
    ("quantity_zero", "quantity", "0", "quantity", '"0" is not a positive integer'),
    ("quantity_negative", "quantity", "-3", "quantity", '"-3" is not a positive integer'),
    ("quantity_not_integer", "quantity", "2.5", "quantity", '"2.5" is not an integer'),
    ("quantity_words", "quantity", "two", "quantity", '"two" is not an integer'),
    ("quantity_too_large", "quantity", "99999999999999999999", "quantity", "is too large"),
    ("quantity_past_its_limit", "quantity", "9223372036854775807", "quantity",
     "the quantity is above the limit of 1000000000"),
    ("price_comma", "unit_price", "12,5", "unit_price", '"12,5" is not a decimal'),
    ("price_exponent", "unit_price", "1e3", "unit_price", '"1e3" is not a decimal'),
    ("price_three_decimals", "unit_price", "12.345", "unit_price",
     '"12.345" has more than two decimal places'),
    ("price_negative", "unit_price", "-5.00", "unit_price", "the unit price cannot be negative"),
    ("discount_larger_than_line", "discount", "597.01", "discount",
     "the discount is larger than the line total"),
    ("discount_not_decimal", "discount", "5%", "discount", '"5%" is not a decimal'),
    ("discount_negative", "discount", "-1.00", "discount", "the discount cannot be negative"),
    ("unknown_promotion", "promotion", "XMAS", "promotion", 'no promotion "XMAS"'),
    ("unknown_segment", "segment", "GOV", "segment", 'no segment "GOV"'),
    ("customer_empty", "customer", "", "customer", "a customer name is required"),
]

for _name, _col, _val, _column, _msg in BAD_ROWS:
    _fn = bad_row_case(_col, _val, _column, _msg)
    _fn.__name__ = "import_error_" + _name
    test(_fn)


@test
def import_error_discount_equal_to_line_is_fine():
    ws = Workspace()
    setup(ws)
    rows = good_rows(1)
    rows[0]["quantity"] = "2"
    rows[0]["discount"] = "398.00"  # 2 x 199.00: the whole line
    ws.write("a.csv", make_csv(HEADER, rows))
    ws.ok("sale", "import", "P1", ws.path("a.csv"))
    eq([s["amount"] for s in all_sales(ws)["sales"]], [0], "a fully discounted line is 0")


def header_case(cols, column, msg, line=1):
    def fn():
        ws = Workspace()
        seeded(ws)
        rows = good_rows(3)
        lines = [",".join(cols)]
        for r in rows:
            lines.append(",".join(r.get(c.strip(), "x") for c in cols))
        import_fails(ws, "\r\n".join(lines) + "\r\n", [(line, column, msg)])
    return fn


HEADER_CASES = [
    ("missing_required_column", [c for c in HEADER if c != "rep"], "header",
     'the required column "rep" is missing'),
    ("missing_unit_price_column", [c for c in HEADER if c != "unit_price"], "header",
     'the required column "unit_price" is missing'),
    ("unknown_column", HEADER + ["colour"], "header", 'unknown column "colour"'),
    ("duplicate_column", HEADER + ["date"], "header", 'column "date" appears twice'),
    ("case_differs", ["Date"] + HEADER[1:], "header", 'unknown column "Date"'),
]
for _name, _cols, _column, _msg in HEADER_CASES:
    _fn = header_case(_cols, _column, _msg)
    _fn.__name__ = "import_error_" + _name
    test(_fn)


@test
def import_error_wrong_number_of_fields():
    ws = Workspace()
    seeded(ws)
    text = make_csv(HEADER, good_rows(5))
    lines = text.split("\r\n")
    lines[3] += ",extra"      # line 4: 11 fields
    lines[5] = ",".join(lines[5].split(",")[:-2])  # line 6: 8 fields
    import_fails(ws, "\r\n".join(lines), [(4, "file", "11 fields where the header has 10"),
                                           (6, "file", "8 fields where the header has 10")])


@test
def import_error_unterminated_quote():
    ws = Workspace()
    seeded(ws)
    text = make_csv(HEADER, good_rows(4))
    lines = text.split("\r\n")
    lines[3] = lines[3].replace("好客户2", '"好客户2', 1)  # line 4 opens a quote never closed
    r = import_fails(ws, "\r\n".join(lines), [(4, "file", "not closed")])
    assert "line 4" in r.err, r.err


@test
def import_error_quote_inside_unquoted_field():
    ws = Workspace()
    seeded(ws)
    text = make_csv(HEADER, good_rows(4))
    lines = text.split("\r\n")
    lines[2] = lines[2].replace("好客户1", 'bad"name', 1)  # line 3
    import_fails(ws, "\r\n".join(lines), [(3, "file", "quote")])


@test
def import_of_a_header_only_file_is_a_no_op():
    """An empty project's export (a header, no rows) imports back: nothing to do, exit 0."""
    ws = Workspace()
    seeded(ws)
    ws.ok("project", "create", "EMPTY", "--name", "empty", "--start", "2026-01-01", "--end",
          "2026-12-31")
    ws.ok("sale", "export", "EMPTY", "-o", ws.path("empty.csv"))
    eq(ws.read("empty.csv"), EXPORT_HEADER + "\r\n", "an empty project exports its header only")
    for args in ((), ("--dry-run",)):
        r = ws.js("sale", "import", "P1", ws.path("empty.csv"), *args)
        eq((r["imported"], r["rows"], r["new_customers"]), (0, 0, 0), f"header only {args}")
    ws.write("blank.csv", EXPORT_HEADER + "\r\n\r\n,,,,,,,,,\r\n")
    before = all_sales(ws)["total"]
    eq(ws.js("sale", "import", "P1", ws.path("blank.csv"))["imported"], 0, "blank rows only")
    eq(all_sales(ws)["total"], before, "nothing written")


@test
def import_error_empty_file():
    ws = Workspace()
    seeded(ws)
    import_fails(ws, "", [(None, None, "the file is empty")])
    import_fails(ws, b"\xef\xbb\xbf", [(None, None, "empty")], name="bom-only.csv")


@test
def import_error_several_bad_rows_all_reported():
    ws = Workspace()
    seeded(ws)
    rows = good_rows(12)
    bad = {3: ("date", "2026-02-29", "date", "not a real calendar date"),   # 2026: no leap day
           5: ("quantity", "0", "quantity", "not a positive integer"),
           8: ("unit_price", "12,5", "unit_price", '"12,5" is not a decimal'),
           9: ("channel", "fax", "channel", 'no channel "fax"'),
           13: ("product", "SKU-9", "product", 'no product with SKU "SKU-9"')}
    for line, (col, val, _, _) in bad.items():
        rows[line - 2][col] = val
    text = make_csv(HEADER, rows)
    # a blank line after line 6 moves the later rows down one physical line
    lines = text.split("\r\n")
    lines.insert(6, "")
    bad = {k + (1 if k > 6 else 0): v for k, v in bad.items()}
    r = import_fails(ws, "\r\n".join(lines), [(k, v[2], v[3]) for k, v in bad.items()])
    assert "5 bad rows; nothing was imported" in r.err, r.err
    # --json: the same rows as data
    rj = ws.run("sale", "import", "P1", ws.path("bad.csv"), json_out=True)
    eq(rj.code, 65, "exit code with --json")
    err = json.loads(rj.err.strip().splitlines()[-1])["error"]
    eq(sorted((x["line"], x["column"]) for x in err["rows"]),
       sorted((k, v[2]) for k, v in bad.items()), "rows in the JSON error")


@test
def import_error_lines_are_physical_lines():
    # a quoted cell spanning two lines: later rows are reported by the line an editor shows
    ws = Workspace()
    seeded(ws)
    rows = good_rows(4)
    rows[0]["customer"] = "two\nlines"   # lines 2-3
    rows[2]["date"] = "2026-02-30"       # line 5
    import_fails(ws, make_csv(HEADER, rows), [(5, "date", "not a real calendar date")])


@test
def import_dry_run_writes_nothing():
    ws = Workspace()
    before = seeded(ws)
    rows = good_rows(7, 500)
    ws.write("ok.csv", make_csv(HEADER, rows))
    r = ws.ok("sale", "import", "P1", ws.path("ok.csv"), "--dry-run", json_out=True).json()
    eq(r, {"imported": 0, "rows": 7, "new_customers": 7, "dry_run": True, "encoding": "UTF-8"},
       "dry-run answer")
    eq(state(ws), before, "a dry run writes nothing")
    # a bad dry run: 65 and the row
    rows[4]["unit_price"] = "1e3"
    ws.write("bad.csv", make_csv(HEADER, rows))
    r = ws.run("sale", "import", "P1", ws.path("bad.csv"), "--dry-run")
    eq(r.code, 65, "bad dry run")
    assert 'line 6, column unit_price: "1e3" is not a decimal' in r.err, r.err
    eq(state(ws), before, "still nothing")


# --- permissions ------------------------------------------------------------------

@test
def rep_imports_and_adds_only_own_sales():
    ws = Workspace()
    setup(ws)
    rows = good_rows(4)
    for r in rows:
        r["rep"] = "rita"
    rows[2]["rep"] = "rob"  # line 4
    import_fails(ws, make_csv(HEADER, rows), [(4, "rep", "you may record only your own sales")],
                 as_="rita")
    rows[2]["rep"] = "rita"
    ws.write("own.csv", make_csv(HEADER, rows))
    ws.ok("sale", "import", "P1", ws.path("own.csv"), as_="rita")
    eq(all_sales(ws)["total"], 4, "rita's own rows imported")

    r = ws.run("sale", "add", "P1", "--date", "2026-03-01", "--customer", "X", "--product",
               "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "1.00", "--rep",
               "rob", as_="rita")
    eq(r.code, 77, f"a rep recording another's sale: {r}")
    s = ws.js("sale", "add", "P1", "--date", "2026-03-01", "--customer", "X", "--product",
              "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "1.00", as_="rita")
    eq(s["rep"], "rita", "the rep defaults to the acting user")
    # rob's sale (added by the manager) cannot be changed by rita
    rs = ws.js("sale", "add", "P1", "--date", "2026-03-02", "--customer", "Y", "--product",
               "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "1.00", "--rep",
               "rob", as_="mona")
    ws.fail("sale", "update", "P1", rs["id"], "--quantity", "5", as_="rita", code=77)
    ws.fail("sale", "delete", "P1", rs["id"], as_="rita", code=77)
    ws.fail("sale", "update", "P1", s["id"], "--rep", "rob", as_="rita", code=77)
    eq(ws.js("sale", "show", "P1", rs["id"])["quantity"], 1, "rob's sale unchanged")
    eq(all_sales(ws)["total"], 6, "sales")


@test
def viewer_cannot_write():
    ws = Workspace()
    before = seeded(ws)
    ws.write("ok.csv", make_csv(HEADER, good_rows(2, 900)))
    ws.fail("sale", "import", "P1", ws.path("ok.csv"), as_="vic", code=77)
    ws.fail("sale", "add", "P1", "--date", "2026-03-01", "--customer", "X", "--product", "SKU-1",
            "--channel", "direct", "--quantity", "1", "--price", "1.00", "--rep", "rita",
            as_="vic", code=77)
    sid = before[0]["sales"][0]["id"]
    ws.fail("sale", "update", "P1", sid, "--quantity", "9", as_="vic", code=77)
    ws.fail("sale", "delete", "P1", sid, as_="vic", code=77)
    ws.fail("customer", "update", "好客户100", "--segment", "ENT", as_="vic", code=77)
    eq(state(ws), before, "the viewer changed nothing")
    eq(all_sales(ws, as_="vic")["total"], 4, "but reads the sales")


@test
def non_member_gets_not_found():
    ws = Workspace()
    before = seeded(ws)
    ws.write("ok.csv", make_csv(HEADER, good_rows(2, 900)))
    for args in (("sale", "list", "P1"), ("sale", "export", "P1"),
                 ("sale", "show", "P1", before[0]["sales"][0]["id"]),
                 ("sale", "import", "P1", ws.path("ok.csv")),
                 ("sale", "add", "P1", "--date", "2026-03-01", "--customer", "X", "--product",
                  "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "1.00")):
        r = ws.fail(*args, as_="olga", code=1)
        assert 'no project "P1"' in r.err, (args, r.err)
    eq(state(ws), before, "nothing written")


# --- single sales: add, show, update, delete, versions ----------------------------

def add_sale(ws, day, customer, qty, price, **kw):
    args = ["sale", "add", "P1", "--date", day, "--customer", customer, "--product",
            kw.get("product", "SKU-1"), "--channel", kw.get("channel", "direct"), "--quantity",
            str(qty), "--price", price]
    for k in ("rep", "discount", "promotion", "segment"):
        if k in kw:
            args += ["--" + k, kw[k]]
    return ws.js(*args)


@test
def sale_add_show_and_cost_from_price_history():
    ws = Workspace()
    setup(ws)
    ws.ok("product", "update", "SKU-1", "--cost", "90.00", "--effective", "2026-03-01")
    a = add_sale(ws, "2026-02-28", "华东贸易", 3, "199.50", discount="0.50", rep="rob",
                 promotion="SPRING", segment="SMB")
    eq((a["quantity"], a["unit_price"], a["discount"], a["amount"]),
       (3, 19950, 50, 3 * 19950 - 50), "numbers")
    eq(a["cost"], 3 * 8000, "cost from the cost in force on 2026-02-28")
    eq((a["customer"], a["rep"], a["promotion"], a["segment"], a["version"]),
       ("华东贸易", "rob", "SPRING", "SMB", 1), "fields")
    b = add_sale(ws, "2026-03-01", "华东贸易", 2, "10.00", segment="ENT")
    eq(b["cost"], 2 * 9000, "cost from the new cost on its first day")
    eq(b["segment"], "ENT", "a sale named in a segment is made in it")
    eq(ws.js("customer", "show", "华东贸易")["segment"], "SMB",
       "the existing customer keeps their segment")
    c = add_sale(ws, "2026-03-02", "华东贸易", 1, "10.00")
    eq(c["segment"], "SMB", "without a segment, the customer's")
    eq(b["rep"], "admin", "the rep defaults to the acting user")
    eq(ws.js("sale", "show", "P1", a["id"]), a, "show = add")
    human = ws.ok("sale", "show", "P1", a["id"]).out
    assert "华东贸易" in human and "598.00" in human, human
    ws.fail("sale", "show", "P1", 999, code=1, contains="no sale 999")
    r = ws.run("sale", "add", "P1", "--date", "2026-03-01", "--customer", "X", "--product",
               "SKU-1", "--channel", "direct", "--quantity", "0", "--price", "1.00")
    eq(r.code, 65, f"quantity 0 on sale add: {r}")
    r = ws.run("sale", "add", "P1", "--date", "2026-02-30", "--customer", "X", "--product",
               "SKU-1", "--channel", "direct", "--quantity", "1", "--price", "1.00")
    assert r.code in (2, 65), f"a non-real date on sale add: {r}"
    eq(all_sales(ws)["total"], 3, "the failed adds wrote nothing")


@test
def sale_update_and_delete_with_versions():
    ws = Workspace()
    setup(ws)
    s = add_sale(ws, "2026-02-01", "A", 2, "100.00")
    u = ws.js("sale", "update", "P1", s["id"], "--quantity", "5", "--version", "1")
    eq((u["id"], u["version"], u["quantity"], u["amount"]), (s["id"], 2, 5, 50000), "update")
    r = ws.fail("sale", "update", "P1", s["id"], "--quantity", "7", "--version", "1", code=1)
    assert "version" in r.err, r.err
    r = ws.fail("sale", "delete", "P1", s["id"], "--version", "1", code=1)
    assert "version" in r.err, r.err
    eq(ws.js("sale", "show", "P1", s["id"]), u, "stale writes changed nothing")
    d = ws.js("sale", "delete", "P1", s["id"], "--version", "2")
    eq(d, {"deleted": s["id"]}, "delete answer")
    ws.fail("sale", "show", "P1", s["id"], code=1)
    eq(all_sales(ws)["total"], 0, "deleted")


@test
def sale_update_moves_goal_rollups():
    ws = Workspace(today="2026-03-15")
    setup(ws)
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "100000.00", "--start",
          "2026-03-01", "--due", "2026-03-31")
    ws.ok("goal", "add", "P1", "--metric", "units", "--target", "1000", "--start",
          "2026-03-01", "--due", "2026-03-31", "--scope", "channel=tmall")

    def actuals():
        return [g["actual"] for g in ws.js("goal", "list", "P1")["goals"]]

    s1 = add_sale(ws, "2026-03-05", "A", 3, "100.00", discount="10.00")
    s2 = add_sale(ws, "2026-03-06", "B", 2, "50.00", channel="tmall")
    add_sale(ws, "2026-02-28", "C", 9, "70.00", channel="tmall")  # before the window
    eq(actuals(), [29000 + 10000, 2], "after adds")
    ws.ok("sale", "update", "P1", s1["id"], "--quantity", "4")  # +100.00
    eq(actuals(), [39000 + 10000, 2], "quantity change moves revenue by the difference")
    ws.ok("sale", "update", "P1", s2["id"], "--channel", "direct")
    eq(actuals(), [49000, 0], "channel change moves the scoped units")
    ws.ok("sale", "update", "P1", s2["id"], "--date", "2026-04-01")
    eq(actuals(), [39000, 0], "moving a sale out of the window removes it")
    ws.ok("sale", "update", "P1", s1["id"], "--discount", "0")
    eq(actuals(), [40000, 0], "discount change")
    ws.ok("sale", "delete", "P1", s1["id"])
    eq(actuals(), [0, 0], "delete")


# --- list filters, sort and paging ------------------------------------------------

@test
def sale_list_filters_sort_and_paging():
    ws = Workspace()
    setup(ws)
    rows = gen_rows(600, seed=3, segments=True)
    ws.write("a.csv", make_csv(SHUFFLED + ["segment"], rows))
    ws.ok("sale", "import", "P1", ws.path("a.csv"))
    universe = all_sales(ws)["sales"]
    # each sale keeps the segment its customer had when it was made (the CSV's, here)
    seg_of_row = {key_of_csv(x): x["segment"] or None for x in rows}
    for s in universe:
        eq(s["segment"], seg_of_row[key_of_json(s)], "a sale's segment")
    eq(sorted(key_of_json(s) for s in universe), sorted(key_of_csv(x) for x in rows), "stored")
    for s in universe:  # amounts recomputed here from the CSV numbers
        eq(s["amount"], s["quantity"] * s["unit_price"] - s["discount"], "amount")

    def expect(pred, key, desc=False):
        sel = [s for s in universe if pred(s)]
        sel.sort(key=lambda s: (key(s), s["id"]), reverse=desc)
        return [s["id"] for s in sel]

    def got(*args):
        r = ws.js("sale", "list", "P1", *args)
        return [s["id"] for s in r["sales"]], r["total"]

    by_date = lambda s: s["date"]  # noqa: E731
    cases = [
        (("--from", "2026-02-10", "--to", "2026-03-20"),
         lambda s: "2026-02-10" <= s["date"] <= "2026-03-20", by_date, False),
        (("--channel", "tmall"), lambda s: s["channel"] == "tmall", by_date, False),
        (("--product", "SKU-2", "--rep", "rob"),
         lambda s: s["product"] == "SKU-2" and s["rep"] == "rob", by_date, False),
        (("--customer", "Acme, Inc."), lambda s: s["customer"] == "Acme, Inc.", by_date, False),
        (("--customer", "nobody at all"), lambda s: False, by_date, False),
        # part of a name, A-Z in any case; % and _ are letters, not wildcards
        (("--customer", "acme"), lambda s: "acme" in s["customer"].lower(), by_date, False),
        (("--customer", "星"), lambda s: "星" in s["customer"], by_date, False),
        (("--customer", "%"), lambda s: "%" in s["customer"], by_date, False),
        (("--segment", "ENT"), lambda s: s["segment"] == "ENT", by_date, False),
        (("--segment", "SMB", "--channel", "tmall"),
         lambda s: s["segment"] == "SMB" and s["channel"] == "tmall", by_date, False),
        (("--sort", "amount"), lambda s: True, lambda s: s["amount"], False),
        (("--sort", "amount", "--desc"), lambda s: True, lambda s: s["amount"], True),
        (("--sort", "quantity", "--channel", "direct"), lambda s: s["channel"] == "direct",
         lambda s: s["quantity"], False),
        (("--sort", "customer", "--desc"), lambda s: True,
         lambda s: s["customer"].encode(), True),
        (("--sort", "id", "--desc"), lambda s: True, lambda s: 0, True),
        (("--desc",), lambda s: True, by_date, True),
    ]
    for args, pred, key, desc in cases:
        ids, total = got(*args)
        want = expect(pred, key, desc)
        eq(ids, want, f"sale list {' '.join(args)}")
        eq(total, len(want), f"total of {' '.join(args)}")

    want = expect(lambda s: s["channel"] == "partner", lambda s: s["amount"], True)
    ids, total = got("--channel", "partner", "--sort", "amount", "--desc", "--limit", "25",
                     "--offset", "10")
    eq(ids, want[10:35], "a page")
    eq(total, len(want), "total ignores limit and offset")
    ids, total = got("--limit", "10", "--offset", str(len(universe) - 3))
    eq(ids, expect(lambda s: True, by_date)[-3:], "the last page is short")
    ids, _ = got("--offset", str(len(universe) + 5))
    eq(ids, [], "past the end")
    # the text table shows 50 rows by default, and says so
    out = ws.ok("sale", "list", "P1").out
    assert f"(50 of {len(universe)} shown" in out, out[-200:]
    ws.fail("sale", "list", "P1", "--sort", "colour", code=65)
    ws.fail("sale", "list", "P1", "--channel", "fax", code=65, contains='no channel "fax"')
    ws.fail("sale", "list", "P1", "--segment", "GOV", code=65, contains='no segment "GOV"')
    # the export filters the same way
    exp = ws.ok("sale", "export", "P1", "--channel", "tmall", "--from", "2026-03-01").out
    _, erows = parse_csv(exp)
    want_rows = [s for s in universe if s["channel"] == "tmall" and s["date"] >= "2026-03-01"]
    eq(sorted(key_of_csv(x) for x in erows), sorted(key_of_json(s) for s in want_rows),
       "filtered export")
    exp = ws.ok("sale", "export", "P1", "--segment", "SMB").out
    _, erows = parse_csv(exp)
    want_rows = [s for s in universe if s["segment"] == "SMB"]
    eq(sorted(key_of_csv(x) for x in erows), sorted(key_of_json(s) for s in want_rows),
       "export of one segment")


# --- customers --------------------------------------------------------------------

@test
def first_purchase_follows_imports_updates_and_deletes():
    ws = Workspace()
    setup(ws)
    s1 = add_sale(ws, "2026-05-01", "华东贸易", 1, "10.00")

    def first():
        return ws.js("customer", "show", "华东贸易")["first_sale"]

    eq(first(), "2026-05-01", "first sale")
    rows = [dict(GOOD, customer="华东贸易", date="2026-02-03"),
            dict(GOOD, customer="新客户", date="2026-06-01")]
    ws.write("a.csv", make_csv(HEADER, rows))
    r = ws.js("sale", "import", "P1", ws.path("a.csv"))
    eq(r["new_customers"], 1, "only one name is new")
    eq(first(), "2026-02-03", "an imported earlier sale moves the first purchase")
    feb = [s for s in all_sales(ws)["sales"] if s["date"] == "2026-02-03"][0]
    ws.ok("sale", "update", "P1", feb["id"], "--date", "2026-07-01")
    eq(first(), "2026-05-01", "moving that sale later moves it back")
    ws.ok("sale", "update", "P1", s1["id"], "--date", "2026-01-15")
    eq(first(), "2026-01-15", "moving a sale earlier")
    ws.ok("sale", "delete", "P1", s1["id"])
    eq(first(), "2026-07-01", "deleting the first sale")


@test
def import_counts_every_bad_row_of_many():
    ws = Workspace()
    before = seeded(ws)
    rows = good_rows(1500)
    for i in range(0, 1500, 5):
        rows[i]["date"] = "2026-02-31"      # 300 rows: lines 2, 7, 12, ...
    for i in range(1, 1500, 5):
        rows[i]["product"] = "NOPE"         # 300 rows: lines 3, 8, ...
    for i in range(2, 1500, 5):
        rows[i]["quantity"] = "-1"          # 300 rows
    for i in range(3, 1500, 5):
        rows[i]["channel"] = "x"            # 300 rows: 1200 bad of 1500
    ws.write("bad.csv", make_csv(HEADER, rows))
    r = ws.run("sale", "import", "P1", ws.path("bad.csv"))
    eq(r.code, 65, "exit")
    assert "1200 bad rows; nothing was imported" in r.err, r.err[-300:]
    listed = [ln for ln in r.err.splitlines() if ln.startswith("line ")]
    assert listed[0].startswith("line 2, column date:"), listed[0]
    assert listed[1].startswith("line 3, column product:"), listed[1]
    assert listed[2].startswith("line 4, column quantity:"), listed[2]
    assert listed[3].startswith("line 5, column channel:"), listed[3]
    shown = len(listed)
    if shown < 1200:  # a capped list must say how many more there are
        assert f"... and {1200 - shown} more bad rows" in r.err, r.err[-300:]
    eq(state(ws), before, "nothing written")


@test
def an_added_sale_is_answered_as_it_is_stored():
    """The answer to `sale add` (built from the write, not read back) is the sale `sale show`
    reads from the database afterwards, field for field: a customer's segment named or taken
    from the customer, a promotion or none, a price given or the price in force, a new
    customer and one already known, and a name with quotes, commas and CJK."""
    ws = Workspace(today="2026-06-01")
    setup(ws)
    base = ["--product", "SKU-1", "--channel", "direct", "--rep", "rita", "--quantity", "2"]
    cases = [
        ("2026-03-01", "新客户, \"甲\"", ["--price", "180.00"]),
        ("2026-03-02", "新客户, \"甲\"", ["--segment", "ENT", "--price", "180.00"]),
        ("2026-03-03", "Acme, Inc.", ["--segment", "SMB", "--promotion", "SPRING",
                                      "--discount", "20.00", "--price", "199.00"]),
        ("2026-03-04", "Acme, Inc.", []),  # the price in force; segment from the customer
        ("2026-03-05", "zeta", ["--promotion", "GIFT", "--price", "0.00"]),
    ]
    for d, cust, extra in cases:
        added = ws.js("sale", "add", "P1", "--date", d, "--customer", cust, *base, *extra)
        shown = ws.js("sale", "show", "P1", str(added["id"]))
        eq(added, shown, f"sale of {d} to {cust!r}: the answer is the stored sale")
    # the segment a customer brings is its own (SMB, from its first sale), none for zeta
    shown = {s["date"]: s for s in ws.js("sale", "list", "P1")["sales"]}
    eq([shown[d].get("segment") or "" for d, _, _ in cases], ["", "ENT", "SMB", "SMB", ""],
       "each sale's segment")
    eq(shown["2026-03-04"]["unit_price"], 19900, "the price in force: 199.00")


@test
def customer_list_show_update():
    ws = Workspace()
    setup(ws)
    rows = gen_rows(400, seed=5, segments=True)
    ws.write("a.csv", make_csv(HEADER, rows, bom=True))
    ws.ok("sale", "import", "P1", ws.path("a.csv"))
    first, seg = {}, {}
    for x in rows:
        first[x["customer"]] = min(first.get(x["customer"], "9999"), x["date"])
        seg.setdefault(x["customer"], x["segment"] or None)
    cl = ws.js("customer", "list")["customers"]
    eq({c["name"]: (c["segment"], c["first_sale"]) for c in cl},
       {n: (seg[n], first[n]) for n in first}, "customers")
    eq([c["name"] for c in cl], sorted(first, key=lambda n: n.encode()), "listed by name")
    found = ws.js("customer", "list", "--search", "客户00")["customers"]
    eq(sorted(c["name"] for c in found), sorted(n for n in first if "客户00" in n), "search")
    eq(len(ws.js("customer", "list", "--limit", "5")["customers"]), 5, "limit")

    name = 'Say "Hi" Ltd'
    c = ws.js("customer", "show", name)
    eq((c["name"], c["segment"], c["first_sale"]), (name, seg[name], first[name]), "show")
    u = ws.js("customer", "update", name, "--segment", "ENT" if seg[name] != "ENT" else "SMB",
              "--version", str(c["version"]))
    eq(u["version"], c["version"] + 1, "version bumped")
    r = ws.fail("customer", "update", name, "--segment", "SMB", "--version", str(c["version"]),
                code=1)
    assert "version" in r.err, r.err
    ws.fail("customer", "update", name, "--segment", "GOV", code=65)
    ws.fail("customer", "update", name, "--segment", "SMB", as_="rita", code=77)
    eq(ws.js("customer", "show", name), u, "failed updates change nothing")
    cleared = ws.js("customer", "update", name, "--segment", "")
    eq(cleared["segment"], None, "segment cleared")
    ws.fail("customer", "show", "no such customer", code=1)



@test
def json_output_names_files_with_any_characters():
    """--json answers that repeat a file name the user gave are still JSON."""
    ws = Workspace()
    setup(ws)
    name = 'out "q" \\ 导出\t.csv'
    got = ws.js("sale", "export", "P1", "-o", ws.path(name))
    eq(got["file"], ws.path(name), "export file name")
    eq(got["bytes"], os.path.getsize(ws.path(name)), "bytes written")
    if BACKEND == "sqlite":
        got = ws.js("db", "backup", ws.path('copy "1".db'))
        eq(got["backup"], ws.path('copy "1".db'), "backup file name")
        assert os.path.exists(ws.path('copy "1".db')), "the backup was written"
    else:
        # PostgreSQL is backed up with pg_dump: the refusal names the file, as JSON
        r = ws.run("db", "backup", ws.path('copy "1".db'), json_out=True)
        eq(r.code, 2, "usage")
        error = json.loads(r.err)["error"]
        eq((error["reason"], error["params"]["file"]), ("backup_use_pg_dump", ws.path('copy "1".db')),
           "the file named")


if __name__ == "__main__":
    run_all()
