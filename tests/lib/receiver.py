"""receiver.py - a webhook receiver for the HTTP suites: an HTTP server on 127.0.0.1 (python's
http.server in a thread) that records each POST it gets."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST (path, headers, body) and answers
    the statuses given in turn (200 once they run out); redirect: a Location for every
    answer instead (with 302)."""

    def __init__(self, statuses=(), redirect=None):
        self.got = []
        self.statuses = list(statuses)
        self.redirect = redirect
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.cond:
                    outer.got.append((self.path, {k: v for k, v in self.headers.items()}, body))
                    status = outer.statuses.pop(0) if outer.statuses else 200
                    outer.cond.notify_all()
                if outer.redirect:
                    self.send_response(302)
                    self.send_header("Location", outer.redirect)
                else:
                    self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.srv.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def wait(self, n, timeout=30):
        """The first n requests, once they came (fails after timeout seconds)."""
        deadline = time.time() + timeout
        with self.cond:
            while len(self.got) < n:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"expected {n} requests, got {len(self.got)}")
                self.cond.wait(left)
            return list(self.got[:n])

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()
