# Sourced by the 'chouette serve' integration tests (tests/integration/test_serve_*.sh) and the
# accessibility test: builds a small real index and starts servers on 127.0.0.1.
#
#   serve_fixture_index DIR      write a small site into DIR/site, serve it with python's
#                                http.server on a free 127.0.0.1 port, mirror it with
#                                wget --warc-file, run 'chouette index' into DIR/db
#   serve_start NAME ARGS...     start '$CHOUETTE serve --listen 127.0.0.1:0 ARGS...' with
#                                stderr in $tmp/NAME.err; sets PORT and SERVE_PID
#   serve_stop PID               SIGTERM, wait, return the exit status
#   serve_test_begin TOOL...     the start these tests share: skip (exit 77) when a TOOL is
#                                not installed; a scratch directory $tmp and a list $pids of
#                                processes, killed and removed on exit; fails=0 and
#                                'bad MESSAGE' to count a failure
# Needs: $CHOUETTE, $tmp (a scratch directory the caller removes), python3, wget.

serve_fixture_index() {
    local dir=$1 i
    mkdir -p "$dir/site"
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
        cat >"$dir/site/hulotte$i.html" <<HTML
<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>La chouette hulotte, fiche $i</title></head>
<body><h1>La chouette hulotte ($i)</h1>
<p>La chouette hulotte est un rapace nocturne des forêts d'Europe. Elle chasse les campagnols
et les mulots la nuit, niche dans les arbres creux et hulule en automne. Fiche numéro $i.</p>
<p><a href="hulotte$(( i % 12 + 1 )).html">fiche suivante</a> <a href="index.html">sommaire</a></p>
</body></html>
HTML
    done
    cat >"$dir/site/owl.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The tawny owl &lt;script&gt;alert(1)&lt;/script&gt;</title></head>
<body><h1>The tawny owl</h1><p>The tawny owl is a nocturnal bird of prey of European woodlands.
It hunts voles and mice at night and nests in tree holes. Owls hoot in autumn.</p>
<p><a href="index.html">contents</a></p></body></html>
HTML
    {
        echo '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Les rapaces nocturnes</title></head><body><h1>Rapaces nocturnes</h1><ul>'
        for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "<li><a href=\"hulotte$i.html\">Chouette hulotte $i</a></li>"; done
        echo '<li><a href="owl.html">Tawny owl</a></li></ul><p>Chouettes et hiboux de nos forêts.</p></body></html>'
    } >"$dir/site/index.html"
    python3 -m http.server 0 --bind 127.0.0.1 --directory "$dir/site" >"$dir/http.log" 2>&1 &
    local http_pid=$! port="" n
    for n in $(seq 50); do
        port=$(grep -o 'port [0-9]*' "$dir/http.log" 2>/dev/null | grep -o '[0-9]*' | head -1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        kill "$http_pid" 2>/dev/null
        echo "fixture web server did not start" >&2
        return 1
    fi
    (cd "$dir" && wget -q -r -l 3 --warc-file="$dir/site" --no-warc-compression -P "$dir/mirror" \
        "http://127.0.0.1:$port/") || true
    kill "$http_pid" 2>/dev/null
    wait "$http_pid" 2>/dev/null
    "$CHOUETTE" index --db "$dir/db" "$dir/site.warc" >"$dir/index.log" 2>&1 || {
        cat "$dir/index.log" >&2
        return 1
    }
}

serve_start() {
    local name=$1 n
    shift
    "$CHOUETTE" serve --listen 127.0.0.1:0 "$@" 2>"$tmp/$name.err" &
    SERVE_PID=$!
    PORT=""
    for n in $(seq 100); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/$name.err")
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "chouette serve ($name) did not start:" >&2
    cat "$tmp/$name.err" >&2
    return 1
}

serve_stop() {
    kill -TERM "$1" 2>/dev/null
    wait "$1"
}

serve_test_begin() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null ||
            { echo "skip: $tool not installed (scripts/install-deps.sh)"; exit 77; }
    done
    tmp=$(mktemp -d)
    pids=()
    trap serve_test_cleanup EXIT
    fails=0
}

serve_test_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}

bad() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
