"""test_proxy.py - salespm behind nginx, with the very server block docs/operations.md gives
(read from between its nginx:begin and nginx:end markers; only its paths and ports replaced):
over HTTPS through nginx a manager signs in (the cookie Secure, as salespm trusts the proxy's
X-Forwarded-Proto), imports a CSV, sees a sale arrive on the live event stream, and finds
nginx's request id on the answer."""
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from harness import BIN, ROOT, eq, free_port, pw, run_all, test  # noqa: E402


def doc_block():
    with open(os.path.join(ROOT, "docs", "operations.md"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("<!-- nginx:begin -->", 1)[1].split("<!-- nginx:end -->", 1)[0]
    return block.split("```nginx", 1)[1].split("```", 1)[0]


def nginx_conf(ws, https_port, app_port, cert, key):
    server = doc_block()
    server = server.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    server = server.replace("/etc/ssl/sales/fullchain.pem", cert)
    server = server.replace("/etc/ssl/sales/privkey.pem", key)
    server = server.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{app_port}")
    assert str(app_port) in server and str(https_port) in server, server
    prefix = ws.path("nginx")
    os.makedirs(prefix, exist_ok=True)
    temps = "".join(f"    {t}_temp_path {prefix}/{t};\n"
                    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = (f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
            "worker_processes 1;\nevents { worker_connections 64; }\n"
            "http {\n"
            f"    access_log {prefix}/access.log;\n{temps}"
            f"{server}\n}}\n")
    path = os.path.join(prefix, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    return prefix, path


def up(port, proc, secs=20):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert proc.poll() is None, "exited"
            time.sleep(0.05)
    raise AssertionError(f"nothing on {port}")


@test
def the_documented_nginx_block_carries_sign_in_an_import_live_events_and_request_ids():
    if not shutil.which("nginx"):
        raise AssertionError("nginx is not installed (scripts/deps installs nginx-light)")
    ws = workspace(("mgr",), channels=("direct",), products=("SKU-1",), today="2026-03-02")
    cert, key = ws.path("site.crt"), ws.path("site.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days",
                    "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    app, https = free_port(), free_port()
    log = open(ws.path("app.log"), "wb")
    app_proc = subprocess.Popen([BIN, "--db", ws.db, "serve", "--listen", f"127.0.0.1:{app}",
                                 "--threads", "2", "--trust-proxy", "127.0.0.1"],
                                stdout=log, stderr=log, env=ws.env)
    prefix, conf = nginx_conf(ws, https, app, cert, key)
    ngx = subprocess.Popen(["nginx", "-p", prefix, "-c", conf, "-g", "daemon off;"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        up(app, app_proc)
        up(https, ngx)
        ctx = ssl.create_default_context(cafile=cert)

        def call(method, path, body=None, headers=None, raw=None):
            c = http.client.HTTPSConnection("127.0.0.1", https, context=ctx, timeout=20)
            data = raw if raw is not None else (json.dumps(body) if body is not None else None)
            c.request(method, path, body=data, headers=headers or {})
            r = c.getresponse()
            out = r.read()
            c.close()
            return r, out

        r, out = call("POST", "/api/v1/session", {"login": "mgr", "password": pw("mgr")},
                      {"Content-Type": "application/json"})
        eq(r.status, 200, out)
        set_cookie = r.getheader("Set-Cookie")
        assert "; Secure" in set_cookie, f"the proxy's https is believed: {set_cookie}"
        cookie = set_cookie.split(";", 1)[0]
        csrf = json.loads(out)["csrf_token"]
        rid = r.getheader("X-Request-Id")
        assert re.fullmatch(r"[0-9a-f]{32}", rid), f"nginx's $request_id kept: {rid}"
        auth = {"Cookie": cookie, "X-CSRF-Token": csrf}

        # the live stream through the proxy, unbuffered
        got, ready = [], threading.Event()

        def listen():
            c = http.client.HTTPSConnection("127.0.0.1", https, context=ctx, timeout=30)
            c.request("GET", "/api/v1/events?project=P1", headers={"Cookie": cookie})
            r = c.getresponse()
            ready.set()
            buf = b""
            end = time.time() + 20
            while time.time() < end and b"\"kind\":\"sale\"" not in buf:
                chunk = r.fp.read1(4096) if hasattr(r.fp, "read1") else r.read(1)
                if not chunk:
                    break
                buf += chunk
            got.append(buf)
            c.close()

        t = threading.Thread(target=listen, daemon=True)
        t.start()
        assert ready.wait(10), "the stream opened"
        time.sleep(0.5)
        csv = ("date,customer,product,channel,rep,quantity,unit_price\n"
               "2026-03-01,经销商甲,SKU-1,direct,mgr,3,100.00\n"
               "2026-03-02,经销商乙,SKU-1,direct,mgr,2,100.00\n")
        r, out = call("POST", "/api/v1/projects/P1/sales/import", headers=dict(
            auth, **{"Content-Type": "text/csv"}), raw=csv.encode())
        eq(r.status, 200, out)
        eq(json.loads(out)["imported"], 2, "imported through the proxy")
        r, out = call("POST", "/api/v1/projects/P1/sales", {
            "date": "2026-03-02", "customer": "经销商丙", "product": "SKU-1", "channel": "direct",
            "quantity": 1, "unit_price": 10000}, dict(auth, **{"Content-Type": "application/json"}))
        eq(r.status, 201, out)
        t.join(25)
        assert got and b"\"kind\":\"sale\"" in got[0], f"a sale on the stream: {got}"
        r, out = call("GET", "/api/v1/projects/P1/dashboard", headers={"Cookie": cookie})
        eq(json.loads(out)["totals"]["revenue"], 3 * 10000 + 2 * 10000 + 10000, "the dashboard")
    finally:
        ngx.terminate()
        app_proc.terminate()
        app_proc.wait(timeout=20)
        try:
            ngx.wait(timeout=20)
        except subprocess.TimeoutExpired:
            ngx.kill()


if __name__ == "__main__":
    run_all()
