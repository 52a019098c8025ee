/* The net guard: address classification and allow-lists; see netguard.h. */
#include "crawler/netguard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/netaddr.h"

struct netguard {
    netaddr_cidr *allow;
    size_t n_allow;
};

static bool in4(const uint8_t *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3, unsigned prefix)
{
    const uint8_t net[4] = {b0, b1, b2, b3};
    return netaddr_prefix_equal(a, net, prefix);
}

static netguard_class classify4(const uint8_t *a)
{
    if (a[0] == 0)
        return NETGUARD_UNSPECIFIED;
    if (a[0] == 127)
        return NETGUARD_LOOPBACK;
    if (a[0] == 10 || in4(a, 172, 16, 0, 0, 12) || in4(a, 192, 168, 0, 0, 16))
        return NETGUARD_PRIVATE;
    if (in4(a, 100, 64, 0, 0, 10))
        return NETGUARD_CGNAT;
    if (in4(a, 169, 254, 169, 254, 32))
        return NETGUARD_METADATA;
    if (in4(a, 169, 254, 0, 0, 16))
        return NETGUARD_LINK_LOCAL;
    if (in4(a, 192, 0, 2, 0, 24) || in4(a, 198, 51, 100, 0, 24) || in4(a, 203, 0, 113, 0, 24))
        return NETGUARD_DOCUMENTATION;
    if (in4(a, 198, 18, 0, 0, 15))
        return NETGUARD_BENCHMARK;
    if (in4(a, 192, 0, 0, 0, 24) || in4(a, 192, 88, 99, 0, 24))
        return NETGUARD_RESERVED;
    if (in4(a, 224, 0, 0, 0, 4))
        return NETGUARD_MULTICAST;
    if (in4(a, 255, 255, 255, 255, 32))
        return NETGUARD_BROADCAST;
    if (in4(a, 240, 0, 0, 0, 4))
        return NETGUARD_RESERVED;
    return NETGUARD_PUBLIC;
}

/* When the IPv6 address carries an IPv4 address the guard judges (mapped, NAT64, 6to4), copy
 * it to v4 and return true. */
static bool embedded_v4(const uint8_t *a, uint8_t *v4)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const uint8_t nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0) {
        memcpy(v4, a + 12, 4);
        return true;
    }
    if (a[0] == 0x20 && a[1] == 0x02) { /* 2002:AABB:CCDD::/48 */
        memcpy(v4, a + 2, 4);
        return true;
    }
    return false;
}

static netguard_class classify6(const uint8_t *a)
{
    static const uint8_t zero[16] = {0};
    uint8_t v4[4];
    if (memcmp(a, zero, 16) == 0)
        return NETGUARD_UNSPECIFIED;
    if (memcmp(a, zero, 15) == 0 && a[15] == 1)
        return NETGUARD_LOOPBACK;
    if (embedded_v4(a, v4))
        return classify4(v4);
    if ((a[0] & 0xFE) == 0xFC) {
        static const uint8_t aws[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0,    0,
                                        0,    0, 0,    0,    0, 0, 0x02, 0x54};
        return memcmp(a, aws, 16) == 0 ? NETGUARD_METADATA : NETGUARD_UNIQUE_LOCAL;
    }
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80)
        return NETGUARD_LINK_LOCAL;
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0)
        return NETGUARD_UNIQUE_LOCAL;
    if (a[0] == 0xFF)
        return NETGUARD_MULTICAST;
    static const uint8_t nat64_local[6] = {0, 0x64, 0xFF, 0x9B, 0, 0x01};
    if (memcmp(a, nat64_local, 6) == 0)
        return NETGUARD_PRIVATE;
    static const uint8_t doc[4] = {0x20, 0x01, 0x0d, 0xb8};
    if (memcmp(a, doc, 4) == 0)
        return NETGUARD_DOCUMENTATION;
    if ((a[0] & 0xE0) != 0x20) /* outside 2000::/3: no global unicast there */
        return NETGUARD_RESERVED;
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02) /* 2001::/23 protocol assignments */
        return NETGUARD_RESERVED;
    return NETGUARD_PUBLIC;
}

netguard_class netguard_classify_raw(int family, const uint8_t *addr)
{
    if (!addr)
        return NETGUARD_INVALID;
    if (family == AF_INET)
        return classify4(addr);
    if (family == AF_INET6)
        return classify6(addr);
    return NETGUARD_INVALID;
}

netguard_class netguard_classify(const struct sockaddr *sa)
{
    if (!sa)
        return NETGUARD_INVALID;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        return classify4((const uint8_t *)&s4->sin_addr);
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        return classify6(s6->sin6_addr.s6_addr);
    }
    return NETGUARD_INVALID;
}

const char *netguard_class_name(netguard_class c)
{
    switch (c) {
    case NETGUARD_PUBLIC:
        return "public";
    case NETGUARD_UNSPECIFIED:
        return "unspecified";
    case NETGUARD_LOOPBACK:
        return "loopback";
    case NETGUARD_PRIVATE:
        return "private";
    case NETGUARD_CGNAT:
        return "cgnat";
    case NETGUARD_LINK_LOCAL:
        return "link-local";
    case NETGUARD_METADATA:
        return "metadata";
    case NETGUARD_UNIQUE_LOCAL:
        return "unique-local";
    case NETGUARD_MULTICAST:
        return "multicast";
    case NETGUARD_BROADCAST:
        return "broadcast";
    case NETGUARD_DOCUMENTATION:
        return "documentation";
    case NETGUARD_BENCHMARK:
        return "benchmark";
    case NETGUARD_RESERVED:
        return "reserved";
    case NETGUARD_INVALID:
        break;
    }
    return "invalid";
}

ch_status netguard_new(netguard_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? CH_OK : CH_ERR_NOMEM;
}

ch_status netguard_allow(netguard_t *g, const char *cidr)
{
    netaddr_cidr c;
    if (!g)
        return CH_ERR_ARG;
    if (netaddr_parse_cidr(cidr, &c))
        return CH_ERR_PARSE;
    netaddr_cidr *a = realloc(g->allow, (g->n_allow + 1) * sizeof *a);
    if (!a)
        return CH_ERR_NOMEM;
    g->allow = a;
    g->allow[g->n_allow++] = c;
    return CH_OK;
}

void netguard_free(netguard_t *g)
{
    if (!g)
        return;
    free(g->allow);
    free(g);
}

static bool in_allow_list(const netguard_t *g, int family, const uint8_t *addr)
{
    for (size_t i = 0; i < g->n_allow; i++)
        if (netaddr_cidr_contains(&g->allow[i], family, addr))
            return true;
    return false;
}

static bool allowed_raw(const netguard_t *g, int family, const uint8_t *addr, netguard_class *why)
{
    netguard_class c = netguard_classify_raw(family, addr);
    if (why)
        *why = c;
    if (c == NETGUARD_INVALID)
        return false;
    if (c == NETGUARD_PUBLIC)
        return true;
    if (!g)
        return false;
    if (in_allow_list(g, family, addr))
        return true;
    uint8_t v4[4];
    if (family == AF_INET6 && embedded_v4(addr, v4) && in_allow_list(g, AF_INET, v4))
        return true;
    return false;
}

bool netguard_allowed(const netguard_t *g, const struct sockaddr *sa, netguard_class *why)
{
    if (why)
        *why = NETGUARD_INVALID;
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET)
        return allowed_raw(g, AF_INET, (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr,
                           why);
    if (sa->sa_family == AF_INET6)
        return allowed_raw(g, AF_INET6, ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, why);
    return false;
}

bool netguard_allowed_str(const netguard_t *g, const char *ip, netguard_class *why)
{
    uint8_t a[16];
    if (why)
        *why = NETGUARD_INVALID;
    if (!ip)
        return false;
    if (inet_pton(AF_INET, ip, a) == 1)
        return allowed_raw(g, AF_INET, a, why);
    if (inet_pton(AF_INET6, ip, a) == 1)
        return allowed_raw(g, AF_INET6, a, why);
    return false;
}
