#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "crawler/netguard.h"

typedef struct {
    const char *ip;
    netguard_class want;
} case_t;

static void test_classify_table(void **state)
{
    (void)state;
    static const case_t cases[] = {
        {"8.8.8.8", NETGUARD_PUBLIC},
        {"93.184.216.34", NETGUARD_PUBLIC},
        {"0.0.0.0", NETGUARD_UNSPECIFIED},
        {"0.1.2.3", NETGUARD_UNSPECIFIED},
        {"127.0.0.1", NETGUARD_LOOPBACK},
        {"127.255.255.254", NETGUARD_LOOPBACK},
        {"10.0.0.1", NETGUARD_PRIVATE},
        {"172.16.0.1", NETGUARD_PRIVATE},
        {"172.31.255.255", NETGUARD_PRIVATE},
        {"172.32.0.1", NETGUARD_PUBLIC},
        {"172.15.255.255", NETGUARD_PUBLIC},
        {"192.168.1.1", NETGUARD_PRIVATE},
        {"100.64.0.1", NETGUARD_CGNAT},
        {"100.127.255.255", NETGUARD_CGNAT},
        {"100.128.0.0", NETGUARD_PUBLIC},
        {"169.254.169.254", NETGUARD_METADATA},
        {"169.254.1.1", NETGUARD_LINK_LOCAL},
        {"192.0.2.5", NETGUARD_DOCUMENTATION},
        {"198.51.100.5", NETGUARD_DOCUMENTATION},
        {"203.0.113.5", NETGUARD_DOCUMENTATION},
        {"198.18.0.1", NETGUARD_BENCHMARK},
        {"198.19.255.255", NETGUARD_BENCHMARK},
        {"192.0.0.170", NETGUARD_RESERVED},
        {"224.0.0.1", NETGUARD_MULTICAST},
        {"239.255.255.250", NETGUARD_MULTICAST},
        {"240.0.0.1", NETGUARD_RESERVED},
        {"255.255.255.255", NETGUARD_BROADCAST},
        {"::", NETGUARD_UNSPECIFIED},
        {"::1", NETGUARD_LOOPBACK},
        {"::ffff:127.0.0.1", NETGUARD_LOOPBACK},
        {"::ffff:10.1.2.3", NETGUARD_PRIVATE},
        {"::ffff:8.8.8.8", NETGUARD_PUBLIC},
        {"64:ff9b::a9fe:a9fe", NETGUARD_METADATA},
        {"64:ff9b:1::1", NETGUARD_PRIVATE},
        {"2002:0a00:0001::1", NETGUARD_PRIVATE},
        {"2002:0808:0808::1", NETGUARD_PUBLIC},
        {"fe80::1", NETGUARD_LINK_LOCAL},
        {"fc00::1", NETGUARD_UNIQUE_LOCAL},
        {"fd12:3456::1", NETGUARD_UNIQUE_LOCAL},
        {"fd00:ec2::254", NETGUARD_METADATA},
        {"fec0::1", NETGUARD_UNIQUE_LOCAL},
        {"ff02::1", NETGUARD_MULTICAST},
        {"2001:db8::1", NETGUARD_DOCUMENTATION},
        {"2001:0::1", NETGUARD_RESERVED}, /* Teredo */
        {"100::1", NETGUARD_RESERVED},
        {"::2", NETGUARD_RESERVED},
        {"2606:4700::1111", NETGUARD_PUBLIC},
        {"2a00:1450:4007::1", NETGUARD_PUBLIC},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        netguard_class got = NETGUARD_INVALID;
        bool ok = netguard_allowed_str(NULL, cases[i].ip, &got);
        if (got != cases[i].want)
            fail_msg("%s: got %s, want %s", cases[i].ip, netguard_class_name(got),
                     netguard_class_name(cases[i].want));
        assert_int_equal(ok, cases[i].want == NETGUARD_PUBLIC);
    }
}

static void test_allow_list(void **state)
{
    (void)state;
    netguard_t *g = NULL;
    netguard_class why;
    assert_int_equal(netguard_new(&g), CH_OK);
    assert_false(netguard_allowed_str(g, "127.0.0.1", &why));
    assert_int_equal(why, NETGUARD_LOOPBACK);
    assert_int_equal(netguard_allow(g, "127.0.0.0/8"), CH_OK);
    assert_int_equal(netguard_allow(g, "fd00::/16"), CH_OK);
    assert_int_equal(netguard_allow(g, "not-a-cidr"), CH_ERR_PARSE);
    assert_true(netguard_allowed_str(g, "127.0.0.1", &why));
    assert_true(netguard_allowed_str(g, "127.3.2.1", NULL));
    /* a mapped address is judged by its IPv4 address, allow list included */
    assert_true(netguard_allowed_str(g, "::ffff:127.0.0.1", NULL));
    assert_false(netguard_allowed_str(g, "::1", NULL));
    assert_true(netguard_allowed_str(g, "fd00:1::5", NULL));
    assert_false(netguard_allowed_str(g, "fd01::5", NULL));
    /* the rest stays refused */
    assert_false(netguard_allowed_str(g, "10.0.0.1", NULL));
    assert_false(netguard_allowed_str(g, "169.254.169.254", &why));
    assert_int_equal(why, NETGUARD_METADATA);
    assert_true(netguard_allowed_str(g, "8.8.4.4", NULL));
    assert_false(netguard_allowed_str(g, "garbage", &why));
    assert_int_equal(why, NETGUARD_INVALID);

    /* socket addresses, as libcurl hands them to the open-socket callback */
    struct sockaddr_in s4 = {0};
    s4.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &s4.sin_addr);
    assert_true(netguard_allowed(g, (struct sockaddr *)&s4, &why));
    inet_pton(AF_INET, "10.9.8.7", &s4.sin_addr);
    assert_false(netguard_allowed(g, (struct sockaddr *)&s4, &why));
    assert_int_equal(why, NETGUARD_PRIVATE);
    struct sockaddr_in6 s6 = {0};
    s6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "fe80::1", &s6.sin6_addr);
    assert_false(netguard_allowed(g, (struct sockaddr *)&s6, &why));
    assert_int_equal(why, NETGUARD_LINK_LOCAL);
    struct sockaddr other = {0};
    other.sa_family = AF_UNIX;
    assert_false(netguard_allowed(g, &other, &why));
    assert_int_equal(why, NETGUARD_INVALID);
    assert_false(netguard_allowed(g, NULL, NULL));
    netguard_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_table),
        cmocka_unit_test(test_allow_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
