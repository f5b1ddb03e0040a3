"""sse.py - a client of the live stream (GET /api/v1/events, server-sent events) for the
HTTP and PostgreSQL suites: the events read by a thread of its own as they arrive, each
with its arrival time."""
import http.client
import json
import socket
import threading
import time

from harness import Response, eq


class Stream:
    """An open GET /api/v1/events of client c (its cookie or token), read by a thread:
    each event as (arrival time, event name, id, data as parsed JSON), and each comment."""

    def __init__(self, c, query="", last_id=None, headers=None):
        self.events, self.comments = [], []
        self.cond = threading.Condition()
        self.closed = False
        hdrs = {"Accept": "text/event-stream"}
        if c.cookie:
            hdrs["Cookie"] = f"salespm_session={c.cookie}"
        if c.token:
            hdrs["Authorization"] = f"Bearer {c.token}"
        if last_id is not None:
            hdrs["Last-Event-ID"] = str(last_id)
        hdrs.update(headers or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=30)
        self.conn.request("GET", "/api/v1/events" + query, headers=hdrs)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        if self.status != 200:
            self.body = self.resp.read()
            self.conn.close()
            return
        eq(self.resp.getheader("Content-Type"), "text/event-stream; charset=utf-8", "its type")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def error(self):
        """The refusal, as a Response (for expect_error)."""
        return Response(self.status, [("Content-Type", "application/json")], self.body)

    def _read(self):
        name, ident, data = "message", None, []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    break
                line = line.decode().rstrip("\n")
                if line == "":
                    if data:
                        with self.cond:
                            self.events.append((time.monotonic(), name, ident,
                                                json.loads("\n".join(data))))
                            self.cond.notify_all()
                    name, ident, data = "message", None, []
                elif line.startswith(":"):
                    with self.cond:
                        self.comments.append((time.monotonic(), line[1:].strip()))
                        self.cond.notify_all()
                elif line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("id: "):
                    ident = int(line[4:])
                elif line.startswith("data: "):
                    data.append(line[6:])
        except Exception:  # noqa: BLE001 - closed under the reader: the stream ended
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait(self, pred, timeout):
        """The first event that pred accepts, waiting at most timeout seconds; else None."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if pred(e):
                        return e
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    return None
                self.cond.wait(left)

    def changes(self):
        with self.cond:
            return [e[3] for e in self.events if e[1] == "change"]

    def wait_closed(self, timeout):
        end = time.monotonic() + timeout
        with self.cond:
            while not self.closed and time.monotonic() < end:
                self.cond.wait(end - time.monotonic())
            return self.closed

    def close(self):
        try:
            self.conn.sock and self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()
