/*
 * netaddr.c - the address classifier of the webhook guard (netaddr.h). Each
 * range is a prefix and a length, checked in a table, so the ranges read as
 * the RFCs write them.
 */
#include "base/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/banned.h"

struct range4 {
	uint32_t prefix;
	int bits;
	enum addr_class cls;
};

static const struct range4 ranges4[] = {
	{ 0x00000000u, 8, ADDR_UNSPECIFIED }, /* 0.0.0.0/8 "this network" */
	{ 0x7f000000u, 8, ADDR_LOOPBACK },    /* 127.0.0.0/8 */
	{ 0xa9fe0000u, 16, ADDR_LINK_LOCAL }, /* 169.254.0.0/16 */
	{ 0x0a000000u, 8, ADDR_PRIVATE },     /* 10.0.0.0/8 */
	{ 0xac100000u, 12, ADDR_PRIVATE },    /* 172.16.0.0/12 */
	{ 0xc0a80000u, 16, ADDR_PRIVATE },    /* 192.168.0.0/16 */
	{ 0x64400000u, 10, ADDR_CGNAT },      /* 100.64.0.0/10 */
	{ 0xe0000000u, 4, ADDR_MULTICAST },   /* 224.0.0.0/4 */
	{ 0xf0000000u, 4, ADDR_RESERVED },    /* 240.0.0.0/4, the broadcast address included */
};

enum addr_class netaddr_class4(uint32_t a)
{
	for (size_t i = 0; i < sizeof(ranges4) / sizeof(ranges4[0]); i++) {
		uint32_t mask = ranges4[i].bits ? 0xffffffffu << (32 - ranges4[i].bits) : 0;
		if ((a & mask) == ranges4[i].prefix)
			return ranges4[i].cls;
	}
	return ADDR_PUBLIC;
}

static uint32_t v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum addr_class netaddr_class6(const unsigned char a[16])
{
	static const unsigned char zero[16];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (!memcmp(a, zero, 16))
		return ADDR_UNSPECIFIED;
	if (!memcmp(a, zero, 15) && a[15] == 1)
		return ADDR_LOOPBACK;
	/* ::ffff:a.b.c.d, 64:ff9b::a.b.c.d and the old ::a.b.c.d carry an IPv4 address */
	if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12) || !memcmp(a, zero, 12))
		return netaddr_class4(v4_at(a + 12));
	if (a[0] == 0xff)
		return ADDR_MULTICAST;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return ADDR_LINK_LOCAL; /* fe80::/10 */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return ADDR_PRIVATE; /* fec0::/10, the old site-local */
	if ((a[0] & 0xfe) == 0xfc)
		return ADDR_PRIVATE; /* fc00::/7 */
	return ADDR_PUBLIC;
}

enum addr_class netaddr_class_sa(const struct sockaddr *sa)
{
	if (!sa)
		return ADDR_INVALID;
	if (sa->sa_family == AF_INET)
		return netaddr_class4(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return netaddr_class6(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
	return ADDR_INVALID;
}

enum addr_class netaddr_class_text(const char *text)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, text, &a4) == 1)
		return netaddr_class4(ntohl(a4.s_addr));
	if (inet_pton(AF_INET6, text, &a6) == 1)
		return netaddr_class6(a6.s6_addr);
	return ADDR_INVALID;
}

const char *netaddr_class_str(enum addr_class c)
{
	static const char *const names[] = { "public",	    "loopback",  "link_local",
					     "private",	    "unspecified", "cgnat",
					     "multicast",   "reserved",  "invalid" };
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "invalid";
}

void netaddr_text(const struct sockaddr *sa, char *out, size_t size)
{
	const void *p = NULL;

	if (sa && sa->sa_family == AF_INET)
		p = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (!p || !inet_ntop(sa->sa_family, p, out, (socklen_t)size))
		snprintf(out, size, "?");
}
