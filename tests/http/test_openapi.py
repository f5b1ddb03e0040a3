"""test_openapi.py - the OpenAPI document is complete and true.

Every route the server serves has an operation with an operationId and a tag; the
document served is the one the binary prints and the committed docs/openapi.json;
and at the edges of the input schemas (enums, bounds, patterns, lengths, the
Idempotency-Key's characters, DELETE's version) the document and the server agree
on what is valid, each case's validity written down by hand from the rules.
(Every answer of every HTTP suite is also checked against the document by the
harness's Client.)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from harness import (BIN, ROOT, Server, Workspace, eq, openapi, run_all,  # noqa: E402
                     served_routes, test)
from openapi_check import Validator  # noqa: E402


def printed():
    return subprocess.run([BIN, "serve", "--print-openapi"], capture_output=True, check=True,
                          timeout=60).stdout


@test
def every_route_has_an_operation_and_the_copies_agree():
    doc = json.loads(printed())
    eq(doc["openapi"], "3.1.0", "version")
    routes = served_routes()
    missing = [f"{m} {p}" for m, p in routes if m.lower() not in doc["paths"].get(p, {})]
    eq(missing, [], "routes without an operation")
    extra = [f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops
             if [m.upper(), p] not in routes]
    eq(extra, [], "operations that are not served")
    ops = [op for item in doc["paths"].values() for op in item.values()]
    ids = [op.get("operationId") for op in ops]
    eq([i for i in ids if not i], [], "operations without an operationId")
    eq(sorted({i for i in ids if ids.count(i) > 1}), [], "operationIds used twice")
    eq([op["operationId"] for op in ops if not op.get("tags")], [], "operations without a tag")
    # OpenAPI 3.1 says "null" in the type; "nullable" (3.0) must not be left anywhere
    def keywords(node, inside_properties=False):
        if isinstance(node, dict):
            for k, v in node.items():
                if not inside_properties:
                    yield k
                yield from keywords(v, k == "properties" and not inside_properties)
        elif isinstance(node, list):
            for v in node:
                yield from keywords(v)
    eq("nullable" in set(keywords(doc)), False, "nullable keyword left over")
    # every answer of an operation that needs a caller can be 401; a public one never
    for p, item in doc["paths"].items():
        for m, op in item.items():
            public = op.get("security") == []
            eq("401" in op["responses"], not public or p == "/api/v1/session",
               f"401 on {m} {p}")
    with Server(Workspace()) as srv:
        served = srv.client().get("/api/v1/openapi.json")
        eq(served.status, 200, "served")
        eq(served.json(), doc, "the served document is the printed one")
    with open(os.path.join(ROOT, "docs", "openapi.json"), encoding="utf-8") as f:
        eq(json.load(f), doc, "docs/openapi.json is current (run make openapi)")


@test
def error_statuses_are_per_operation():
    doc = openapi().doc
    get = doc["paths"]["/api/v1/workspace"]["get"]["responses"]
    # a read of the workspace takes no body and names no record: no 404, 409, 413, 415
    for s in ("404", "409", "413", "415"):
        eq(s in get, False, f"GET /workspace documents {s}")
    imp = doc["paths"]["/api/v1/projects/{code}/sales/import"]["post"]
    eq(imp["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
       "#/components/schemas/ImportError", "import 422")
    eq("429" in imp["responses"], True, "import 429 (slots)")
    eq(imp["requestBody"]["content"].keys() >= {"text/csv"}, True, "import body type")
    idem = [p for p in imp["parameters"] if p["name"] == "Idempotency-Key"][0]
    eq(idem["schema"]["pattern"], "^[!-~]{1,200}$", "Idempotency-Key pattern")
    dele = doc["paths"]["/api/v1/channels/{code}"]["delete"]
    eq([p["required"] for p in dele["parameters"] if p["name"] == "version"], [True],
       "DELETE needs version")
    sec = doc["components"]["securitySchemes"]
    eq((sec["csrf"]["in"], sec["csrf"]["name"]), ("header", "X-CSRF-Token"), "csrf scheme")
    eq("Origin" in sec["csrf"]["description"], True, "the Origin rule is described")
    eq(doc["paths"]["/api/v1/channels"]["post"]["security"],
       [{"session": [], "csrf": []}, {"bearer": []}], "writes: session + CSRF, or bearer")


def agree(c, v, schema, method, path, body, valid, what, headers=None):
    """The document and the server both judge body as valid (2xx) or not (422)."""
    eq(v.valid(schema, body), valid, f"the document on {what}")
    r = c.request(method, path, body, headers=headers)
    eq(200 <= r.status < 300, valid, f"the server on {what}: {r}")
    if not valid:
        eq(r.status, 422, f"{what}: status")
    return r


@test
def channel_edges_agree():
    ws = Workspace()
    doc = openapi().doc
    v = Validator(doc)
    schema = {"$ref": "#/components/schemas/ChannelIn"}
    with Server(ws) as srv:
        c = srv.client("admin")
        n = [0]

        def body(**kw):
            n[0] += 1
            b = {"code": f"c{n[0]}", "name": "渠道", "type": "direct"}
            b.update(kw)
            return b
        # the six types SPEC.md names, and what it does not
        for t in ("direct", "distributor", "ecommerce", "partner", "retail", "telesales"):
            agree(c, v, schema, "POST", "/api/v1/channels", body(type=t), True, f"type {t}")
        for t in ("Direct", "online", ""):
            r = agree(c, v, schema, "POST", "/api/v1/channels", body(type=t), False, f"type {t!r}")
            eq(r.json()["error"]["field"], "type", "field")
        # a cost rate is a rate in [0, 1] kept in basis points: four decimals at most
        for rate, ok in ((0, True), (1, True), (0.1234, True), (0.0001, True),
                         (1.0001, False), (-0.0001, False), (0.12345, False), (2, False)):
            r = agree(c, v, schema, "POST", "/api/v1/channels", body(cost_rate=rate), ok,
                      f"cost_rate {rate}")
            if not ok:
                eq(r.json()["error"]["field"], "cost_rate", "field")
        # a code: 1 to 63 of letters, digits, '_', '-', '.'
        for code, ok in (("a" * 63, True), ("A_b-c.9", True), ("a" * 64, False),
                         ("a b", False), ("", False), ("码", False)):
            agree(c, v, schema, "POST", "/api/v1/channels", body(code=code), ok, f"code {code!r}")
        # required members and unknown ones
        agree(c, v, schema, "POST", "/api/v1/channels", {"code": "x1", "name": "n"}, False,
              "no type")
        agree(c, v, schema, "POST", "/api/v1/channels", body(colour="red"), False, "unknown member")
        # the Idempotency-Key: 1 to 200 printable ASCII characters
        idem = [p for p in doc["paths"]["/api/v1/channels"]["post"]["parameters"]
                if p["name"] == "Idempotency-Key"][0]["schema"]
        for key, ok in (("~" * 200, True), ("k!#$", True), ("~" * 201, False),
                        ("has space", False)):
            eq(v.valid(idem, key), ok, f"the document on Idempotency-Key {key[:12]!r}")
            r = c.request("POST", "/api/v1/channels", body(), headers={"Idempotency-Key": key})
            eq(r.status == 201, ok, f"the server on Idempotency-Key {key[:12]!r}: {r}")
        # DELETE names the version it deletes
        ch = c.ok("POST", "/api/v1/channels", body(), status=201)
        r = c.delete(f"/api/v1/channels/{ch['code']}")
        eq((r.status, r.json()["error"]["field"]), (422, "version"), "DELETE without version")
        r = c.delete(f"/api/v1/channels/{ch['code']}?version={ch['version']}")
        eq(r.status, 200, "DELETE with version")


@test
def hand_written_input_edges_agree():
    ws = Workspace()
    v = Validator(openapi().doc)
    with Server(ws) as srv:
        c = srv.client("admin")
        user = {"$ref": "#/components/schemas/UserIn"}
        for role, ok in (("admin", True), ("manager", True), ("rep", True), ("viewer", True),
                         ("owner", False), ("Admin", False)):
            agree(c, v, user, "POST", "/api/v1/users",
                  {"login": f"u_{role}", "name": "U", "role": role}, ok, f"role {role}")
        for login, ok in (("li.wei-2", True), ("li wei", False), ("l" * 64, False)):
            agree(c, v, user, "POST", "/api/v1/users", {"login": login, "name": "U", "role": "rep"},
                  ok, f"login {login[:10]!r}")
        proj = {"$ref": "#/components/schemas/ProjectIn"}
        base = {"name": "P", "start": "2026-01-01", "end": "2026-12-31"}
        for i, (status, ok) in enumerate((("draft", True), ("active", True), ("closed", True),
                                          ("done", False))):
            agree(c, v, proj, "POST", "/api/v1/projects", dict(base, code=f"P{i}", status=status),
                  ok, f"status {status}")
        for i, (budget, ok) in enumerate(((0, True), (-1, False), (10**18, True),
                                          (10**18 + 1, False))):
            agree(c, v, proj, "POST", "/api/v1/projects", dict(base, code=f"B{i}", budget=budget),
                  ok, f"budget {budget}")
        # a name is at most 199 bytes (ASCII here: a byte a character)
        for i, (name, ok) in enumerate((("n" * 199, True), ("n" * 200, False))):
            agree(c, v, proj, "POST", "/api/v1/projects", dict(base, code=f"N{i}", name=name),
                  ok, f"name of {len(name)}")
        prod = {"$ref": "#/components/schemas/ProductIn"}
        for i, (price, ok) in enumerate(((0, True), (10**12, True), (-1, False),
                                         (10**12 + 1, False))):
            agree(c, v, prod, "POST", "/api/v1/products",
                  {"sku": f"S{i}", "name": "p", "cost": 0, "price": price}, ok, f"price {price}")
        promo = {"$ref": "#/components/schemas/PromotionIn"}
        for i, (kind, ok) in enumerate((("percent", True), ("gift", True), ("coupon", False))):
            agree(c, v, promo, "POST", "/api/v1/promotions",
                  {"code": f"PR{i}", "name": "p", "kind": kind}, ok, f"kind {kind}")
        c.ok("POST", "/api/v1/channels", {"code": "d", "name": "d", "type": "direct"}, status=201)
        sale = {"$ref": "#/components/schemas/SaleIn"}
        for q, ok in ((1, True), (10**9, True), (0, False), (-3, False), (10**9 + 1, False)):
            agree(c, v, sale, "POST", "/api/v1/projects/P0/sales",
                  {"date": "2026-03-01", "customer": "C", "product": "S0", "channel": "d",
                   "quantity": q, "unit_price": 0}, ok, f"quantity {q}")


if __name__ == "__main__":
    run_all()
