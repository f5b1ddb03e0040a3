/*
 * netaddr.h - what kind of destination an IP address is, for the webhook
 * guard against requests to the server's own network (SSRF): loopback,
 * link-local, private, unspecified, CGNAT, multicast, reserved, or public.
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64
 * (64:ff9b::a.b.c.d) IPv6 forms are judged by the IPv4 address they carry.
 */
#ifndef BASE_NETADDR_H
#define BASE_NETADDR_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

enum addr_class {
	ADDR_PUBLIC = 0,
	ADDR_LOOPBACK,    /* 127.0.0.0/8, ::1 */
	ADDR_LINK_LOCAL,  /* 169.254.0.0/16, fe80::/10 */
	ADDR_PRIVATE,     /* 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10 */
	ADDR_UNSPECIFIED, /* 0.0.0.0/8, :: */
	ADDR_CGNAT,       /* 100.64.0.0/10 */
	ADDR_MULTICAST,   /* 224.0.0.0/4, ff00::/8 */
	ADDR_RESERVED,    /* 240.0.0.0/4 and 255.255.255.255 */
	ADDR_INVALID,     /* not an IPv4 or IPv6 address */
};

/* The class of an IPv4 address given in host byte order (127.0.0.1 = 0x7f000001). */
enum addr_class netaddr_class4(uint32_t a);

/* The class of an IPv6 address (16 bytes, network order). */
enum addr_class netaddr_class6(const unsigned char a[16]);

/* The class of a socket address (AF_INET or AF_INET6; anything else is invalid). */
enum addr_class netaddr_class_sa(const struct sockaddr *sa);

/* The class of an address written as text ("10.0.0.1", "::1"); invalid when it is not one. */
enum addr_class netaddr_class_text(const char *text);

/* The class's name as the guard reports it: "loopback", "private"... */
const char *netaddr_class_str(enum addr_class c);

/* The address of sa as text into out (at least 46 bytes); "?" when it cannot be written. */
void netaddr_text(const struct sockaddr *sa, char *out, size_t size);

#endif
