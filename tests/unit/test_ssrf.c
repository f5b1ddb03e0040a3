/*
 * test_ssrf.c - the webhook guard: the address classifier (base/netaddr.c)
 * on every range and both its edges, written out by hand; the IPv6 forms that
 * carry an IPv4 address; the URL check and the allowed hosts (core/webhook.c);
 * and the signature: HMAC-SHA256 against RFC 4231's test vectors, and the
 * header's value against one computed apart (Python's hmac module).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/netaddr.h"
#include "core/webhook.h"

struct want {
	const char *addr;
	enum addr_class cls;
};

static void check(const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum addr_class c = netaddr_class_text(w[i].addr);
		if (c != w[i].cls)
			fail_msg("%s: expected %s, got %s", w[i].addr, netaddr_class_str(w[i].cls),
				 netaddr_class_str(c));
	}
}

static void test_ipv4_ranges_and_edges(void **state)
{
	static const struct want w[] = {
		{ "0.0.0.0", ADDR_UNSPECIFIED },	 { "0.255.255.255", ADDR_UNSPECIFIED },
		{ "1.0.0.0", ADDR_PUBLIC },		 { "8.8.8.8", ADDR_PUBLIC },
		{ "9.255.255.255", ADDR_PUBLIC },	 { "10.0.0.0", ADDR_PRIVATE },
		{ "10.255.255.255", ADDR_PRIVATE },	 { "11.0.0.0", ADDR_PUBLIC },
		{ "100.63.255.255", ADDR_PUBLIC },	 { "100.64.0.0", ADDR_CGNAT },
		{ "100.127.255.255", ADDR_CGNAT },	 { "100.128.0.0", ADDR_PUBLIC },
		{ "126.255.255.255", ADDR_PUBLIC },	 { "127.0.0.0", ADDR_LOOPBACK },
		{ "127.0.0.1", ADDR_LOOPBACK },		 { "127.255.255.255", ADDR_LOOPBACK },
		{ "128.0.0.0", ADDR_PUBLIC },		 { "169.253.255.255", ADDR_PUBLIC },
		{ "169.254.0.0", ADDR_LINK_LOCAL },	 { "169.254.169.254", ADDR_LINK_LOCAL },
		{ "169.254.255.255", ADDR_LINK_LOCAL },	 { "169.255.0.0", ADDR_PUBLIC },
		{ "172.15.255.255", ADDR_PUBLIC },	 { "172.16.0.0", ADDR_PRIVATE },
		{ "172.31.255.255", ADDR_PRIVATE },	 { "172.32.0.0", ADDR_PUBLIC },
		{ "192.167.255.255", ADDR_PUBLIC },	 { "192.168.0.0", ADDR_PRIVATE },
		{ "192.168.255.255", ADDR_PRIVATE },	 { "192.169.0.0", ADDR_PUBLIC },
		{ "223.255.255.255", ADDR_PUBLIC },	 { "224.0.0.0", ADDR_MULTICAST },
		{ "239.255.255.255", ADDR_MULTICAST },	 { "240.0.0.0", ADDR_RESERVED },
		{ "255.255.255.255", ADDR_RESERVED },
	};
	(void)state;
	check(w, sizeof(w) / sizeof(w[0]));
}

static void test_ipv6_ranges_and_edges(void **state)
{
	static const struct want w[] = {
		{ "::", ADDR_UNSPECIFIED },
		{ "::1", ADDR_LOOPBACK },
		{ "2606:4700::1111", ADDR_PUBLIC },
		{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_PUBLIC },
		{ "fc00::", ADDR_PRIVATE },
		{ "fd12:3456::1", ADDR_PRIVATE },
		{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_PRIVATE },
		{ "fe00::", ADDR_PUBLIC },
		{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_PUBLIC },
		{ "fe80::", ADDR_LINK_LOCAL },
		{ "fe80::1", ADDR_LINK_LOCAL },
		{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_LINK_LOCAL },
		{ "fec0::", ADDR_PRIVATE },
		{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_PRIVATE },
		{ "ff00::", ADDR_MULTICAST },
		{ "ff02::1", ADDR_MULTICAST },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ADDR_MULTICAST },
		/* IPv4 carried in IPv6: judged by the IPv4 address */
		{ "::ffff:127.0.0.1", ADDR_LOOPBACK },
		{ "::ffff:7f00:1", ADDR_LOOPBACK },
		{ "::ffff:10.0.0.1", ADDR_PRIVATE },
		{ "::ffff:169.254.169.254", ADDR_LINK_LOCAL },
		{ "::ffff:100.64.0.1", ADDR_CGNAT },
		{ "::ffff:0.0.0.0", ADDR_UNSPECIFIED },
		{ "::ffff:8.8.8.8", ADDR_PUBLIC },
		{ "::127.0.0.1", ADDR_LOOPBACK },
		{ "64:ff9b::a9fe:a9fe", ADDR_LINK_LOCAL },
		{ "64:ff9b::8.8.8.8", ADDR_PUBLIC },
		{ "::fffe:127.0.0.1", ADDR_PUBLIC }, /* not a mapped form */
	};
	(void)state;
	check(w, sizeof(w) / sizeof(w[0]));
}

static void test_not_addresses(void **state)
{
	(void)state;
	assert_int_equal(netaddr_class_text("localhost"), ADDR_INVALID);
	assert_int_equal(netaddr_class_text("1.2.3"), ADDR_INVALID);
	assert_int_equal(netaddr_class_text("256.0.0.1"), ADDR_INVALID);
	assert_int_equal(netaddr_class_text(""), ADDR_INVALID);
}

static void test_url_check(void **state)
{
	static const char *const refused[] = {
		"http://127.0.0.1/x",	    "http://127.1/",	      "http://2130706433/",
		"http://0x7f000001/",	    "http://localhost:8080/", "http://a.localhost/",
		"http://[::1]:8080/",	    "http://[::ffff:127.0.0.1]/", "http://10.1.2.3/",
		"https://172.16.0.1/",	    "http://192.168.1.1/",   "http://169.254.169.254/",
		"http://100.64.0.1/",	    "http://0.0.0.0/",	      "http://[fe80::1]/",
		"http://[fd00::1]/",	    "http://224.0.0.1/",
	};
	struct err e;
	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (webhook_url_check(refused[i], "", &e) != -1)
			fail_msg("%s was not refused", refused[i]);
		assert_string_equal(e.field, "url");
		assert_string_equal(e.reason, "url_address_refused");
	}
	assert_int_equal(webhook_url_check("https://hooks.example.com/a?b=1", "", &e), 0);
	assert_int_equal(webhook_url_check("http://8.8.8.8:8080/", "", &e), 0);
	assert_int_equal(webhook_url_check("ftp://example.com/", "", &e), -1);
	assert_string_equal(e.reason, "url_scheme");
	assert_int_equal(webhook_url_check("http://u:p@example.com/", "", &e), -1);
	assert_string_equal(e.reason, "url_credentials");
	assert_int_equal(webhook_url_check("http://example.com:99999/", "", &e), -1);
	assert_string_equal(e.reason, "url_host");
	assert_int_equal(webhook_url_check("http://exa mple.com/", "", &e), -1);
	assert_string_equal(e.reason, "url_invalid");
	/* allowed: the host, or the host and that port only */
	assert_int_equal(webhook_url_check("http://127.0.0.1:8080/x", "127.0.0.1:8080", &e), 0);
	assert_int_equal(webhook_url_check("http://127.0.0.1:8081/x", "127.0.0.1:8080", &e), -1);
	assert_int_equal(webhook_url_check("http://10.0.0.5/", "x.example\n10.0.0.5", &e), 0);
	assert_int_equal(webhook_url_check("http://10.0.0.5:81/", "x.example\n10.0.0.5", &e), 0);
	assert_int_equal(webhook_url_check("http://[::1]:8080/", "[::1]:8080", &e), 0);
	assert_int_equal(webhook_url_check("HTTP://LOCALHOST/", "localhost:80", &e), 0);
}

static void test_host_allowed(void **state)
{
	const char *list = "hooks.internal:8443\n10.0.0.5\n[fd00::1]";
	(void)state;
	assert_true(webhook_host_allowed(list, "hooks.internal", 8443));
	assert_false(webhook_host_allowed(list, "hooks.internal", 443));
	assert_true(webhook_host_allowed(list, "10.0.0.5", 1));
	assert_true(webhook_host_allowed(list, "[fd00::1]", 80));
	assert_false(webhook_host_allowed(list, "10.0.0.50", 80));
	assert_false(webhook_host_allowed(list, "internal", 8443));
	assert_false(webhook_host_allowed("", "10.0.0.5", 80));
}

static void test_hmac_rfc4231(void **state)
{
	unsigned char key1[20], key6[131];
	char hex[65];
	const char *msg6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	(void)state;
	memset(key1, 0x0b, sizeof(key1));
	memset(key6, 0xaa, sizeof(key6));
	/* test case 1 */
	webhook_hmac_hex(key1, sizeof(key1), (const unsigned char *)"Hi There", 8, hex);
	assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* test case 2: a key shorter than the block */
	webhook_hmac_hex((const unsigned char *)"Jefe", 4,
			 (const unsigned char *)"what do ya want for nothing?", 28, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* test case 6: a key longer than the block is hashed first */
	webhook_hmac_hex(key6, sizeof(key6), (const unsigned char *)msg6, strlen(msg6), hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_signature_header(void **state)
{
	char sig[72];
	(void)state;
	/* python3: hmac.new(b"whsec_test", b'1700000000.{"id":1}', hashlib.sha256).hexdigest() */
	webhook_sign("whsec_test", 1700000000, "{\"id\":1}", 8, sig);
	assert_string_equal(sig,
			    "v1=2f441ba4b3b2d50d28a9ab9d9fd8880376ecd1eb5d0435401553f5d8d0a5dcf8");
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(webhook_backoff(1, 30), 30);
	assert_int_equal(webhook_backoff(2, 30), 120);
	assert_int_equal(webhook_backoff(3, 30), 600);
	assert_int_equal(webhook_backoff(4, 30), 3600);
	assert_int_equal(webhook_backoff(5, 30), 21600);
	assert_int_equal(webhook_backoff(6, 30), -1);
	assert_int_equal(webhook_backoff(2, 1), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_ranges_and_edges),
		cmocka_unit_test(test_ipv6_ranges_and_edges),
		cmocka_unit_test(test_not_addresses),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_host_allowed),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_signature_header),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
