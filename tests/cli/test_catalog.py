"""test_catalog.py - the strategy catalog from the command line: segments,
channels, products with their price history, and promotions.

Each test starts from a fresh workspace. Expected values are worked out here
from the inputs (12.5% is 1250 basis points, 10.00 is 1000 cents), never
copied from the program's output.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403


def cents(major):
    """'12.50' -> 1250, by hand, for expected values."""
    whole, _, frac = major.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def err_json(r):
    """The {"error":{...}} object a --json run wrote on stderr."""
    import json
    return json.loads(r.err.strip().splitlines()[-1])["error"]


def with_users(ws):
    ws.ok("user", "add", "rita", "--name", "Rita Rep", "--role", "rep")
    ws.ok("user", "add", "vic", "--name", "Vic Viewer", "--role", "viewer")
    ws.ok("user", "add", "mona", "--name", "Mona Manager", "--role", "manager")


def snapshot(ws):
    """Everything the catalog commands can show, for before/after comparisons."""
    out = {}
    for noun in ("segment", "channel", "product", "promotion"):
        out[noun] = ws.js(noun, "list")
    for p in out["product"]["products"]:
        out["prices " + p["sku"]] = ws.js("product", "prices", p["sku"])
    return out


def seed(ws):
    ws.ok("segment", "add", "SMB", "--name", "中小企业", "--priority", "1")
    ws.ok("channel", "add", "TMALL", "--name", "天猫旗舰店", "--type", "ecommerce",
          "--cost-rate", "12.5")
    ws.ok("product", "add", "P-100", "--name", "智能手表", "--cost", "10.00", "--price", "20.00",
          "--effective", "2026-01-01")
    ws.ok("promotion", "add", "SPRING", "--name", "春季九折", "--kind", "percent", "--value", "10")


# --- segments ---------------------------------------------------------------------

@test
def segment_add_list_show_update_delete():
    ws = Workspace()
    s = ws.js("segment", "add", "SMB", "--name", "中小企业", "--criteria", "10-200 employees",
              "--priority", "2")
    eq(s["code"], "SMB", "code")
    eq(s["name"], "中小企业", "name")
    eq(s["criteria"], "10-200 employees", "criteria")
    eq(s["priority"], 2, "priority")
    eq(s["version"], 1, "a new record is at version 1")
    ws.js("segment", "add", "ENT", "--name", "Enterprise", "--priority", "1")
    ws.js("segment", "add", "GOV", "--name", "Government")

    # Ranked first by rank (1 before 2), the unranked (0) last.
    codes = [g["code"] for g in ws.js("segment", "list")["segments"]]
    eq(codes, ["ENT", "SMB", "GOV"], "list order")

    shown = ws.js("segment", "show", "SMB")
    eq(shown, s, "show returns what add returned")

    u = ws.js("segment", "update", "SMB", "--priority", "3", "--criteria", "≤200 employees",
              "--region", "华东", "--industry", "贸易", "--company-size", "50-200 人", "--version", "1")
    eq(u["priority"], 3, "updated priority")
    eq(u["criteria"], "≤200 employees", "updated criteria")
    eq((u["region"], u["industry"], u["company_size"]), ("华东", "贸易", "50-200 人"), "who belongs")
    eq(u["name"], "中小企业", "name untouched by update")
    eq(u["version"], 2, "version after one update")

    human = ws.ok("segment", "show", "SMB").out
    assert "中小企业" in human and "≤200 employees" in human, human
    table = ws.ok("segment", "list").out
    assert table.splitlines()[0].split() == ["CODE", "NAME", "PRIORITY", "REGION", "INDUSTRY", "COMPANY",
                                             "SIZE", "CRITERIA"], table
    assert "华东" in table.splitlines()[2] and "50-200 人" in table.splitlines()[2], table

    d = ws.js("segment", "delete", "SMB", "--version", "2")
    eq(d, {"deleted": "SMB"}, "delete answer")
    eq([g["code"] for g in ws.js("segment", "list")["segments"]], ["ENT", "GOV"], "after delete")
    ws.fail("segment", "show", "SMB", code=1, contains='no segment "SMB"')


@test
def segment_stale_version_conflicts():
    ws = Workspace()
    ws.ok("segment", "add", "SMB", "--name", "Small")
    ws.ok("segment", "update", "SMB", "--name", "Small business", "--version", "1")
    r = ws.fail("segment", "update", "SMB", "--name", "Other", "--version", "1", code=1)
    assert "version 1" in r.err and "version 2" in r.err, r.err
    r = ws.fail("segment", "delete", "SMB", "--version", "1", code=1, json_out=True)
    eq(err_json(r)["code"], "conflict", "error code")
    eq(ws.js("segment", "show", "SMB")["name"], "Small business", "the stale writes changed nothing")


# --- channels ---------------------------------------------------------------------

@test
def channel_add_list_show_update_delete():
    ws = Workspace()
    c = ws.js("channel", "add", "TMALL", "--name", "天猫旗舰店", "--type", "ecommerce",
              "--cost-rate", "12.5")
    eq(c["type"], "ecommerce", "type")
    eq(c["cost_rate"], 1250 / 10000, "12.5% as a rate")
    ws.js("channel", "add", "DIRECT", "--name", "Direct sales", "--type", "direct")
    lst = ws.js("channel", "list")["channels"]
    eq([x["code"] for x in lst], ["DIRECT", "TMALL"], "list by code")
    eq(lst[0]["cost_rate"], 0, "no --cost-rate is 0")

    u = ws.js("channel", "update", "TMALL", "--cost-rate", "15", "--type", "partner")
    eq(u["cost_rate"], 1500 / 10000, "15% as a rate")
    eq(u["type"], "partner", "new type")
    eq(u["version"], 2, "version")
    eq(ws.js("channel", "show", "TMALL"), u, "show after update")

    out = ws.ok("channel", "list").out
    assert "15.0%" in out, out  # rates shown to one decimal place
    # in use unless told otherwise; taken out of use, and listed by it
    eq([x["active"] for x in ws.js("channel", "list")["channels"]], [True, True], "new channels are in use")
    ws.ok("channel", "update", "DIRECT", "--active", "no")
    eq([x["code"] for x in ws.js("channel", "list", "--active", "no")["channels"]], ["DIRECT"], "out of use")
    eq([x["code"] for x in ws.js("channel", "list", "--active", "yes")["channels"]], ["TMALL"], "in use")
    eq(ws.js("channel", "add", "OLD", "--name", "old", "--type", "retail", "--active", "no")["active"], False,
       "added out of use when told")
    ws.ok("channel", "delete", "OLD")

    ws.fail("channel", "update", "TMALL", "--name", "x", "--version", "1", code=1,
            contains="version 2")
    eq(ws.js("channel", "delete", "TMALL"), {"deleted": "TMALL"}, "delete")
    eq([x["code"] for x in ws.js("channel", "list")["channels"]], ["DIRECT"], "after delete")


@test
def channel_cost_rate_bounds():
    ws = Workspace()
    ws.ok("channel", "add", "A", "--name", "A", "--type", "retail", "--cost-rate", "100")
    ws.ok("channel", "add", "B", "--name", "B", "--type", "retail", "--cost-rate", "0.01")
    eq(ws.js("channel", "show", "B")["cost_rate"], 1 / 10000, "one basis point")
    r = ws.fail("channel", "add", "C", "--name", "C", "--type", "retail", "--cost-rate", "100.5",
                code=65, json_out=True)
    eq(err_json(r)["field"], "cost_rate", "field")
    ws.fail("channel", "add", "C", "--name", "C", "--type", "retail", "--cost-rate", "-1",
            code=65)
    ws.fail("channel", "add", "C", "--name", "C", "--type", "retail", "--cost-rate", "12.345",
            code=65, contains="--cost-rate")


# --- products and price history -------------------------------------------------

@test
def product_price_history():
    ws = Workspace()
    p = ws.js("product", "add", "P-100", "--name", "智能手表", "--cost", "10.00", "--price",
              "20.00", "--effective", "2026-01-01")
    eq(p["cost"], cents("10.00"), "cost in cents")
    eq(p["price"], cents("20.00"), "price in cents")
    eq(p["active"], True, "a new product is active")

    u = ws.js("product", "update", "P-100", "--price", "25.00", "--effective", "2026-06-01",
              "--reason", "raise for 618", "--version", "1")
    eq(u["price"], 2500, "new price")
    eq(u["cost"], 1000, "cost unchanged")
    eq(u["version"], 2, "version")

    rows = ws.js("product", "prices", "P-100")["prices"]
    got = [(x["effective"], x["cost"], x["price"], x["reason"]) for x in rows]
    eq(got, [("2026-01-01", 1000, 2000, ""), ("2026-06-01", 1000, 2500, "raise for 618")],
       "price history, oldest first")
    assert all(x["product_id"] == p["id"] for x in rows), rows

    # A change of name or of the active flag is not a price change.
    ws.js("product", "update", "P-100", "--name", "智能手表 二代", "--active", "no")
    eq(len(ws.js("product", "prices", "P-100")["prices"]), 2, "no new history row")
    shown = ws.js("product", "show", "P-100")
    eq(shown["active"], False, "deactivated")
    eq(shown["name"], "智能手表 二代", "renamed")
    eq([(x["effective"], x["price"]) for x in shown["prices"]],
       [("2026-01-01", 2000), ("2026-06-01", 2500)], "show carries the history")

    human = ws.ok("product", "prices", "P-100").out
    assert "2026-06-01" in human and "25.00" in human and "admin" in human, human
    human = ws.ok("product", "show", "P-100").out
    assert "price history" in human and "20.00" in human, human


@test
def product_default_effective_is_today():
    ws = Workspace(today="2026-03-15")
    ws.ok("product", "add", "P-1", "--name", "Pen", "--cost", "1", "--price", "2.5")
    ws.ok("product", "update", "P-1", "--cost", "1.20")
    rows = ws.js("product", "prices", "P-1")["prices"]
    eq([(x["effective"], x["cost"], x["price"]) for x in rows],
       [("2026-03-15", 120, 250)], "a second change on one day replaces that day's entry")


@test
def product_list_and_delete():
    ws = Workspace()
    ws.ok("product", "add", "B-2", "--name", "Big", "--cost", "1000000", "--price", "1234567.5")
    ws.ok("product", "add", "A-1", "--name", "Small", "--cost", "0", "--price", "0")
    lst = ws.js("product", "list")["products"]
    eq([x["sku"] for x in lst], ["A-1", "B-2"], "by SKU")
    eq(lst[1]["price"], 123456750, "1234567.5 in cents")
    out = ws.ok("product", "list").out
    assert "1,234,567.50" in out, out  # money grouped in tables
    # margin of B-2: (1234567.50 - 1000000) / 1234567.50 = 19.0%
    assert "19.0%" in out, out
    ws.fail("product", "delete", "B-2", "--version", "7", code=1, contains="version 7")
    eq(ws.js("product", "delete", "B-2"), {"deleted": "B-2"}, "delete")
    ws.fail("product", "prices", "B-2", code=1, contains='no product "B-2"')


# --- promotions -------------------------------------------------------------------

@test
def promotion_kinds_and_values():
    ws = Workspace()
    p = ws.js("promotion", "add", "SPRING", "--name", "春季九折", "--kind", "percent",
              "--value", "12.5", "--start", "2026-03-01", "--end", "2026-03-31",
              "--budget", "50000")
    eq((p["kind"], p["value"], p["unit"]), ("percent", 1250 / 10000, "ratio"), "percent value")
    eq((p["start"], p["end"], p["budget"]), ("2026-03-01", "2026-03-31", 5000000), "window")
    a = ws.js("promotion", "add", "MINUS20", "--name", "立减", "--kind", "amount", "--value",
              "20.00")
    eq((a["value"], a["unit"]), (2000, "money"), "amount value")
    eq((a["start"], a["end"], a["budget"]), (None, None, 0), "open window, no budget")
    g = ws.js("promotion", "add", "PTS", "--name", "积分", "--kind", "points", "--value", "500")
    eq((g["value"], g["unit"]), (500, "count"), "points value")

    eq([x["code"] for x in ws.js("promotion", "list")["promotions"]],
       ["MINUS20", "PTS", "SPRING"], "list by code")

    u = ws.js("promotion", "update", "SPRING", "--end", "2026-04-15", "--value", "15",
              "--version", "1")
    eq((u["end"], u["value"], u["version"]), ("2026-04-15", 1500 / 10000, 2), "updated")
    # --value reads as the kind the promotion has after the change.
    k = ws.js("promotion", "update", "SPRING", "--kind", "amount", "--value", "8.80")
    eq((k["kind"], k["value"], k["unit"]), ("amount", 880, "money"), "kind changed")

    r = ws.fail("promotion", "update", "SPRING", "--start", "2026-05-01", code=65,
                json_out=True)
    eq(err_json(r)["field"], "end", "end before start")
    ws.fail("promotion", "add", "X", "--name", "x", "--kind", "percent", "--value", "150",
            code=65, contains="100%")
    ws.fail("promotion", "add", "X", "--name", "x", "--kind", "discount", code=65,
            contains="not a promotion kind")
    ws.fail("promotion", "add", "X", "--name", "x", "--kind", "percentage", code=65,
            contains="not a promotion kind")

    out = ws.ok("promotion", "list").out
    assert "50,000.00" in out and "8.80" in out, out
    eq(ws.js("promotion", "delete", "PTS"), {"deleted": "PTS"}, "delete")
    eq(len(ws.js("promotion", "list")["promotions"]), 2, "after delete")


@test
def promotion_value_is_judged_by_the_kind_it_has_after_a_change():
    ws = Workspace()
    ws.ok("promotion", "add", "A", "--name", "a", "--kind", "amount", "--value", "88.00")
    eq(ws.js("promotion", "show", "A")["value"], cents("88.00"), "88.00 as cents")
    # The same stored number read as a percent: 8800 basis points are 88%.
    k = ws.js("promotion", "update", "A", "--kind", "percent")
    eq((k["kind"], k["value"], k["unit"]), ("percent", 8800 / 10000, "ratio"), "read as a rate")
    ws.ok("promotion", "update", "A", "--kind", "amount", "--value", "150.00")
    before = ws.js("promotion", "show", "A")
    # 15000 basis points would be 150%: a change of kind alone is judged again.
    r = ws.fail("promotion", "update", "A", "--kind", "percent", code=65, json_out=True)
    eq(err_json(r)["field"], "value", "the value named")
    assert "100%" in err_json(r)["message"], r.err
    # points are a whole number; a gift's value does not take money's decimals
    r = ws.fail("promotion", "update", "A", "--kind", "points", "--value", "1.5", code=65,
                json_out=True)
    eq(err_json(r)["field"], "value", "a count is whole")
    eq(ws.js("promotion", "show", "A"), before, "the refused changes changed nothing")
    p = ws.js("promotion", "update", "A", "--kind", "points", "--value", "300")
    eq((p["value"], p["unit"]), (300, "count"), "points")
    out = ws.ok("promotion", "show", "A").out
    assert "300" in out and "points" in out, out


@test
def product_list_sorts_filters_and_margin():
    ws = Workspace()
    ws.ok("product", "add", "A-1", "--name", "Alpha", "--cost", "30", "--price", "40")
    ws.ok("product", "add", "B-2", "--name", "Beta", "--cost", "10", "--price", "50")
    ws.ok("product", "add", "C-3", "--name", "Gamma", "--cost", "0", "--price", "0")
    lst = ws.js("product", "list", "--sort", "price", "--desc")["products"]
    eq([x["sku"] for x in lst], ["B-2", "A-1", "C-3"], "by price, largest first")
    # (40 - 30) / 40 = 25%, (50 - 10) / 50 = 80%, no price: no margin
    eq([x["margin"] for x in lst], [0.8, 0.25, None], "margins")
    ws.ok("product", "update", "C-3", "--active", "no")
    eq([x["sku"] for x in ws.js("product", "list", "--active", "no")["products"]], ["C-3"],
       "inactive ones")
    eq([x["sku"] for x in ws.js("product", "list", "--name", "ALPHA")["products"]], ["A-1"],
       "name matches in any case")
    ws.fail("product", "list", "--sort", "margin", code=65)
    # a date alone changes nothing: it needs a cost or a price to take effect
    r = ws.fail("product", "update", "A-1", "--effective", "2026-05-01", code=65, json_out=True)
    eq(err_json(r)["field"], "effective", "effective without a change")


# --- errors shared by the nouns ---------------------------------------------------

@test
def duplicate_codes_conflict():
    ws = Workspace()
    seed(ws)
    for args, what in [
        (("segment", "add", "SMB", "--name", "again"), 'a segment with code "SMB" exists'),
        (("channel", "add", "TMALL", "--name", "again", "--type", "retail"),
         'a channel with code "TMALL" exists'),
        (("product", "add", "P-100", "--name", "again", "--cost", "1", "--price", "2"),
         'a product with sku "P-100" exists'),
        (("promotion", "add", "SPRING", "--name", "again", "--kind", "gift"),
         'a promotion with code "SPRING" exists'),
    ]:
        ws.fail(*args, code=1, contains=what)


@test
def bad_input_names_the_field():
    ws = Workspace()
    seed(ws)
    cases = [
        (("product", "add", "P-2", "--name", "x", "--cost", "12,5", "--price", "1"), "cost"),
        (("product", "add", "P-2", "--name", "x", "--cost", "1", "--price", "1e3"), "price"),
        (("product", "add", "P-2", "--name", "x", "--cost", "-1", "--price", "1"), "cost"),
        (("product", "add", "P-2", "--name", "x", "--cost", "1", "--price", "1",
          "--effective", "2026-02-30"), "effective"),
        (("product", "update", "P-100", "--active", "maybe"), "active"),
        (("product", "add", "P 2", "--name", "x", "--cost", "1", "--price", "1"), "sku"),
        (("channel", "add", "C", "--name", "x", "--type", "shop"), "type"),
        (("channel", "update", "TMALL", "--type", "Direct"), "type"),
        (("segment", "add", "S2", "--name", "n" * 200), "name"),
        (("segment", "add", "S2", "--name", "x", "--priority", "-1"), "priority"),
        (("segment", "add", "S2", "--name", "x", "--priority", "high"), "priority"),
        (("segment", "update", "SMB", "--name", ""), "name"),
        (("promotion", "add", "X", "--name", "x", "--kind", "gift", "--start", "2026-13-01"),
         "start"),
        (("promotion", "add", "X", "--name", "x", "--kind", "amount", "--budget", "-5"),
         "budget"),
        (("segment", "add", "S" * 64, "--name", "x"), "code"),
    ]
    for args, field in cases:
        r = ws.fail(*args, code=65, json_out=True)
        eq(err_json(r)["field"], field, " ".join(args[:3]))
    # A name of 199 bytes is the most that fits; 200 is one too many.
    ws.ok("segment", "add", "S2", "--name", "n" * 199)
    # The human message names what was wrong and with what.
    ws.fail("product", "add", "P-2", "--name", "x", "--cost", "12,5", "--price", "1", code=65,
            contains='--cost: "12,5" is not a decimal')
    # Missing required options are usage errors.
    ws.fail("channel", "add", "C", "--name", "x", code=2, contains="--type")
    ws.fail("product", "add", "P-3", "--name", "x", "--cost", "1", code=2, contains="--price")
    ws.fail("segment", "add", "S3", code=2, contains="--name")


@test
def reps_and_viewers_cannot_write():
    ws = Workspace()
    seed(ws)
    with_users(ws)
    before = snapshot(ws)
    writes = [
        ("segment", "add", "S2", "--name", "x"),
        ("segment", "update", "SMB", "--name", "x"),
        ("segment", "delete", "SMB"),
        ("channel", "add", "C2", "--name", "x", "--type", "retail"),
        ("channel", "update", "TMALL", "--cost-rate", "1"),
        ("product", "add", "P-2", "--name", "x", "--cost", "1", "--price", "2"),
        ("product", "update", "P-100", "--price", "30"),
        ("product", "delete", "P-100"),
        ("promotion", "add", "X", "--name", "x", "--kind", "gift"),
        ("promotion", "delete", "SPRING"),
    ]
    for who in ("rita", "vic"):
        for args in writes:
            r = ws.fail(*args, as_=who, code=77)
            assert "manager" in r.err and who in r.err, r.err
    eq(snapshot(ws), before, "denied writes changed nothing")
    # Reads are open to every role.
    for who in ("rita", "vic"):
        eq(ws.js("product", "prices", "P-100", as_=who), before["prices P-100"], "prices as " + who)
        eq(ws.js("channel", "list", as_=who), before["channel"], "channels as " + who)
        ws.ok("segment", "show", "SMB", as_=who)
    # A manager may write.
    ws.ok("segment", "add", "S2", "--name", "x", as_="mona")
    ws.ok("product", "update", "P-100", "--price", "30", as_="mona")


@test
def failed_commands_change_nothing():
    ws = Workspace()
    seed(ws)
    ws.ok("product", "update", "P-100", "--price", "25.00", "--effective", "2026-06-01")
    before = snapshot(ws)
    ws.fail("product", "update", "P-100", "--price", "30.00", "--version", "1", code=1)
    ws.fail("product", "update", "P-100", "--price", "30.00", "--cost", "-2", code=65)
    ws.fail("product", "update", "P-100", "--price", "30.00", "--effective", "someday", code=65)
    ws.fail("product", "add", "P-100", "--name", "dup", "--cost", "1", "--price", "2", code=1)
    ws.fail("channel", "update", "TMALL", "--cost-rate", "101", code=65)
    ws.fail("promotion", "update", "SPRING", "--start", "2026-05-01", "--end", "2026-04-01",
            code=65)
    ws.fail("segment", "delete", "SMB", "--version", "9", code=1)
    ws.fail("segment", "delete", "NOPE", code=1)
    eq(snapshot(ws), before, "catalog after failed commands")


def sql(ws, statement, *params):
    """Write rows other modules own (customers, goals) straight into the database."""
    return ws.sql(statement, *params)


@test
def delete_refused_while_referenced():
    ws = Workspace()
    seed(ws)
    ws.ok("project", "create", "Q1", "--name", "Q1", "--start", "2026-01-01", "--end",
          "2026-03-31")
    seg = ws.js("segment", "show", "SMB")["id"]
    chan = ws.js("channel", "show", "TMALL")["id"]
    prod = ws.js("product", "show", "P-100")["id"]
    project = ws.js("project", "show", "Q1")["id"]
    for name in ("甲公司", "乙公司"):
        sql(ws, "INSERT INTO customers (name, segment_id, created_at, updated_at) "
                "VALUES (?, ?, 0, 0)", name, seg)
    sql(ws, "INSERT INTO goals (project_id, metric, scope_channel_id, scope_product_id, "
            "created_at, updated_at) VALUES (?, 'revenue', ?, ?, 0, 0)", project, chan, prod)
    before = snapshot(ws)
    ws.fail("segment", "delete", "SMB", code=1, contains="used by 2 customers")
    ws.fail("channel", "delete", "TMALL", code=1, contains="used by 1 goal")
    r = ws.fail("product", "delete", "P-100", code=1, json_out=True)
    eq(err_json(r)["code"], "conflict", "error code")
    assert "1 goal" in err_json(r)["message"], r.err
    eq(snapshot(ws), before, "refused deletes changed nothing")
    # The promotion is not referred to: it goes.
    ws.ok("promotion", "delete", "SPRING")


@test
def every_command_has_help_with_example():
    ws = Workspace()
    for noun, verbs in [("segment", ["add", "list", "show", "update", "delete"]),
                        ("channel", ["add", "list", "show", "update", "delete"]),
                        ("product", ["add", "list", "show", "update", "delete", "prices"]),
                        ("promotion", ["add", "list", "show", "update", "delete"])]:
        for verb in verbs:
            out = ws.ok(noun, verb, "--help").out
            assert out.startswith("usage: salespm %s %s" % (noun, verb)), out
            assert "example:\n  salespm %s %s" % (noun, verb) in out, out


@test
def empty_lists():
    ws = Workspace()
    for noun, key in [("segment", "segments"), ("channel", "channels"),
                      ("product", "products"), ("promotion", "promotions")]:
        got = ws.js(noun, "list")
        eq(got[key], [], noun + " list")
        eq(got.get("total", 0), 0, noun + " list total")
        assert "no %s yet" % key in ws.ok(noun, "list").out


run_all()
