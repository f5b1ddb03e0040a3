"""test_tls.py - HTTPS as an operator runs it: `serve --tls-cert --tls-key` with a certificate
made here (openssl), TLS 1.2 and 1.3 with AEAD ciphers and nothing older or weaker, HSTS on
every answer and the session cookie Secure, the files read again on SIGHUP (a renewed
certificate without a restart, a broken one refused with the old kept), what is wrong with
the files said before serving; and, behind a reverse proxy, `--trust-proxy` deciding whose
X-Forwarded-For and X-Forwarded-Proto are believed."""
import http.client
import json
import warnings
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fixture import workspace  # noqa: E402
from harness import BIN, eq, free_port, pw, run_all, test  # noqa: E402


def make_cert(ws, name, cn, kind="ec"):
    key, cert = ws.path(f"{name}.key"), ws.path(f"{name}.crt")
    algo = (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if kind == "ec"
            else ["-newkey", "rsa:2048"])
    subprocess.run(["openssl", "req", "-x509", *algo, "-nodes", "-keyout", key, "-out", cert,
                    "-days", "30", "-subj", f"/CN={cn}", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class Tls:
    """salespm serve over HTTPS on a free port of 127.0.0.1."""

    def __init__(self, ws, cert, key, *args):
        self.ws, self.port = ws, free_port()
        self.log_path = ws.path(f"tls-{self.port}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([BIN, "--db", ws.db, "serve", "--listen",
                                      f"127.0.0.1:{self.port}", "--threads", "2", "--tls-cert",
                                      cert, "--tls-key", key] + list(args),
                                     stdout=self.log, stderr=self.log, env=ws.env)
        deadline = time.time() + 20
        while "serving https" not in self.read_log():
            assert self.proc.poll() is None, f"exited: {self.read_log()}"
            assert time.time() < deadline, self.read_log()
            time.sleep(0.05)

    def read_log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


def context(cafile, **kw):
    warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1 named to be refused
    ctx = ssl.create_default_context(cafile=cafile)
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def request(port, ctx, method="GET", path="/livez", body=None, headers=None):
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers=dict({"Content-Type": "application/json"} if body else {}, **(headers or {})))
    r = c.getresponse()
    data = r.read()
    info = (c.sock.version(), c.sock.cipher()[0], c.sock.getpeercert())
    c.close()
    return r, data, info


def subject_cn(peercert):
    return dict(x[0] for x in peercert["subject"])["commonName"]


@test
def https_with_tls_1_2_or_1_3_aead_hsts_and_secure_cookies():
    ws = workspace(("mgr",))
    cert, key = make_cert(ws, "site", "localhost")
    srv = Tls(ws, cert, key)
    try:
        r, data, (version, cipher, peer) = request(srv.port, context(cert))
        eq((r.status, data), (200, b"ok\n"), "livez over HTTPS")
        assert version in ("TLSv1.3", "TLSv1.2"), version
        assert "GCM" in cipher or "CHACHA20" in cipher, cipher
        eq(r.getheader("Strict-Transport-Security"), "max-age=31536000", "HSTS")
        eq(subject_cn(peer), "localhost", "our certificate")
        r, data, _ = request(srv.port, context(cert), "POST", "/api/v1/session",
                             {"login": "mgr", "password": pw("mgr")})
        eq(r.status, 200, data)
        cookie = r.getheader("Set-Cookie")
        assert "; Secure" in cookie and "HttpOnly" in cookie, cookie
        # TLS 1.2 named: still an AEAD cipher with ECDHE
        r, _, (version, cipher, _) = request(srv.port, context(
            cert, maximum_version=ssl.TLSVersion.TLSv1_2))
        eq(version, "TLSv1.2", "1.2 when the client asks for it")
        assert cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA20" in cipher), cipher
        # plain HTTP on the HTTPS port: no answer in clear text
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            got = s.recv(100)
        except (ConnectionResetError, socket.timeout):
            got = b""
        s.close()
        assert not got.startswith(b"HTTP/1.1 200"), got
    finally:
        srv.stop()


@test
def older_protocols_and_weak_ciphers_are_refused():
    ws = workspace(())
    cert, key = make_cert(ws, "site", "localhost", kind="rsa")
    srv = Tls(ws, cert, key)
    try:
        old = context(cert, minimum_version=ssl.TLSVersion.TLSv1,
                      maximum_version=ssl.TLSVersion.TLSv1_1)
        old.set_ciphers("ALL:@SECLEVEL=0")
        try:
            request(srv.port, old)
            raise AssertionError("TLS 1.1 was accepted")
        except ssl.SSLError:
            pass
        for weak in ("AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES256-GCM-SHA384"):
            # CBC, CBC with ECDHE, and GCM without forward secrecy (RSA key exchange)
            ctx = context(cert, maximum_version=ssl.TLSVersion.TLSv1_2)
            ctx.set_ciphers(weak + ":@SECLEVEL=0")
            try:
                request(srv.port, ctx)
                raise AssertionError(f"{weak} was accepted")
            except ssl.SSLError:
                pass
        r, _, (version, cipher, _) = request(srv.port, context(cert))
        eq(r.status, 200, "a modern client over an RSA certificate")
    finally:
        srv.stop()


@test
def sighup_reads_a_renewed_certificate_and_keeps_the_old_one_when_the_new_is_broken():
    ws = workspace(())
    cert, key = make_cert(ws, "site", "localhost")
    srv = Tls(ws, cert, key)
    try:
        trust = ws.path("both.pem")
        renewed_cert, renewed_key = make_cert(ws, "renewed", "renewed.example")
        with open(trust, "w") as f:
            f.write(open(cert).read() + open(renewed_cert).read())
        eq(subject_cn(request(srv.port, context(trust))[2][2]), "localhost", "before")
        os.replace(renewed_cert, cert)
        os.replace(renewed_key, key)
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while subject_cn(request(srv.port, context(trust))[2][2]) != "renewed.example":
            assert time.time() < deadline, srv.read_log()
            time.sleep(0.1)
        assert "SIGHUP: now serving with the TLS certificate CN=renewed.example" in \
            srv.read_log(), srv.read_log()
        with open(key, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "the certificate in force is kept" not in srv.read_log():
            assert time.time() < deadline, srv.read_log()
            time.sleep(0.1)
        eq(subject_cn(request(srv.port, context(trust))[2][2]), "renewed.example",
           "a broken pair changes nothing")
        assert srv.proc.poll() is None, "still serving"
    finally:
        srv.stop()


@test
def what_is_wrong_with_the_files_is_said_before_serving():
    ws = workspace(())
    cert, key = make_cert(ws, "site", "localhost")
    other_cert, other_key = make_cert(ws, "other", "other")
    cases = ((["--tls-cert", cert], "--tls-key"),
             (["--tls-cert", cert, "--tls-key", other_key], "is not the key of the certificate"),
             (["--tls-cert", ws.path("nope.crt"), "--tls-key", key], "nope.crt"),
             (["--tls-cert", key, "--tls-key", key], "no PEM certificate chain"),
             (["--trust-proxy", "10.0.0.0/33"], "10.0.0.0/33"))
    for args, said in cases:
        p = subprocess.run([BIN, "--db", ws.db, "serve", "--listen",
                            f"127.0.0.1:{free_port()}"] + args, capture_output=True, text=True,
                           env=ws.env, timeout=30)
        eq(p.returncode, 2, f"{args}: {p.stderr}")
        assert said in p.stderr, (args, p.stderr)


def sign_in(port, password, xff=None, proto=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if xff:
        headers["X-Forwarded-For"] = xff
    if proto:
        headers["X-Forwarded-Proto"] = proto
    c.request("POST", "/api/v1/session", body=json.dumps({"login": "mgr", "password": password}),
              headers=headers)
    r = c.getresponse()
    r.read()
    c.close()
    return r


def plain(ws, *args):
    port = free_port()
    proc = subprocess.Popen([BIN, "--db", ws.db, "serve", "--listen", f"127.0.0.1:{port}",
                             "--threads", "2"] + list(args), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=ws.env)
    deadline = time.time() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "not up"
            time.sleep(0.05)


@test
def only_a_trusted_proxy_names_the_client_and_its_scheme():
    for trusted in (False, True):
        ws = workspace(("mgr",))
        proc, port = plain(ws, *(["--trust-proxy", "10.9.0.0/16,127.0.0.1"] if trusted else []))
        try:
            r = sign_in(port, pw("mgr"), proto="https")
            eq(r.status, 200, "signed in")
            eq("; Secure" in r.getheader("Set-Cookie"), trusted,
               f"X-Forwarded-Proto believed only from a trusted proxy (trusted={trusted})")
            # five failures from one client behind the proxy: that client waits ...
            for _ in range(5):
                eq(sign_in(port, "wrong", xff="203.0.113.7").status, 401, "a failure")
            eq(sign_in(port, pw("mgr"), xff="203.0.113.7").status, 429, "that client waits")
            # ... another client behind the same proxy does not, when the proxy is trusted;
            # untrusted, every client is the proxy's one address
            eq(sign_in(port, pw("mgr"), xff="198.51.100.4, 10.9.3.3").status,
               200 if trusted else 429, f"another client (trusted={trusted})")
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    run_all()
