/* IP networks in CIDR notation ("10.0.0.0/8", "fd00::/8", a bare address), shared by the
 * crawler's address guard (--allow-network) and the server's rate limiter (exempt networks,
 * trusted proxies); and socket addresses such as the server's --listen. */
#ifndef CHOUETTE_NETADDR_H
#define CHOUETTE_NETADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/status.h"

/* A network: family AF_INET (4 bytes of addr used) or AF_INET6 (16), host bits cleared. */
typedef struct {
    int family;
    uint8_t addr[16];
    unsigned prefix; /* bits: 0-32 or 0-128 */
} netaddr_cidr;

/* Parse "a.b.c.d/n", "v6addr/n" or a bare address (a /32 or /128). The prefix is decimal digits
 * only; host bits are cleared ("10.1.2.3/8" is 10.0.0.0/8). CH_ERR_PARSE on anything else, and
 * on NULL; *out is zeroed then. */
ch_status netaddr_parse_cidr(const char *s, netaddr_cidr *out);

/* True when the first `bits` bits of a and b agree (bits <= 8 * their length). */
bool netaddr_prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits);

/* True when the address (family AF_INET: 4 bytes at addr, AF_INET6: 16) is in net. */
bool netaddr_cidr_contains(const netaddr_cidr *net, int family, const uint8_t *addr);

/* "127.0.0.1:8080" or "[::1]:8080" (a numeric address and a port 0-65535) -> *ss, with *v6 set
 * for IPv6. False, *ss zeroed, on anything else (names are not resolved). */
bool netaddr_parse_sockaddr(const char *s, struct sockaddr_storage *ss, bool *v6);

#endif
