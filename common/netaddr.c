/* IP networks in CIDR notation; see netaddr.h. */
#include "common/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/cli.h"

ch_status netaddr_parse_cidr(const char *s, netaddr_cidr *out)
{
    memset(out, 0, sizeof *out);
    if (!s)
        return CH_ERR_PARSE;
    char host[64];
    const char *slash = strchr(s, '/');
    size_t hl = slash ? (size_t)(slash - s) : strlen(s);
    if (hl == 0 || hl >= sizeof host)
        return CH_ERR_PARSE;
    memcpy(host, s, hl);
    host[hl] = '\0';
    netaddr_cidr c = {0};
    if (inet_pton(AF_INET, host, c.addr) == 1) {
        c.family = AF_INET;
        c.prefix = 32;
    } else if (inet_pton(AF_INET6, host, c.addr) == 1) {
        c.family = AF_INET6;
        c.prefix = 128;
    } else {
        return CH_ERR_PARSE;
    }
    if (slash) {
        const char *p = slash + 1;
        unsigned v = 0;
        if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 3)
            return CH_ERR_PARSE;
        for (; *p; p++)
            v = v * 10 + (unsigned)(*p - '0');
        if (v > c.prefix)
            return CH_ERR_PARSE;
        c.prefix = v;
    }
    unsigned bytes = c.family == AF_INET ? 4 : 16;
    for (unsigned i = 0; i < bytes; i++) { /* clear host bits */
        unsigned keep = c.prefix > i * 8 ? c.prefix - i * 8 : 0;
        if (keep == 0)
            c.addr[i] = 0;
        else if (keep < 8)
            c.addr[i] &= (uint8_t)(0xFFu << (8 - keep));
    }
    *out = c;
    return CH_OK;
}

bool netaddr_prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xFFu << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool netaddr_cidr_contains(const netaddr_cidr *net, int family, const uint8_t *addr)
{
    return net->family == family && netaddr_prefix_equal(addr, net->addr, net->prefix);
}

bool netaddr_parse_sockaddr(const char *s, struct sockaddr_storage *ss, bool *v6)
{
    char host[64];
    const char *port;
    memset(ss, 0, sizeof *ss);
    if (!s)
        return false;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host)
            return false;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host)
            return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        port = colon + 1;
    }
    long p;
    if (!cli_parse_long(port, 0, 65535, &p))
        return false;
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        *v6 = true;
        return true;
    }
    return false;
}
