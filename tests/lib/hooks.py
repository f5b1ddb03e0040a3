"""hooks.py - helpers of the webhook and robot suites (tests/http/test_webhooks.py,
test_robots.py): allowing receivers past the address guard and waiting for deliveries."""
import threading
import time
from http.server import ThreadingHTTPServer

HOOKS = "/api/v1/webhooks"


def allow(admin, *hosts):
    """Replace the allowed hosts with hosts (as the admin client given)."""
    cur = admin.ok("GET", HOOKS + "/allowed-hosts")
    return admin.ok("PUT", HOOKS + "/allowed-hosts", {"hosts": list(hosts),
                                                      "version": cur["version"]})


def wait_delivery(client, hook_id, pred, timeout=30):
    """The deliveries of hook_id once pred(deliveries) holds (fails after timeout seconds)."""
    deadline = time.time() + timeout
    while True:
        ds = client.ok("GET", f"{HOOKS}/{hook_id}/deliveries")["deliveries"]
        if pred(ds):
            return ds
        if time.time() > deadline:
            raise AssertionError(f"deliveries never matched: {ds}")
        time.sleep(0.2)


class Collector:
    """The base of a test receiver: an HTTP server on 127.0.0.1 (port in .port) serving the
    handler class given in a thread, the requests it records in .got (under .cond), wait()
    for the first n of them, close()."""

    def __init__(self):
        self.got = []
        self.cond = threading.Condition()

    def serve(self, handler):
        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def record(self, item):
        with self.cond:
            self.got.append(item)
            self.cond.notify_all()

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
