#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/netaddr.h"

static void test_parse_cidr(void **state)
{
    (void)state;
    netaddr_cidr c;
    assert_int_equal(netaddr_parse_cidr("10.1.2.3/8", &c), CH_OK);
    assert_int_equal(c.family, AF_INET);
    assert_int_equal(c.prefix, 8);
    assert_int_equal(c.addr[0], 10);
    assert_int_equal(c.addr[1], 0); /* host bits cleared */
    assert_int_equal(netaddr_parse_cidr("192.168.1.1", &c), CH_OK);
    assert_int_equal(c.prefix, 32);
    assert_int_equal(netaddr_parse_cidr("fd00::/8", &c), CH_OK);
    assert_int_equal(c.family, AF_INET6);
    assert_int_equal(c.prefix, 8);
    assert_int_equal(netaddr_parse_cidr("::1", &c), CH_OK);
    assert_int_equal(c.prefix, 128);
    assert_int_equal(netaddr_parse_cidr("10.0.0.0/12", &c), CH_OK);
    assert_int_equal(netaddr_parse_cidr("172.31.0.0/12", &c), CH_OK);
    assert_int_equal(c.addr[1], 16);

    const char *bad[] = {"",         "10.0.0.0/33", "10.0.0.0/",     "10.0.0.0/-1", "10.0.0.0/8x",
                         "::/129",   "300.0.0.1",   "example.org/8", "/8",          "10.0.0.0/+8",
                         "1.2.3/24", "10.0.0.0/ 8", "10.0.0.0/1000", NULL};
    for (size_t i = 0; bad[i]; i++) {
        if (netaddr_parse_cidr(bad[i], &c) != CH_ERR_PARSE)
            fail_msg("'%s' should not parse", bad[i]);
        assert_int_equal(c.family, 0);
    }
    assert_int_equal(netaddr_parse_cidr(NULL, &c), CH_ERR_PARSE);
}

/* Membership: the family must agree, then the prefix bits; /0 holds every address of its
 * family. */
static void test_contains(void **state)
{
    (void)state;
    netaddr_cidr net;
    uint8_t a4[4], a6[16];
    assert_int_equal(netaddr_parse_cidr("172.16.0.0/12", &net), CH_OK);
    assert_int_equal(inet_pton(AF_INET, "172.31.255.254", a4), 1);
    assert_true(netaddr_cidr_contains(&net, AF_INET, a4));
    assert_int_equal(inet_pton(AF_INET, "172.32.0.1", a4), 1);
    assert_false(netaddr_cidr_contains(&net, AF_INET, a4));
    assert_int_equal(inet_pton(AF_INET6, "::ffff:172.16.0.1", a6), 1);
    assert_false(netaddr_cidr_contains(&net, AF_INET6, a6)); /* other family */
    assert_int_equal(netaddr_parse_cidr("fd00::/8", &net), CH_OK);
    assert_int_equal(inet_pton(AF_INET6, "fdff:1::2", a6), 1);
    assert_true(netaddr_cidr_contains(&net, AF_INET6, a6));
    assert_int_equal(inet_pton(AF_INET6, "fe80::1", a6), 1);
    assert_false(netaddr_cidr_contains(&net, AF_INET6, a6));
    assert_int_equal(netaddr_parse_cidr("0.0.0.0/0", &net), CH_OK);
    assert_true(netaddr_cidr_contains(&net, AF_INET, a4));
    assert_int_equal(netaddr_parse_cidr("192.0.2.7", &net), CH_OK); /* a bare address: /32 */
    assert_int_equal(inet_pton(AF_INET, "192.0.2.7", a4), 1);
    assert_true(netaddr_cidr_contains(&net, AF_INET, a4));
    assert_int_equal(inet_pton(AF_INET, "192.0.2.8", a4), 1);
    assert_false(netaddr_cidr_contains(&net, AF_INET, a4));
}

/* The server's --listen form: "ADDR:PORT", "[V6]:PORT", numeric only. */
static void test_parse_sockaddr(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    bool v6 = true;
    assert_true(netaddr_parse_sockaddr("127.0.0.1:8080", &ss, &v6));
    assert_false(v6);
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)&ss;
    assert_int_equal(a4->sin_family, AF_INET);
    assert_int_equal(ntohs(a4->sin_port), 8080);
    assert_int_equal(ntohl(a4->sin_addr.s_addr), 0x7f000001);
    assert_true(netaddr_parse_sockaddr("[::1]:0", &ss, &v6));
    assert_true(v6);
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&ss;
    assert_int_equal(a6->sin6_family, AF_INET6);
    assert_int_equal(a6->sin6_port, 0);
    assert_true(IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr));
    const char *bad_listen[] = {"127.0.0.1",
                                "127.0.0.1:",
                                "127.0.0.1:65536",
                                "127.0.0.1:-1",
                                "127.0.0.1:8x",
                                "localhost:80",
                                "[::1]80",
                                "[::1:80",
                                ":80",
                                "",
                                NULL};
    for (size_t i = 0; i < sizeof bad_listen / sizeof *bad_listen; i++) {
        assert_false(netaddr_parse_sockaddr(bad_listen[i], &ss, &v6));
        assert_int_equal(ss.ss_family, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_cidr),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_parse_sockaddr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
