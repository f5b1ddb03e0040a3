"""fixture.py - the set-up the HTTP suites share.

workspace() builds a fresh workspace from standard parts: users of each role (each with
the password harness.pw() names), projects with the standard members, and a small catalog;
a suite names the parts it wants, so what a test counts (users, members, products) is
what its suite asked for. Env runs `salespm serve` over such a workspace and signs its
users in; expect_error() checks an error answer in full. (Raw-socket requests are in
rawhttp.py.)"""
from harness import Server, Workspace, eq, pw

# The standard users, in the order they are made, and their workspace role.
ROLES = {"own": "manager", "mgr": "manager", "mgr2": "manager", "rep": "rep", "rep2": "rep",
         "vw": "viewer", "out": "rep", "target": "rep"}
# Their role on the first project (P1), when they are made; the others are on no project
# ("own" owns P1 when the suite says so).
P1_ROLES = {"mgr": "manager", "rep": "member", "rep2": "member", "vw": "viewer"}
# The standard catalog: code -> name (segments), (name, type) (channels), (name, cost,
# price) (products).
SEGMENTS = {"smb": "Small business", "ent": "Enterprise"}
CHANNELS = {"direct": ("Direct", "direct"), "shop": ("Web shop", "ecommerce")}
PRODUCTS = {"SKU-1": ("Widget", "60.00", "100.00"), "SKU-2": ("Gadget", "5.50", "9.90")}


def add_users(ws, logins):
    """The standard users named, in that order: name LOGIN, role ROLES[login], pw(login)."""
    for login in logins:
        ws.write(f"{login}.pw", pw(login) + "\n")
        ws.ok("user", "add", login, "--name", login.upper(), "--role", ROLES[login],
              "--password-file", ws.path(f"{login}.pw"))


def workspace(users=(), projects=("P1",), owner=None, status=None, segments=(), channels=(),
              products=(), today=None):
    """A fresh workspace (SALESPM_TODAY=today when given) with the standard users named;
    the projects named, each "Project CODE" over 2026, the first created by owner (the
    admin when None) with status (the default when None) and the users of P1_ROLES made
    here as its members; then the segments, channels and products named."""
    ws = Workspace(today=today)
    add_users(ws, users)
    for i, code in enumerate(projects):
        args = ["project", "create", code, "--name", f"Project {code}", "--start", "2026-01-01",
                "--end", "2026-12-31"]
        if i == 0 and status is not None:
            args += ["--status", status]
        ws.ok(*args, as_=owner if i == 0 else None)
    if projects:
        for login in users:
            if login in P1_ROLES:
                ws.ok("member", "add", projects[0], login, "--role", P1_ROLES[login])
    for code in segments:
        ws.ok("segment", "add", code, "--name", SEGMENTS[code])
    for code in channels:
        name, kind = CHANNELS[code]
        ws.ok("channel", "add", code, "--name", name, "--type", kind)
    for sku in products:
        name, cost, price = PRODUCTS[sku]
        ws.ok("product", "add", sku, "--name", name, "--cost", cost, "--price", price)
    return ws


class Env:
    """`salespm serve` over ws (Server's args and threads); signs users in. A context:
    leaving it stops the server (a non-zero exit or a sanitizer report fails the test)."""

    def __init__(self, ws, *args, **kw):
        self.ws = ws
        self.srv = Server(ws, *args, **kw)
        self._clients = {}

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self.srv.stop(check=kind is None)
        return False

    def anon(self):
        """A new client, not signed in."""
        return self.srv.client()

    def sign_in(self, login, password=None):
        """A new client with a session of its own (pw(login) unless password is given)."""
        return self.srv.client(login, password)

    def as_(self, login):
        """The one client of login this Env keeps (signed in once); "anon": not signed in."""
        if login not in self._clients:
            self._clients[login] = self.anon() if login == "anon" else self.sign_in(login)
        return self._clients[login]

    def crash_and_restart(self):
        """SIGKILL the server (no chance to finish anything) and start a new one."""
        self.srv.proc.kill()
        self.srv.proc.wait()
        self.srv.log.close()
        self.srv = Server(self.ws)
        self._clients = {}

    def rss_kib(self):
        """The server's resident memory now, in KiB."""
        with open(f"/proc/{self.srv.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")


def expect_error(r, status, code, field=None, reason=None, params=None):
    """r is an error answer of status with code, in the one shape of every error (a
    message, a field member, a reason and its params); and the field, reason and params
    given. Returns the error object."""
    if r.status != status:
        raise AssertionError(f"expected {status}, got {r}")
    e = r.error()
    eq(e["code"], code, f"error code of {e}")
    assert e["message"], f"an error has a message: {e}"
    assert "field" in e, f"an error always has a field member: {e}"
    assert isinstance(e.get("reason"), str) and e["reason"], f"an error has a reason: {e}"
    assert isinstance(e.get("params"), dict), f"an error has params: {e}"
    if field is not None:
        eq(e["field"], field, f"error field of {e}")
    if reason is not None:
        eq(e["reason"], reason, f"error reason of {e}")
    if params is not None:
        eq(e["params"], params, f"error params of {e}")
    return e


def sale(date="2026-02-03", customer="Acme", product="SKU-1", channel="direct", qty=2,
         price=10000, **kw):
    """A sale's JSON body, as a rep's form sends it (workspace()'s catalog by default)."""
    body = {"date": date, "customer": customer, "product": product, "channel": channel,
            "quantity": qty, "unit_price": price}
    body.update(kw)
    return body


def amount(body):
    """A sale body's amount in minor units: quantity x unit price - discount, by hand."""
    return body["quantity"] * body["unit_price"] - body.get("discount", 0)


def insert_deal(ws, project, customer_id, owner, title="年度框架协议", stage="proposal",
                probability_bp=5000, amount_minor=1000000):
    """An open deal of project for the customer (by id), owned by owner, at stage with its
    probability and a typed amount, made by the deal command as an admin would: its id."""
    (name,), = ws.sql("SELECT name FROM customers WHERE id = ?", customer_id)
    return ws.js("deal", "add", project, "--title", title, "--customer", name, "--owner", owner,
                 "--stage", stage, "--probability", f"{probability_bp / 100:g}",
                 "--amount", f"{amount_minor // 100}.{amount_minor % 100:02d}")["id"]
