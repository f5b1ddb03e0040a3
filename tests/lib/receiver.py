"""receiver.py - a webhook receiver for the HTTP suites: an HTTP server on 127.0.0.1 (python's
http.server in a thread, lib/hooks.py's Collector) that records each POST it gets."""
from http.server import BaseHTTPRequestHandler

from hooks import Collector


class Receiver(Collector):
    """An HTTP server on 127.0.0.1 that records each POST (path, headers, body) and answers
    the statuses given in turn (200 once they run out); redirect: a Location for every
    answer instead (with 302)."""

    def __init__(self, statuses=(), redirect=None):
        super().__init__()
        self.statuses = list(statuses)
        self.redirect = redirect
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.cond:
                    status = outer.statuses.pop(0) if outer.statuses else 200
                outer.record((self.path, {k: v for k, v in self.headers.items()}, body))
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

        self.serve(Handler)
        self.url = f"http://127.0.0.1:{self.port}/hook"
