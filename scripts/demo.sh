#!/usr/bin/env bash
# make demo: serve the local Debian documentation on loopback, crawl it politely with
# `chouette crawl`, index it with `chouette index`, and serve the index on http://127.0.0.1:8080.
#
# Three documentation sets, each on its own loopback host so that the per-host politeness of
# the crawler applies as it would on the web:
#   127.0.0.2:8081  Python 3.11 documentation (English)           python3.11-doc
#   127.0.0.3:8081  LibreOffice help in French                     libreoffice-help-fr
#   127.0.0.4:8081  The Debian Administrator's Handbook (fr, en)   debian-handbook
#
# A second run reuses the crawl and the index; `make demo RECRAWL=1` crawls again.
# Environment: DEMO_DIR (default demo/), DEMO_LISTEN (default 127.0.0.1:8080),
# DEMO_DELAY_MS (per-host delay, default 20), DEMO_NO_SERVE=1 (stop after indexing: for tests).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin="$top/bin/chouette"
dir=${DEMO_DIR:-$top/demo}
listen=${DEMO_LISTEN:-127.0.0.1:8080}
delay=${DEMO_DELAY_MS:-20}
recrawl=${RECRAWL:-0}

stage() { printf '\n== demo: %s\n' "$*" >&2; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

for stage_cmd in crawl index serve; do
    if "$bin" "$stage_cmd" 2>&1 | grep -q 'not implemented yet'; then
        die "'chouette $stage_cmd' is not implemented yet; the demo stops here."
    fi
done

# host -> documentation root, the start page, and which of its pages the sitemap lists.
# LibreOffice's French pages link up into help/ (shared media, other modules), so the whole help
# folder is served and only fr/ is listed.
declare -A roots=(
    [127.0.0.2]=/usr/share/doc/python3.11/html
    [127.0.0.3]=/usr/share/libreoffice/help
    [127.0.0.4]=/usr/share/doc/debian-handbook/html
)
declare -A start=(
    [127.0.0.2]=index.html
    [127.0.0.3]=fr/text/shared/main0108.html
    [127.0.0.4]=fr-FR/index.html
)
declare -A listed=(
    [127.0.0.2]='^[^_]'
    [127.0.0.3]='^fr/'
    [127.0.0.4]='^(fr-FR|en-US)/'
)
for host in "${!roots[@]}"; do
    [ -d "${roots[$host]}" ] || die "missing ${roots[$host]}: run 'make demo' (it installs the documentation packages)"
done

# --- the local web: one static server per documentation set --------------------------------
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

site_dir() { echo "$dir/www/$1"; }
prepare_site() { # host root listed-regex
    local host=$1 root=$2 keep=$3 d
    d=$(site_dir "$host")
    mkdir -p "$d"
    ln -sfn "$root" "$d/docs"
    # The handbook ships twenty languages; the demo takes French and English.
    {
        echo "User-agent: *"
        echo "Disallow: /docs/_sources/"
        echo "Disallow: /docs/_downloads/"
        for lang in ar-MA ca-ES cs-CZ da-DK de-DE el-GR es-ES fa-IR hr-HR id-ID it-IT ja-JP ko-KR nb-NO nl-NL pl-PL pt-BR ro-RO ru-RU sv-SE tr-TR uk-UA vi-VN zh-CN zh-TW; do
            echo "Disallow: /docs/$lang/"
        done
        echo "Sitemap: http://$host:8081/sitemap.xml"
    } >"$d/robots.txt"
    # A sitemap listing the HTML pages, as a documentation site would publish.
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        (cd "$root" && find -L . -name '*.html' | LC_ALL=C sort | sed 's#^\./##') |
            grep -E "$keep" |
            sed "s#.*#<url><loc>http://$host:8081/docs/&</loc></url>#"
        echo '</urlset>'
    } >"$d/sitemap.xml"
}

start_site() { # host
    local host=$1
    python3 -m http.server --bind "$host" --directory "$(site_dir "$host")" 8081 \
        >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do
        curl -fsS -o /dev/null "http://$host:8081/robots.txt" 2>/dev/null && return 0
        sleep 0.1
    done
    die "the static server on $host:8081 did not start"
}

crawl_dir="$dir/crawl"
index_dir="$dir/index"
if [ "$recrawl" = 1 ]; then
    rm -rf "$crawl_dir" "$index_dir"
fi

if [ ! -f "$crawl_dir/.complete" ]; then
    stage "serving the documentation on 127.0.0.2-4:8081"
    for host in "${!roots[@]}"; do
        prepare_site "$host" "${roots[$host]}" "${listed[$host]}"
        start_site "$host"
    done
    stage "crawling (politeness on: robots.txt, ${delay} ms between requests to one host)"
    mkdir -p "$crawl_dir"
    seeds=()
    for host in "${!roots[@]}"; do seeds+=(--seed "http://$host:8081/docs/${start[$host]}"); done
    "$bin" crawl --out "$crawl_dir" "${seeds[@]}" \
        --allow-network 127.0.0.0/8 --delay-ms "$delay" --max-pages 20000 \
        --user-agent "ChouetteDemo/1.0 (+http://127.0.0.1:8080/)"
    touch "$crawl_dir/.complete"
    cleanup
    pids=()
    rm -rf "$index_dir"
else
    stage "reusing the crawl in $crawl_dir (RECRAWL=1 to crawl again)"
fi

if [ ! -f "$index_dir/.complete" ]; then
    stage "indexing"
    "$bin" index --db "$index_dir" "$crawl_dir"/*.warc.gz
    touch "$index_dir/.complete"
else
    stage "reusing the index in $index_dir"
fi

[ "${DEMO_NO_SERVE:-0}" = 1 ] && exit 0

stage "serving on http://$listen"
cat >&2 <<MSG

  Web mode:     http://$listen/
  School mode:  http://$listen/?mode=school
  Junior mode:  http://$listen/?mode=junior

  Try "table dynamique", "pare-feu" or "json". Ctrl-C stops the server.
MSG
exec "$bin" serve --db "$index_dir" --listen "$listen"
