/* The net guard: which IP addresses the crawler may connect to (SSRF protection).
 *
 * A crawler fetches URLs written by strangers. Without a guard, a page linking to
 * http://169.254.169.254/ (cloud metadata), http://10.0.0.1/admin or a public name whose DNS
 * answer is 127.0.0.1 makes it fetch from the operator's own network. So every address is
 * classified (IANA special-purpose registries, RFC 6890 and successors) and only global unicast
 * addresses are allowed, unless an operator-given CIDR (--allow-network) covers the address.
 *
 * The check is meant to run on the address actually being connected to, after DNS resolution
 * (fetch.c calls it from libcurl's CURLOPT_OPENSOCKETFUNCTION), which also covers DNS rebinding:
 * whatever name resolved to, the socket is only opened towards an allowed address.
 *
 * IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses are
 * judged by the IPv4 address they carry. A netguard_t is not modified after setup: it may be
 * shared between threads. */
#ifndef CHOUETTE_NETGUARD_H
#define CHOUETTE_NETGUARD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/status.h"

/* What an address is. Only NETGUARD_PUBLIC is allowed by default. */
typedef enum {
    NETGUARD_PUBLIC = 0,    /* global unicast */
    NETGUARD_UNSPECIFIED,   /* 0.0.0.0, :: and 0.0.0.0/8 ("this network") */
    NETGUARD_LOOPBACK,      /* 127.0.0.0/8, ::1 */
    NETGUARD_PRIVATE,       /* 10/8, 172.16/12, 192.168/16 (RFC 1918), 64:ff9b:1::/48 */
    NETGUARD_CGNAT,         /* 100.64.0.0/10 shared address space (RFC 6598) */
    NETGUARD_LINK_LOCAL,    /* 169.254.0.0/16, fe80::/10 */
    NETGUARD_METADATA,      /* 169.254.169.254, fd00:ec2::254: cloud instance metadata */
    NETGUARD_UNIQUE_LOCAL,  /* fc00::/7 (RFC 4193), fec0::/10 (old site-local) */
    NETGUARD_MULTICAST,     /* 224.0.0.0/4, ff00::/8 */
    NETGUARD_BROADCAST,     /* 255.255.255.255 */
    NETGUARD_DOCUMENTATION, /* 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 */
    NETGUARD_BENCHMARK,     /* 198.18.0.0/15 */
    NETGUARD_RESERVED,      /* 240/4, 192.0.0/24, 192.88.99/24, and IPv6 outside 2000::/3,
                               100::/64, 2001::/23 (protocol assignments, Teredo) */
    NETGUARD_INVALID,       /* not an IPv4 or IPv6 socket address */
} netguard_class;

typedef struct netguard netguard_t;

/* Classify a raw address: family AF_INET (4 bytes at addr) or AF_INET6 (16 bytes). */
netguard_class netguard_classify_raw(int family, const uint8_t *addr);

/* Classify a socket address (sockaddr_in or sockaddr_in6). */
netguard_class netguard_classify(const struct sockaddr *sa);

/* A short lowercase name for a class ("loopback", "metadata" ...). Never NULL. */
const char *netguard_class_name(netguard_class c);

/* A new guard that allows public addresses only. *out for netguard_free; NULL on failure
 * (CH_ERR_NOMEM). */
ch_status netguard_new(netguard_t **out);

/* Also allow the addresses of a CIDR (netaddr_parse_cidr's syntax). CH_ERR_PARSE, CH_ERR_NOMEM. */
ch_status netguard_allow(netguard_t *g, const char *cidr);

/* Free a guard; NULL is allowed. */
void netguard_free(netguard_t *g);

/* May the crawler connect to sa? True when it is public or inside an allowed CIDR (an IPv6
 * address carrying an IPv4 one is also tried against the IPv4 CIDRs). When why is not NULL it
 * receives the address's class. NULL or non-IP addresses are refused. */
bool netguard_allowed(const netguard_t *g, const struct sockaddr *sa, netguard_class *why);

/* The same for an address in text ("10.0.0.1", "::1"); false when it does not parse. */
bool netguard_allowed_str(const netguard_t *g, const char *ip, netguard_class *why);

#endif
