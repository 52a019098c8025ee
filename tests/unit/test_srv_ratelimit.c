/* The rate limiter: SipHash against the reference vectors (and OpenSSL's), token buckets
 * (burst, refill, Retry-After), a full table evicting, the daily secret, exempt networks,
 * X-Forwarded-For behind a trusted proxy, the [serve] keys, and the 429 text in every
 * language file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/paths.h"
#include "server/i18n.h"
#include "server/ratelimit.h"

static struct sockaddr_storage v4(const char *s)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, s, &a->sin_addr), 1);
    return ss;
}

static struct sockaddr_storage v6(const char *s)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, s, &a->sin6_addr), 1);
    return ss;
}

#define SA(x) ((const struct sockaddr *)&(x))

static srv_ratelimit *limiter(unsigned rate, unsigned burst, size_t table)
{
    srv_rl_config rc;
    srv_rl_config_defaults(&rc);
    rc.rate = rate;
    rc.burst = burst;
    rc.table_size = table;
    rc.n_exempt = 0;
    srv_ratelimit *rl = NULL;
    assert_int_equal(srv_ratelimit_new(&rc, 1000, &rl), CH_OK);
    assert_non_null(rl);
    return rl;
}

/* The reference vectors of the SipHash paper (key 00..0f, messages 00, 00 01, ...), and the
 * same computed by OpenSSL's SIPHASH MAC for every length 0..63. */
static void test_siphash_reference(void **state)
{
    (void)state;
    unsigned char k[16], m[64];
    for (int i = 0; i < 16; i++)
        k[i] = (unsigned char)i;
    for (int i = 0; i < 64; i++)
        m[i] = (unsigned char)i;
    assert_true(srv_siphash24(k, m, 0) == 0x726fdb47dd0e0e31ull);
    assert_true(srv_siphash24(k, m, 1) == 0x74f839c593dc67fdull);
    assert_true(srv_siphash24(k, m, 15) == 0xa129ca6149be45e5ull);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
    if (!mac) /* the two vectors above stand alone */
        return;
    for (size_t len = 0; len < 64; len++) {
        EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
        size_t outsize = 8, outl = 0;
        OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &outsize),
                               OSSL_PARAM_construct_end()};
        unsigned char out[8];
        assert_int_equal(EVP_MAC_init(ctx, k, sizeof k, params), 1);
        assert_int_equal(EVP_MAC_update(ctx, m, len), 1);
        assert_int_equal(EVP_MAC_final(ctx, out, &outl, sizeof out), 1);
        assert_int_equal(outl, 8);
        uint64_t want = 0;
        for (int i = 7; i >= 0; i--)
            want = (want << 8) | out[i];
        assert_true(srv_siphash24(k, m, len) == want);
        EVP_MAC_CTX_free(ctx);
    }
    EVP_MAC_free(mac);
}

static void test_burst_then_429_then_refill(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(2, 5, 1024);
    struct sockaddr_storage a = v4("192.0.2.1"), b = v4("192.0.2.2");
    uint64_t t = 5000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(srv_ratelimit_check(rl, SA(a), t), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), t), 1); /* 0.5 s at 2/s, rounded up */
    assert_int_equal(srv_ratelimit_check(rl, SA(b), t), 0); /* another address: its own bucket */
    /* refusals cost nothing: after 499 ms still no whole token, at 500 ms one */
    assert_int_equal(srv_ratelimit_check(rl, SA(a), t + 499), 1);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), t + 500), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), t + 500), 1);
    /* sustained: one every 500 ms passes forever */
    for (int i = 2; i < 40; i++)
        assert_int_equal(srv_ratelimit_check(rl, SA(a), t + 500 * (uint64_t)i), 0);
    /* the bucket refills up to the burst, not beyond */
    uint64_t later = t + 500 * 40 + 3600 * 1000;
    for (int i = 0; i < 5; i++)
        assert_int_equal(srv_ratelimit_check(rl, SA(a), later), 0);
    assert_true(srv_ratelimit_check(rl, SA(a), later) >= 1);
    srv_ratelimit_free(rl);
}

static void test_retry_after_in_seconds(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(1, 1, 64);
    struct sockaddr_storage a = v4("198.51.100.7");
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 10000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 10000), 1);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 10999), 1);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 11000), 0);
    srv_ratelimit_free(rl);
}

/* More active addresses than entries: memory stays what it was, the least recently seen
 * are evicted, nothing fails. */
static void test_table_full_evicts(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(1, 1000, 64); /* 64 entries, 8 sets of 8 */
    char s[32];
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(s, sizeof s, "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        struct sockaddr_storage a = v4(s);
        assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000 + i), 0); /* each has its burst */
    }
    assert_int_equal(srv_ratelimit_used(rl), 64);
    assert_true(srv_ratelimit_evictions(rl) >= 5000 - 64);
    /* the first address, least recently seen, was evicted: it starts again with a full
     * bucket (1000 then a refusal), where it had 999 tokens left */
    struct sockaddr_storage first = v4("10.0.0.0");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(srv_ratelimit_check(rl, SA(first), 6000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(first), 6000), 1);
    srv_ratelimit_free(rl);
}

/* Idle entries (bucket full again) are reused before any active one is evicted. */
static void test_idle_entries_reused_first(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(10, 10, 64); /* full again 1 s after the last request */
    char s[32];
    for (unsigned i = 0; i < 64 * 4; i++) {
        snprintf(s, sizeof s, "172.16.%u.%u", i / 256, i % 256);
        struct sockaddr_storage a = v4(s);
        srv_ratelimit_check(rl, SA(a), 1000);
    }
    assert_int_equal(srv_ratelimit_used(rl), 64);
    unsigned long before = srv_ratelimit_evictions(rl);
    assert_true(before > 0);
    /* 999 ms later every entry is still in use: a newcomer evicts one */
    struct sockaddr_storage n1 = v4("192.0.2.1"), n2 = v4("192.0.2.2");
    srv_ratelimit_check(rl, SA(n1), 1999);
    assert_int_equal(srv_ratelimit_evictions(rl), before + 1);
    /* 1 s after their last request the old buckets are full again: reused, not evicted */
    srv_ratelimit_check(rl, SA(n2), 2000);
    assert_int_equal(srv_ratelimit_evictions(rl), before + 1);
    srv_ratelimit_free(rl);
}

static void test_secret_rotation_changes_keys_and_wipes(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(1, 2, 64);
    struct sockaddr_storage a = v4("203.0.113.9"), b = v6("2001:db8::1");
    uint64_t ka = srv_ratelimit_key(rl, SA(a)), kb = srv_ratelimit_key(rl, SA(b));
    assert_true(ka != 0 && kb != 0 && ka != kb);
    assert_true(srv_ratelimit_key(rl, SA(a)) == ka); /* stable under one secret */
    /* the key is not the address in any simple form */
    uint32_t raw;
    memcpy(&raw, &((struct sockaddr_in *)&a)->sin_addr, 4);
    assert_true((uint32_t)ka != raw && (uint32_t)(ka >> 32) != raw);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 1);
    assert_int_equal(srv_ratelimit_used(rl), 1);
    assert_int_equal(srv_ratelimit_rotate(rl, 1000), CH_OK);
    assert_true(srv_ratelimit_key(rl, SA(a)) != ka);
    assert_true(srv_ratelimit_key(rl, SA(b)) != kb);
    assert_int_equal(srv_ratelimit_used(rl), 0); /* the old keys are gone with their secret */
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 0);

    /* the daily rotation happens by itself on the first check a day after the last one */
    uint64_t k1 = srv_ratelimit_key(rl, SA(a));
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000 + SRV_RL_SECRET_LIFETIME_MS - 1), 0);
    assert_true(srv_ratelimit_key(rl, SA(a)) == k1);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000 + SRV_RL_SECRET_LIFETIME_MS), 0);
    assert_true(srv_ratelimit_key(rl, SA(a)) != k1);
    assert_int_equal(srv_ratelimit_used(rl), 1);
    srv_ratelimit_free(rl);

    /* two limiters (two starts of the server) draw different secrets */
    srv_ratelimit *r1 = limiter(1, 1, 64), *r2 = limiter(1, 1, 64);
    assert_true(srv_ratelimit_key(r1, SA(a)) != srv_ratelimit_key(r2, SA(a)));
    srv_ratelimit_free(r1);
    srv_ratelimit_free(r2);
}

/* IPv6 counts by /64; an IPv4-mapped address counts as the IPv4 one. */
static void test_ipv6_by_prefix(void **state)
{
    (void)state;
    srv_ratelimit *rl = limiter(1, 2, 64);
    struct sockaddr_storage a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2:ffff::9"),
                            c = v6("2001:db8:1:3::1"), m = v6("::ffff:192.0.2.1"),
                            p = v4("192.0.2.1");
    assert_true(srv_ratelimit_key(rl, SA(a)) == srv_ratelimit_key(rl, SA(b)));
    assert_true(srv_ratelimit_key(rl, SA(a)) != srv_ratelimit_key(rl, SA(c)));
    assert_true(srv_ratelimit_key(rl, SA(m)) == srv_ratelimit_key(rl, SA(p)));
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(b), 1000), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(a), 1000), 1);
    assert_int_equal(srv_ratelimit_check(rl, SA(c), 1000), 0);
    srv_ratelimit_free(rl);
}

static void test_networks(void **state)
{
    (void)state;
    netaddr_cidr n[4];
    assert_int_equal(netaddr_parse_cidr("10.0.0.0/8", &n[0]), CH_OK);
    assert_int_equal(netaddr_parse_cidr("192.0.2.7", &n[1]), CH_OK);
    assert_int_equal(netaddr_parse_cidr("fd00::/8", &n[2]), CH_OK);
    assert_int_equal(netaddr_parse_cidr("172.16.0.0/12", &n[3]), CH_OK);
    assert_int_equal(n[1].prefix, 32);
    struct sockaddr_storage in1 = v4("10.200.3.4"), in2 = v4("192.0.2.7"), in3 = v6("fd12::1"),
                            in4 = v6("::ffff:10.1.1.1"), in5 = v4("172.31.255.255"),
                            out1 = v4("11.0.0.1"), out2 = v4("192.0.2.8"), out3 = v6("fe80::1"),
                            out4 = v4("172.32.0.0");
    assert_true(srv_rl_net_match(n, 4, SA(in1)));
    assert_true(srv_rl_net_match(n, 4, SA(in2)));
    assert_true(srv_rl_net_match(n, 4, SA(in3)));
    assert_true(srv_rl_net_match(n, 4, SA(in4)));
    assert_true(srv_rl_net_match(n, 4, SA(in5)));
    assert_false(srv_rl_net_match(n, 4, SA(out1)));
    assert_false(srv_rl_net_match(n, 4, SA(out2)));
    assert_false(srv_rl_net_match(n, 4, SA(out3)));
    assert_false(srv_rl_net_match(n, 4, SA(out4)));
    netaddr_cidr bad;
    assert_int_equal(netaddr_parse_cidr("10.0.0.0/33", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("::/129", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("10.0.0/8", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("10.0.0.0/", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("10.0.0.0/8x", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("example.fr", &bad), CH_ERR_PARSE);
    assert_int_equal(netaddr_parse_cidr("0.0.0.0/0", &bad), CH_OK); /* everything */
    assert_true(srv_rl_net_match(&bad, 1, SA(out1)));
}

static void test_exempt_networks_never_limited(void **state)
{
    (void)state;
    srv_rl_config rc;
    srv_rl_config_defaults(&rc);
    rc.rate = 1;
    rc.burst = 1;
    rc.n_exempt = 0;
    assert_int_equal(netaddr_parse_cidr("192.0.2.0/24", &rc.exempt[rc.n_exempt++]), CH_OK);
    assert_int_equal(netaddr_parse_cidr("2001:db8::/32", &rc.exempt[rc.n_exempt++]), CH_OK);
    srv_ratelimit *rl = NULL;
    assert_int_equal(srv_ratelimit_new(&rc, 0, &rl), CH_OK);
    struct sockaddr_storage nat = v4("192.0.2.200"), nat6 = v6("2001:db8:5::1"),
                            other = v4("198.51.100.1");
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(srv_ratelimit_check(rl, SA(nat), 5), 0);
        assert_int_equal(srv_ratelimit_check(rl, SA(nat6), 5), 0);
    }
    assert_int_equal(srv_ratelimit_used(rl), 0); /* not even counted */
    assert_int_equal(srv_ratelimit_check(rl, SA(other), 5), 0);
    assert_int_equal(srv_ratelimit_check(rl, SA(other), 5), 1);
    srv_ratelimit_free(rl);

    /* rate 0: no limiter at all */
    rc.rate = 0;
    assert_int_equal(srv_ratelimit_new(&rc, 0, &rl), CH_OK);
    assert_null(rl);
    assert_int_equal(srv_ratelimit_check(NULL, SA(other), 5), 0);
}

static void test_forwarded_for_from_trusted_proxy_only(void **state)
{
    (void)state;
    srv_rl_config rc;
    srv_rl_config_defaults(&rc);
    rc.n_proxies = 0;
    assert_int_equal(netaddr_parse_cidr("127.0.0.1", &rc.proxies[rc.n_proxies++]), CH_OK);
    assert_int_equal(netaddr_parse_cidr("10.9.0.0/16", &rc.proxies[rc.n_proxies++]), CH_OK);
    srv_ratelimit *rl = NULL;
    assert_int_equal(srv_ratelimit_new(&rc, 0, &rl), CH_OK);
    struct sockaddr_storage proxy = v4("127.0.0.1"), stranger = v4("198.51.100.1"), out;
    char txt[INET6_ADDRSTRLEN];
#define CLIENT_IS(peer, xff, want)                                                                 \
    do {                                                                                           \
        assert_true(srv_ratelimit_client(rl, SA(peer), xff, &out));                                \
        if (out.ss_family == AF_INET)                                                              \
            inet_ntop(AF_INET, &((struct sockaddr_in *)&out)->sin_addr, txt, sizeof txt);          \
        else                                                                                       \
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&out)->sin6_addr, txt, sizeof txt);       \
        assert_string_equal(txt, want);                                                            \
    } while (0)
    CLIENT_IS(proxy, NULL, "127.0.0.1");
    CLIENT_IS(proxy, "203.0.113.5", "203.0.113.5");
    /* the client may forge the left part; the rightmost non-proxy address counts */
    CLIENT_IS(proxy, "1.2.3.4, 203.0.113.5", "203.0.113.5");
    CLIENT_IS(proxy, "1.2.3.4, 203.0.113.5 , 10.9.1.1", "203.0.113.5");
    CLIENT_IS(proxy, " 2001:db8::7 ", "2001:db8::7");
    CLIENT_IS(proxy, "203.0.113.5, junk", "127.0.0.1"); /* unreadable: the peer itself */
    CLIENT_IS(proxy, "", "127.0.0.1");
    /* a peer that is not a proxy cannot choose its address */
    CLIENT_IS(stranger, "203.0.113.5", "198.51.100.1");
    assert_true(srv_ratelimit_client(NULL, SA(stranger), "203.0.113.5", &out));
    struct sockaddr unix_peer = {.sa_family = AF_UNIX};
    assert_false(srv_ratelimit_client(rl, &unix_peer, NULL, &out));
    srv_ratelimit_free(rl);
}

static void test_config_keys(void **state)
{
    (void)state;
    srv_rl_config rc;
    char err[256] = "";
    assert_int_equal(srv_rl_config_from_cfg(&rc, NULL, err, sizeof err), CH_OK);
    assert_int_equal(rc.rate, SRV_RL_DEFAULT_RATE);
    assert_int_equal(rc.burst, SRV_RL_DEFAULT_BURST);
    assert_true(rc.rate >= 2 && rc.burst >= 100); /* a whole school behind one address */
    /* loopback by default: exempt, and trusted for X-Forwarded-For (a local proxy) */
    struct sockaddr_storage lo = v4("127.0.0.1"), lo6 = v6("::1"), pub = v4("192.0.2.1");
    assert_true(srv_rl_net_match(rc.exempt, rc.n_exempt, SA(lo)));
    assert_true(srv_rl_net_match(rc.exempt, rc.n_exempt, SA(lo6)));
    assert_true(srv_rl_net_match(rc.proxies, rc.n_proxies, SA(lo)));
    assert_false(srv_rl_net_match(rc.exempt, rc.n_exempt, SA(pub)));
    assert_false(srv_rl_net_match(rc.proxies, rc.n_proxies, SA(pub)));
    cfg_t *c = NULL;
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load_string(c,
                                     "[serve]\nrate_limit = 3\nrate_limit_burst = 50\n"
                                     "rate_limit_table = 100\n"
                                     "rate_limit_exempt = 10.0.0.0/8, 192.0.2.1\n"
                                     "rate_limit_exempt = fd00::/8\n"
                                     "rate_limit_proxies = 127.0.0.1\n",
                                     err, sizeof err),
                     CH_OK);
    assert_int_equal(srv_rl_config_from_cfg(&rc, c, err, sizeof err), CH_OK);
    assert_int_equal(rc.rate, 3);
    assert_int_equal(rc.burst, 50);
    assert_int_equal(rc.table_size, 100);
    assert_int_equal(rc.n_exempt, 3);
    assert_int_equal(rc.n_proxies, 1);
    assert_false(srv_rl_net_match(rc.exempt, rc.n_exempt, SA(lo))); /* replaced */
    cfg_free(c);
    assert_int_equal(cfg_new(&c), CH_OK);
    assert_int_equal(cfg_load_string(c, "[serve]\nrate_limit_exempt = none\n", err, sizeof err),
                     CH_OK);
    assert_int_equal(srv_rl_config_from_cfg(&rc, c, err, sizeof err), CH_OK);
    assert_int_equal(rc.n_exempt, 0);
    assert_int_equal(rc.n_proxies, 2);
    cfg_free(c);

    static const char *const bad[] = {"rate_limit = -1",
                                      "rate_limit = lots",
                                      "rate_limit_burst = 0",
                                      "rate_limit_table = 99999999999",
                                      "rate_limit_exempt = 10.0.0.0/40",
                                      "rate_limit_proxies = proxy.example"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[serve]\n%s\n", bad[i]);
        assert_int_equal(cfg_new(&c), CH_OK);
        assert_int_equal(cfg_load_string(c, text, err, sizeof err), CH_OK);
        err[0] = '\0';
        assert_int_equal(srv_rl_config_from_cfg(&rc, c, err, sizeof err), CH_ERR_PARSE);
        char key[64];
        snprintf(key, sizeof key, "[serve] %.*s", (int)strcspn(bad[i], " "), bad[i]);
        assert_non_null(strstr(err, key));
        cfg_free(c);
    }
}

/* Many threads on few addresses: exactly burst requests pass per address (no lost update). */
typedef struct {
    srv_ratelimit *rl;
    int passed[4];
} race_arg;

static void *race(void *p)
{
    race_arg *a = p;
    static const char *const addrs[4] = {"192.0.2.10", "192.0.2.11", "2001:db8::10",
                                         "198.51.100.10"};
    int mine[4] = {0, 0, 0, 0};
    for (int i = 0; i < 2000; i++) {
        struct sockaddr_storage s = i % 4 == 2 ? v6(addrs[2]) : v4(addrs[i % 4]);
        if (srv_ratelimit_check(a->rl, SA(s), 1000) == 0)
            mine[i % 4]++;
    }
    for (int k = 0; k < 4; k++)
        __atomic_add_fetch(&a->passed[k], mine[k], __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_threads_share_buckets(void **state)
{
    (void)state;
    race_arg a = {.rl = limiter(1, 100, 64)};
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, race, &a), 0);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    for (int k = 0; k < 4; k++)
        assert_int_equal(a.passed[k], 100);
    srv_ratelimit_free(a.rl);
}

/* The 429 page's text exists in every shipped language (not the key echoed). */
static void test_message_in_every_language(void **state)
{
    (void)state;
    for (size_t l = 0; l < SRV_LANG_COUNT; l++) {
        char rel[32], path[4096], err[256] = "";
        snprintf(rel, sizeof rel, "i18n/%s.ini", srv_langs[l]);
        assert_int_equal(paths_data_file(rel, path, sizeof path), CH_OK);
        srv_i18n *t = NULL;
        assert_int_equal(srv_i18n_load(path, srv_langs[l], &t, err, sizeof err), CH_OK);
        const char *v = srv_i18n_get(t, "error_rate_limited");
        assert_string_not_equal(v, "error_rate_limited");
        assert_true(strlen(v) > 10);
        srv_i18n_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_reference),
        cmocka_unit_test(test_burst_then_429_then_refill),
        cmocka_unit_test(test_retry_after_in_seconds),
        cmocka_unit_test(test_table_full_evicts),
        cmocka_unit_test(test_idle_entries_reused_first),
        cmocka_unit_test(test_secret_rotation_changes_keys_and_wipes),
        cmocka_unit_test(test_ipv6_by_prefix),
        cmocka_unit_test(test_networks),
        cmocka_unit_test(test_exempt_networks_never_limited),
        cmocka_unit_test(test_forwarded_for_from_trusted_proxy_only),
        cmocka_unit_test(test_config_keys),
        cmocka_unit_test(test_threads_share_buckets),
        cmocka_unit_test(test_message_in_every_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
