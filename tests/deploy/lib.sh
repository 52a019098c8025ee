# Helpers for the scripts that run each docs/DEPLOY.md recipe (sourced). Everything listens on
# 127.0.0.1 and is killed on exit. Needs python3 and curl.
# CHOUETTE: the binary (default: bin/chouette of the checkout, else build/bin/chouette).
set -euo pipefail # so never "producer | grep -q": grep leaving early fails the pipeline (SIGPIPE)
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
if [ -z "${CHOUETTE:-}" ]; then
    CHOUETTE=$TOP/bin/chouette
    [ -x "$CHOUETTE" ] || CHOUETTE=$TOP/build/bin/chouette
fi
EX=$TOP/docs/examples
D_TMP=$(mktemp -d /tmp/chouette-deploy.XXXXXX)
D_PIDS=()
d_cleanup() {
    local p
    for p in "${D_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$D_TMP"
}
trap d_cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ -x "$CHOUETTE" ] || fail "no chouette binary at $CHOUETTE (make, or set CHOUETTE)"

# True when this build has a working 'chouette serve' (it was a placeholder for a while).
d_serve_works() {
    local out
    out=$("$CHOUETTE" serve --db /nonexistent 2>&1 || true)
    ! grep -q 'not implemented' <<<"$out"
}

# d_index DIR: an index built from the committed WARC fixture (a small French test site).
d_index() {
    "$CHOUETTE" index --db "$1" "$TOP/tests/fixtures/warc/wget-localhost.warc.gz" \
        2>"$D_TMP/index.log" || fail "chouette index: $(cat "$D_TMP/index.log")"
}

# d_free_port: a TCP port free on 127.0.0.1 right now.
d_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# d_serve NAME PORT ARGS...: start chouette serve --listen 127.0.0.1:PORT ARGS..., wait until
# it listens (sets D_BASE=http://127.0.0.1:PORT).
d_serve() {
    local name=$1 port=$2
    shift 2
    "$CHOUETTE" serve --listen "127.0.0.1:$port" "$@" 2>"$D_TMP/$name.serve.log" &
    D_PIDS+=($!)
    local pid=$! i
    for i in $(seq 100); do
        grep -q 'listening on' "$D_TMP/$name.serve.log" && break
        kill -0 "$pid" 2>/dev/null || fail "serve $name exited: $(cat "$D_TMP/$name.serve.log")"
        sleep 0.05
    done
    grep -q 'listening on' "$D_TMP/$name.serve.log" || fail "serve $name did not start"
    D_BASE=http://127.0.0.1:$port
}

# d_localize FILE PUBLIC LOCAL: FILE with the public base URL replaced by the local one.
d_localize() {
    sed "s|$2|$3|g" "$1"
}
