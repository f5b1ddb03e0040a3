"""hooks.py - helpers of the webhook and robot suites (tests/http/test_webhooks.py,
test_robots.py): allowing receivers past the address guard and waiting for deliveries."""
import time

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
