/* The request rate limiter of chouette serve: a token bucket per client address, in memory
 * only, in a table of fixed size, keyed by a keyed hash of the address (SipHash-2-4 with a
 * 128-bit secret drawn at start and replaced, with the whole table wiped, every 24 hours).
 * The address itself is never stored, logged or written anywhere: once the secret is gone a
 * stored key cannot be linked back to an address (docs/SECURITY.md, "Rate limiter").
 *
 * IPv4 addresses count one by one; IPv6 addresses by their /64 (one subscriber's network);
 * IPv4-mapped IPv6 addresses as the IPv4 address. Thread-safe: the table is split in sets of
 * SRV_RL_WAYS entries, each set guarded by one of SRV_RL_LOCKS mutexes. */
#ifndef CHOUETTE_SERVER_RATELIMIT_H
#define CHOUETTE_SERVER_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/config.h"
#include "common/netaddr.h"
#include "common/status.h"

/* Named limits and defaults (docs/API.md, etc/chouette.ini). */
#define SRV_RL_DEFAULT_RATE 10u     /* requests per second per address, sustained */
#define SRV_RL_DEFAULT_BURST 300u   /* requests in a row before the sustained rate applies */
#define SRV_RL_DEFAULT_TABLE 65536u /* addresses tracked at once (24 bytes each) */
#define SRV_RL_MAX_RATE 1000000u    /* rate_limit above this: a parse error */
#define SRV_RL_MAX_BURST 1000000u   /* rate_limit_burst above this: a parse error */
#define SRV_RL_MIN_TABLE 64u        /* smaller tables are rounded up */
#define SRV_RL_MAX_TABLE (1u << 24) /* rate_limit_table above this: a parse error */
#define SRV_RL_MAX_NETS 64u         /* entries of rate_limit_exempt / rate_limit_proxies */
#define SRV_RL_WAYS 8u              /* entries per set: a new address evicts within its set */
#define SRV_RL_LOCKS 64u            /* mutexes striped over the sets */
#define SRV_RL_SECRET_LIFETIME_MS (24ull * 3600ull * 1000ull) /* the secret changes daily */

typedef struct {
    unsigned rate;     /* tokens per second; 0: the limiter is off */
    unsigned burst;    /* bucket size (>= 1 when rate > 0) */
    size_t table_size; /* entries; rounded up to a power of two, at least SRV_RL_MIN_TABLE */
    netaddr_cidr exempt[SRV_RL_MAX_NETS]; /* clients never limited (a school's NAT) */
    size_t n_exempt;
    netaddr_cidr proxies[SRV_RL_MAX_NETS]; /* peers whose X-Forwarded-For names the client */
    size_t n_proxies;
} srv_rl_config;

typedef struct srv_ratelimit srv_ratelimit;

/* The defaults: SRV_RL_DEFAULT_RATE, SRV_RL_DEFAULT_BURST, SRV_RL_DEFAULT_TABLE; loopback
 * (127.0.0.0/8, ::1) both exempt and trusted as a proxy. */
void srv_rl_config_defaults(srv_rl_config *rc);

/* Read the [serve] keys rate_limit, rate_limit_burst, rate_limit_table, rate_limit_exempt and
 * rate_limit_proxies of c (NULL: defaults) into rc. A network key, when present, replaces
 * the default list ("none": an empty one). CH_ERR_PARSE with err naming the key for
 * a bad value; rc is then left with the defaults. */
ch_status srv_rl_config_from_cfg(srv_rl_config *rc, const cfg_t *c, char *err, size_t errlen);

/* True when sa (AF_INET or AF_INET6; IPv4-mapped IPv6 matches IPv4 networks) is in one of
 * the n networks. */
bool srv_rl_net_match(const netaddr_cidr *nets, size_t n, const struct sockaddr *sa);

/* A limiter for rc (copied), its secret drawn now (now_ms: a monotonic clock in
 * milliseconds, the same the caller passes to srv_ratelimit_check). With rc->rate == 0, *out
 * is NULL and CH_OK is returned: no limiter, every request passes. CH_ERR_NOMEM; CH_ERR_IO
 * when no random secret can be drawn. Free with srv_ratelimit_free. */
ch_status srv_ratelimit_new(const srv_rl_config *rc, uint64_t now_ms, srv_ratelimit **out);
void srv_ratelimit_free(srv_ratelimit *rl);

/* The address a request counts for: the peer, or, when the peer is one of the configured
 * proxies, the rightmost address of the X-Forwarded-For value xff (NULL: none) that is not
 * itself a proxy. Writes it to *out and returns true; false (out untouched) when no address
 * can be read (a peer that is not an internet address). rl may be NULL (no proxies). */
bool srv_ratelimit_client(const srv_ratelimit *rl, const struct sockaddr *peer, const char *xff,
                          struct sockaddr_storage *out);

/* Count one request from client at now_ms. Returns 0 when it may proceed, otherwise the
 * whole seconds to wait before the next one would (>= 1): the value of Retry-After. Exempt
 * clients and a NULL rl always get 0. Replaces the secret and wipes the table first when
 * the secret is SRV_RL_SECRET_LIFETIME_MS old. Never stores the address. */
unsigned srv_ratelimit_check(srv_ratelimit *rl, const struct sockaddr *client, uint64_t now_ms);

/* Draw a new secret and wipe the table now (what srv_ratelimit_check does daily). CH_ERR_IO
 * when no random secret can be drawn: the old one is then kept. */
ch_status srv_ratelimit_rotate(srv_ratelimit *rl, uint64_t now_ms);

/* The table key of client under the current secret (what is stored instead of the
 * address), for tests. 0 for an address family that is not counted. */
uint64_t srv_ratelimit_key(srv_ratelimit *rl, const struct sockaddr *client);

/* Entries currently holding a key, and entries evicted while still in use since start
 * (for tests and /metrics-style counters; no address in either). */
size_t srv_ratelimit_used(srv_ratelimit *rl);
unsigned long srv_ratelimit_evictions(srv_ratelimit *rl);

/* SipHash-2-4 of data under the 16-byte key k (the reference algorithm, little-endian). */
uint64_t srv_siphash24(const unsigned char k[16], const void *data, size_t len);

#endif
