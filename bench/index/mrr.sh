#!/usr/bin/env bash
# Known-item search quality of Chouette and Omega on the same pages and queries: MRR@10 and
# hits at rank 1, overall and per language (fr/en, from the expected page: lo/ and dh/fr-FR
# are French, python/ and dh/en-US English).
#
# usage: bench/index/mrr.sh --chouette-db DIR --omega-db DIR[=NAME] [--omega-db ...]
#                           [--chouette BIN] [--base URL] [--verbose] [--queries FILE ...]
#                           [QUERIES.tsv...]
#   --omega-db DIR=NAME   an omindex database, queried with the omega CGI (command-line
#                         mode, template bench/index/omega-templates/urls, HITSPERPAGE=10,
#                         everything else as shipped); NAME labels it, e.g. omega-english.
#                         A NAME ending in -LANG queries with STEMMER=LANG, the stemmer the
#                         database was built with.
#   --base URL            the http://127.0.0.1:PORT prefix of the WARC URLs
#   --queries FILE        a query file (repeatable; same as naming it after the options)
#   QUERIES.tsv           query TAB expected path, # starts a comment line (default:
#                         bench/queries/*.tsv). One table per file (known_items.tsv is the set
#                         the ranking was tuned on; known_items_heldout*.tsv held-out sets,
#                         each written blind, the newest not yet looked at: see the header of
#                         each file), then one over all files if there are several.
# Chouette is asked with `chouette search --json --limit 10` (web mode).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
chouette=$top/bin/chouette
cdb= base= verbose=0
odbs=() qfiles=()
while [ $# -gt 0 ]; do
    case $1 in
    --chouette-db) cdb=$2; shift 2 ;;
    --omega-db) odbs+=("$2"); shift 2 ;;
    --chouette) chouette=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --verbose) verbose=1; shift ;;
    --queries) qfiles+=("$2"); shift 2 ;;
    --*) sed -n '2,20p' "$0" >&2; exit 2 ;;
    *) break ;;
    esac
done
set -- "${qfiles[@]}" "$@"
[ $# -gt 0 ] || set -- "$top"/bench/queries/*.tsv
omega=/usr/lib/cgi-bin/omega/omega
tmp=$(mktemp -d /tmp/bench-mrr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# One omega.conf per database: database_dir is its parent, DB= its name.
specs=()
for spec in "${odbs[@]}"; do
    dir=${spec%%=*}
    name=${spec#*=}
    [ "$name" = "$spec" ] && name=omega
    dir=$(cd "$dir" && pwd)
    mkdir -p "$tmp/$name/log"
    printf 'database_dir %s\ntemplate_dir %s\nlog_dir %s\n' "$(dirname "$dir")" \
        "$top/bench/index/omega-templates" "$tmp/$name/log" >"$tmp/$name/omega.conf"
    specs+=("$name=$tmp/$name/omega.conf=$(basename "$dir")")
done
CHOUETTE=$chouette CDB=$cdb BASE=$base VERBOSE=$verbose OMEGA=$omega \
    python3 "$top/bench/index/mrr.py" "${specs[@]/#/--omega=}" -- "$@"
