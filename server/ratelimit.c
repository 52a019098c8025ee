/* The request rate limiter (ratelimit.h): keyed hashes of addresses, token buckets, a
 * set-associative table of fixed size, a secret replaced daily. */
#include "server/ratelimit.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"

/* One tracked address: its keyed hash (0: free), when it was last seen, its tokens. */
typedef struct {
    uint64_t key;
    uint64_t last_ms;
    double tokens;
} rl_entry;

struct srv_ratelimit {
    srv_rl_config cfg;
    size_t n_sets; /* a power of two */
    rl_entry *table;
    double full_ms; /* an idle bucket is full again after this: its slot counts as free */
    /* the secret: read-locked by every check, write-locked to replace it and wipe the table */
    pthread_rwlock_t secret_lock;
    unsigned char secret[16];
    _Atomic uint64_t secret_born_ms;
    pthread_mutex_t locks[SRV_RL_LOCKS];
    atomic_ulong evictions;
};

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ------------------------------------------ */

#define ROTL64(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL64(v1, 13);                                                                       \
        v1 ^= v0;                                                                                  \
        v0 = ROTL64(v0, 32);                                                                       \
        v2 += v3;                                                                                  \
        v3 = ROTL64(v3, 16);                                                                       \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL64(v3, 21);                                                                       \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL64(v1, 17);                                                                       \
        v1 ^= v2;                                                                                  \
        v2 = ROTL64(v2, 32);                                                                       \
    } while (0)

uint64_t srv_siphash24(const unsigned char k[16], const void *data, size_t len)
{
    const unsigned char *in = data;
    uint64_t k0 = load_le64(k), k1 = load_le64(k + 8);
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    size_t full = len - len % 8;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = load_le64(in + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < len % 8; i++)
        b |= (uint64_t)in[full + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- addresses and networks -------------------------------------------------------------- */

/* The bytes an address counts by (what is hashed): a family tag then the IPv4 address or
 * the IPv6 /64. Returns their length, 0 for another family. */
static size_t address_bytes(const struct sockaddr *sa, unsigned char out[9])
{
    if (sa && sa->sa_family == AF_INET) {
        out[0] = 4;
        memcpy(out + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return 5;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            out[0] = 4;
            memcpy(out + 1, a->s6_addr + 12, 4);
            return 5;
        }
        out[0] = 6;
        memcpy(out + 1, a->s6_addr, 8);
        return 9;
    }
    return 0;
}

bool srv_rl_net_match(const netaddr_cidr *nets, size_t n, const struct sockaddr *sa)
{
    const uint8_t *v4 = NULL, *v6 = NULL;
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        v4 = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            v4 = a->s6_addr + 12;
        else
            v6 = a->s6_addr;
    }
    for (size_t i = 0; i < n; i++)
        if ((v4 && netaddr_cidr_contains(&nets[i], AF_INET, v4)) ||
            (v6 && netaddr_cidr_contains(&nets[i], AF_INET6, v6)))
            return true;
    return false;
}

/* One address of X-Forwarded-For (blanks trimmed) into out. */
static bool parse_forwarded(const char *p, size_t n, struct sockaddr_storage *out)
{
    char host[64];
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (n == 0 || n >= sizeof host)
        return false;
    memcpy(host, p, n);
    host[n] = '\0';
    memset(out, 0, sizeof *out);
    struct sockaddr_in *a4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        return true;
    }
    return false;
}

bool srv_ratelimit_client(const srv_ratelimit *rl, const struct sockaddr *peer, const char *xff,
                          struct sockaddr_storage *out)
{
    if (!peer || (peer->sa_family != AF_INET && peer->sa_family != AF_INET6))
        return false;
    memset(out, 0, sizeof *out);
    memcpy(out, peer,
           peer->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
    if (!rl || !xff || rl->cfg.n_proxies == 0 ||
        !srv_rl_net_match(rl->cfg.proxies, rl->cfg.n_proxies, peer))
        return true;
    /* from the right: each proxy appends the address it got the request from */
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        struct sockaddr_storage a;
        if (!parse_forwarded(xff + start, end - start, &a))
            break; /* junk a client may have sent: keep the last address a proxy vouched for */
        *out = a;
        if (!srv_rl_net_match(rl->cfg.proxies, rl->cfg.n_proxies, (struct sockaddr *)&a))
            break;
        end = start ? start - 1 : 0;
    }
    return true;
}

/* ---- configuration ----------------------------------------------------------------------- */

void srv_rl_config_defaults(srv_rl_config *rc)
{
    memset(rc, 0, sizeof *rc);
    rc->rate = SRV_RL_DEFAULT_RATE;
    rc->burst = SRV_RL_DEFAULT_BURST;
    rc->table_size = SRV_RL_DEFAULT_TABLE;
    /* loopback: a reverse proxy on this machine. Its X-Forwarded-For names the client; a
     * request from it without one (a local tool, a proxy not configured to send it) is
     * never limited rather than all visitors sharing one bucket */
    static const char *const loopback[] = {"127.0.0.0/8", "::1"};
    for (size_t i = 0; i < 2; i++) { /* constants: they parse */
        (void)netaddr_parse_cidr(loopback[i], &rc->exempt[rc->n_exempt++]);
        (void)netaddr_parse_cidr(loopback[i], &rc->proxies[rc->n_proxies++]);
    }
}

/* Every network of the (repeatable, comma- or blank-separated) key into nets, replacing the
 * defaults when the key is present; "none" stands for no network. */
static bool read_nets(const cfg_t *c, const char *key, netaddr_cidr *nets, size_t *n)
{
    if (cfg_count(c, "serve", key) > 0)
        *n = 0;
    for (size_t i = 0; i < cfg_count(c, "serve", key); i++) {
        const char *p = cfg_get_nth(c, "serve", key, i);
        while (p && *p) {
            while (*p == ',' || isspace((unsigned char)*p))
                p++;
            size_t len = 0;
            while (p[len] && p[len] != ',' && !isspace((unsigned char)p[len]))
                len++;
            if (len == 0)
                break;
            char tok[80];
            if (len >= sizeof tok || *n >= SRV_RL_MAX_NETS)
                return false;
            memcpy(tok, p, len);
            tok[len] = '\0';
            p += len;
            if (strcmp(tok, "none") == 0)
                continue;
            if (netaddr_parse_cidr(tok, &nets[*n]) != CH_OK)
                return false;
            (*n)++;
        }
    }
    return true;
}

ch_status srv_rl_config_from_cfg(srv_rl_config *rc, const cfg_t *c, char *err, size_t errlen)
{
    srv_rl_config_defaults(rc);
    if (!c)
        return CH_OK;
    static const struct {
        const char *key;
        long min, max;
    } nums[] = {{"rate_limit", 0, SRV_RL_MAX_RATE},
                {"rate_limit_burst", 1, SRV_RL_MAX_BURST},
                {"rate_limit_table", 1, SRV_RL_MAX_TABLE}};
    const char *bad = NULL;
    long v[3] = {rc->rate, rc->burst, (long)rc->table_size};
    for (size_t i = 0; i < 3 && !bad; i++) {
        const char *s = cfg_get(c, "serve", nums[i].key);
        if (s && !cli_parse_long(s, nums[i].min, nums[i].max, &v[i]))
            bad = nums[i].key;
    }
    if (!bad && !read_nets(c, "rate_limit_exempt", rc->exempt, &rc->n_exempt))
        bad = "rate_limit_exempt";
    if (!bad && !read_nets(c, "rate_limit_proxies", rc->proxies, &rc->n_proxies))
        bad = "rate_limit_proxies";
    if (bad) {
        if (err)
            snprintf(err, errlen, "[serve] %s: invalid value", bad);
        srv_rl_config_defaults(rc);
        return CH_ERR_PARSE;
    }
    rc->rate = (unsigned)v[0];
    rc->burst = (unsigned)v[1];
    rc->table_size = (size_t)v[2];
    return CH_OK;
}

/* ---- the limiter ------------------------------------------------------------------------- */

ch_status srv_ratelimit_new(const srv_rl_config *rc, uint64_t now_ms, srv_ratelimit **out)
{
    *out = NULL;
    if (rc->rate == 0)
        return CH_OK;
    if (rc->burst == 0 || rc->table_size > SRV_RL_MAX_TABLE)
        return CH_ERR_ARG;
    srv_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return CH_ERR_NOMEM;
    rl->cfg = *rc;
    size_t entries = SRV_RL_MIN_TABLE;
    while (entries < rc->table_size)
        entries *= 2;
    rl->n_sets = entries / SRV_RL_WAYS;
    rl->table = calloc(entries, sizeof *rl->table);
    if (!rl->table) {
        free(rl);
        return CH_ERR_NOMEM;
    }
    rl->full_ms = (double)rc->burst * 1000.0 / (double)rc->rate;
    pthread_rwlock_init(&rl->secret_lock, NULL);
    for (size_t i = 0; i < SRV_RL_LOCKS; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    atomic_init(&rl->evictions, 0);
    if (RAND_bytes(rl->secret, sizeof rl->secret) != 1) {
        srv_ratelimit_free(rl);
        return CH_ERR_IO;
    }
    atomic_init(&rl->secret_born_ms, now_ms);
    *out = rl;
    return CH_OK;
}

void srv_ratelimit_free(srv_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_rwlock_destroy(&rl->secret_lock);
    for (size_t i = 0; i < SRV_RL_LOCKS; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    OPENSSL_cleanse(rl->secret, sizeof rl->secret);
    free(rl->table);
    free(rl);
}

/* Replace the secret and wipe the table; the caller holds the write lock. */
static ch_status rotate_locked(srv_ratelimit *rl, uint64_t now_ms)
{
    unsigned char fresh[16];
    if (RAND_bytes(fresh, sizeof fresh) != 1)
        return CH_ERR_IO;
    memcpy(rl->secret, fresh, sizeof fresh);
    OPENSSL_cleanse(fresh, sizeof fresh);
    memset(rl->table, 0, rl->n_sets * SRV_RL_WAYS * sizeof *rl->table);
    atomic_store(&rl->secret_born_ms, now_ms);
    return CH_OK;
}

ch_status srv_ratelimit_rotate(srv_ratelimit *rl, uint64_t now_ms)
{
    pthread_rwlock_wrlock(&rl->secret_lock);
    ch_status st = rotate_locked(rl, now_ms);
    pthread_rwlock_unlock(&rl->secret_lock);
    return st;
}

/* The key of client under the current secret; the caller holds the secret lock. */
static uint64_t key_locked(const srv_ratelimit *rl, const struct sockaddr *client)
{
    unsigned char b[9];
    size_t n = address_bytes(client, b);
    if (n == 0)
        return 0;
    uint64_t h = srv_siphash24(rl->secret, b, n);
    return h ? h : 1; /* 0 marks a free entry */
}

uint64_t srv_ratelimit_key(srv_ratelimit *rl, const struct sockaddr *client)
{
    pthread_rwlock_rdlock(&rl->secret_lock);
    uint64_t h = key_locked(rl, client);
    pthread_rwlock_unlock(&rl->secret_lock);
    return h;
}

unsigned srv_ratelimit_check(srv_ratelimit *rl, const struct sockaddr *client, uint64_t now_ms)
{
    if (!rl || srv_rl_net_match(rl->cfg.exempt, rl->cfg.n_exempt, client))
        return 0;
    if (now_ms - atomic_load(&rl->secret_born_ms) >= SRV_RL_SECRET_LIFETIME_MS) {
        pthread_rwlock_wrlock(&rl->secret_lock);
        if (now_ms - atomic_load(&rl->secret_born_ms) >= SRV_RL_SECRET_LIFETIME_MS)
            rotate_locked(rl, now_ms); /* on failure the old secret serves another check */
        pthread_rwlock_unlock(&rl->secret_lock);
    }
    pthread_rwlock_rdlock(&rl->secret_lock);
    uint64_t key = key_locked(rl, client);
    if (key == 0) {
        pthread_rwlock_unlock(&rl->secret_lock);
        return 0;
    }
    size_t set = (size_t)(key >> 17) & (rl->n_sets - 1);
    pthread_mutex_t *lock = &rl->locks[set % SRV_RL_LOCKS];
    pthread_mutex_lock(lock);
    rl_entry *ways = &rl->table[set * SRV_RL_WAYS], *e = NULL, *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < SRV_RL_WAYS && !e; i++) {
        rl_entry *w = &ways[i];
        if (w->key == key)
            e = w;
        else if (!free_slot && (w->key == 0 || now_ms < w->last_ms ||
                                (double)(now_ms - w->last_ms) >= rl->full_ms))
            free_slot = w; /* empty, or idle long enough that its bucket is full: nothing lost */
        else if (!oldest || w->last_ms < oldest->last_ms)
            oldest = w;
    }
    if (e) {
        double elapsed = now_ms > e->last_ms ? (double)(now_ms - e->last_ms) : 0.0;
        e->tokens += elapsed * rl->cfg.rate / 1000.0;
        if (e->tokens > rl->cfg.burst)
            e->tokens = rl->cfg.burst;
    } else {
        e = free_slot;
        if (!e) {
            e = oldest;
            atomic_fetch_add(&rl->evictions, 1);
        }
        e->key = key;
        e->tokens = rl->cfg.burst;
    }
    e->last_ms = now_ms;
    unsigned wait = 0;
    if (e->tokens >= 1.0) {
        e->tokens -= 1.0;
    } else {
        double s = (1.0 - e->tokens) / (double)rl->cfg.rate; /* seconds, rounded up */
        wait = (unsigned)s;
        if ((double)wait < s || wait == 0)
            wait++;
    }
    pthread_mutex_unlock(lock);
    pthread_rwlock_unlock(&rl->secret_lock);
    return wait;
}

size_t srv_ratelimit_used(srv_ratelimit *rl)
{
    size_t n = 0;
    pthread_rwlock_wrlock(&rl->secret_lock);
    for (size_t i = 0; i < rl->n_sets * SRV_RL_WAYS; i++)
        n += rl->table[i].key != 0;
    pthread_rwlock_unlock(&rl->secret_lock);
    return n;
}

unsigned long srv_ratelimit_evictions(srv_ratelimit *rl)
{
    return atomic_load(&rl->evictions);
}
