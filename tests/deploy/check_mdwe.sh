#!/usr/bin/env bash
# chouette-serve.service sets MemoryDenyWriteExecute=yes, which PCRE2's JIT would need. This
# checks the fallback the unit relies on. A preloaded shim refuses executable mappings as
# the unit's seccomp filter does (mmap/mprotect with PROT_EXEC fail with EPERM), then:
#  1. a PCRE2 program: pcre2_jit_compile() fails, pcre2_match() still matches (interpreter);
#  2. chouette index --lists (the UT1 expressions are JIT-compiled by filters/catlists.c)
#     succeeds under the shim and builds the same index as without it.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || { echo "no C compiler: not checked" >&2; exit 77; }
# Not "ldd | grep -q": under pipefail, grep -q leaving early kills ldd with SIGPIPE and the
# pipeline fails even though it matched.
if grep -q libasan <<<"$(ldd "$CHOUETTE" 2>/dev/null)" ||
    grep -q __asan_init <<<"$(nm "$CHOUETTE" 2>/dev/null)"; then
    echo "sanitized build: a preloaded shim cannot go before ASan; checked in the plain build" >&2
    exit 77
fi

cat >"$D_TMP/shim.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/mman.h>
void *mmap(void *a, size_t l, int prot, int fl, int fd, off_t off)
{
    void *(*real)(void *, size_t, int, int, int, off_t) = dlsym(RTLD_NEXT, "mmap");
    if (prot & PROT_EXEC) {
        errno = EPERM;
        return MAP_FAILED;
    }
    return real(a, l, prot, fl, fd, off);
}
int mprotect(void *a, size_t l, int prot)
{
    int (*real)(void *, size_t, int) = dlsym(RTLD_NEXT, "mprotect");
    if (prot & PROT_EXEC) {
        errno = EPERM;
        return -1;
    }
    return real(a, l, prot);
}
C
cat >"$D_TMP/jit.c" <<'C'
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
int main(void)
{
    int e;
    PCRE2_SIZE o;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR) "(porn|xxx)[a-z]*\\.", PCRE2_ZERO_TERMINATED, 0,
                                  &e, &o, NULL);
    int jit = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
    int hit = pcre2_match(c, (PCRE2_SPTR) "www.xxxvideos.example", PCRE2_ZERO_TERMINATED, 0, 0,
                          md, NULL);
    int miss = pcre2_match(c, (PCRE2_SPTR) "www.education.gouv.fr", PCRE2_ZERO_TERMINATED, 0, 0,
                           md, NULL);
    printf("%s %d %d\n", jit == 0 ? "jit" : "nojit", hit, miss);
    return 0;
}
C
cc -shared -fPIC -o "$D_TMP/shim.so" "$D_TMP/shim.c" -ldl || fail "shim build"
cc -o "$D_TMP/jit" "$D_TMP/jit.c" $(pkg-config --cflags --libs libpcre2-8) || fail "jit build"

step "PCRE2 alone: JIT refused, interpreter matches the same"
plain=$("$D_TMP/jit")
denied=$(LD_PRELOAD="$D_TMP/shim.so" "$D_TMP/jit")
echo "without the filter: $plain; with it: $denied"
case "$plain" in jit\ 2\ -1 | nojit\ 2\ -1) ;; *) fail "unexpected plain result $plain" ;; esac
[ "$denied" = "nojit 2 -1" ] || fail "under W^X denial: $denied (want nojit 2 -1)"

step "chouette index --lists under the same denial"
warc=$TOP/tests/fixtures/warc/wget-localhost.warc.gz
"$CHOUETTE" index --db "$D_TMP/plain" --lists "$TOP/data/lists" "$warc" 2>"$D_TMP/plain.log" ||
    fail "index: $(cat "$D_TMP/plain.log")"
LD_PRELOAD="$D_TMP/shim.so" "$CHOUETTE" index --db "$D_TMP/mdwe" --lists "$TOP/data/lists" \
    "$warc" 2>"$D_TMP/mdwe.log" || fail "index under W^X denial: $(cat "$D_TMP/mdwe.log")"
summary() { sed -n 's/.*\(records, [0-9]* pages indexed\).*/\1/p' "$1"; }
[ "$(summary "$D_TMP/plain.log")" = "$(summary "$D_TMP/mdwe.log")" ] ||
    fail "different index: $(summary "$D_TMP/plain.log") / $(summary "$D_TMP/mdwe.log")"
for q in chouette hulotte; do
    a=$("$CHOUETTE" search --db "$D_TMP/plain" --json "$q")
    b=$(LD_PRELOAD="$D_TMP/shim.so" "$CHOUETTE" search --db "$D_TMP/mdwe" --json "$q")
    [ "$a" = "$b" ] || fail "search $q differs under W^X denial"
done
echo "MemoryDenyWriteExecute: PCRE2 falls back to its interpreter: OK"
