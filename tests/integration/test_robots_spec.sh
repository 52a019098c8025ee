#!/usr/bin/env bash
# 'chouette robots' against Google's robots.txt compliance suite (google/robotstxt-spec-test,
# Apache-2.0), transcribed into tests/fixtures/robots/spec/ (see SOURCE.md there).
# cases.tsv columns: file, agent, url, expected (our answer), kind, suite (the suite's answer).
#  - rfc:     RFC 9309 behaviour; any disagreement fails.
#  - differs: the suite's answer rests on its own API or on Google's parser, not on RFC 9309;
#             expected holds our answer (reason in SOURCE.md) and any disagreement fails.
#  - google:  Google's own extensions (GOOGLE_SPECIFIC in the suite, or reclassified in
#             SOURCE.md): counted as agree / differ, never failed.
# ROBOTS_SPEC_VERBOSE=1 lists the google cases that differ.
set -u
: "${CHOUETTE:?set CHOUETTE to the binary under test}"
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
spec="$TOP/tests/fixtures/robots/spec"
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$spec/cases.tsv" ] || { bad "missing $spec/cases.tsv"; exit 1; }
[ -f "$spec/SOURCE.md" ] || bad "missing $spec/SOURCE.md"

n_rfc=0 n_differs=0 n_google=0 google_agree=0 google_differ=0
# First read every case; then one 'chouette robots' per (file, agent) with all its URLs, which
# answers one line per URL in argument order (400 cases, about 160 runs).
c_line=() c_file=() c_agent=() c_url=() c_want=() c_kind=() c_suite=()
declare -A group # "file<TAB>agent" -> space-separated case indexes
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $line in '#'* | '') continue ;; esac
    # Split on tabs by hand: 'read' would merge the empty agent and URL fields.
    file=${line%%$'\t'*} rest=${line#*$'\t'}
    agent=${rest%%$'\t'*} rest=${rest#*$'\t'}
    url=${rest%%$'\t'*} rest=${rest#*$'\t'}
    want=${rest%%$'\t'*} rest=${rest#*$'\t'}
    kind=${rest%%$'\t'*} suite=${rest#*$'\t'}
    case $want in allowed | disallowed) ;; *)
        bad "cases.tsv:$lineno: expected '$want' is neither allowed nor disallowed"
        continue
        ;;
    esac
    case $suite in allowed | disallowed) ;; *)
        bad "cases.tsv:$lineno: suite answer '$suite' is neither allowed nor disallowed"
        continue
        ;;
    esac
    if [ ! -f "$spec/$file" ]; then
        bad "cases.tsv:$lineno: no fixture $file"
        continue
    fi
    i=${#c_line[@]}
    c_line+=("$lineno") c_file+=("$file") c_agent+=("$agent") c_url+=("$url")
    c_want+=("$want") c_kind+=("$kind") c_suite+=("$suite")
    group["$file"$'\t'"$agent"]+="$i "
done <"$spec/cases.tsv"

c_got=() c_rc=()
for key in "${!group[@]}"; do
    read -r -a idx <<<"${group[$key]}"
    urls=()
    for i in "${idx[@]}"; do urls+=("${c_url[$i]}"); done
    out=$("$CHOUETTE" robots --agent "${key#*$'\t'}" --robots-file "$spec/${key%%$'\t'*}" \
        -- "${urls[@]}" 2>&1)
    rc=$?
    mapfile -t answers <<<"$out"
    for k in "${!idx[@]}"; do
        i=${idx[$k]}
        c_rc[i]=$rc
        if [ $rc -eq 0 ]; then c_got[i]=${answers[k]:-}; else c_got[i]=$out; fi
    done
done

for i in "${!c_line[@]}"; do
    lineno=${c_line[$i]} file=${c_file[$i]} agent=${c_agent[$i]} url=${c_url[$i]}
    want=${c_want[$i]} kind=${c_kind[$i]} suite=${c_suite[$i]} got=${c_got[$i]} rc=${c_rc[$i]}
    ok=0
    [ "$rc" -eq 0 ] && [ "$got" = "$want $url" ] && ok=1
    case $kind in
    rfc | differs)
        if [ "$kind" = rfc ]; then
            n_rfc=$((n_rfc + 1))
            [ "$want" = "$suite" ] || bad "cases.tsv:$lineno: rfc case whose expected differs from the suite"
        else
            n_differs=$((n_differs + 1))
            [ "$want" != "$suite" ] || bad "cases.tsv:$lineno: differs case that agrees with the suite"
        fi
        [ $ok -eq 1 ] || bad "$kind $file [$agent] '$url': got '$got' (exit $rc), want '$want'"
        ;;
    google)
        n_google=$((n_google + 1))
        if [ $ok -eq 1 ]; then
            google_agree=$((google_agree + 1))
        else
            google_differ=$((google_differ + 1))
            [ "${ROBOTS_SPEC_VERBOSE:-0}" = 1 ] &&
                echo "google differs: $file [$agent] '$url': suite '$want', got '$got' (exit $rc)"
        fi
        ;;
    *) bad "cases.tsv:$lineno: unknown kind '$kind'" ;;
    esac
done

# An emptied or truncated fixture must not pass: 365 rfc, 9 differs, 26 google when transcribed.
[ "$n_rfc" -ge 360 ] || bad "only $n_rfc rfc cases (want at least 360)"
[ "$n_differs" -ge 9 ] || bad "only $n_differs differs cases (want at least 9)"
[ "$n_google" -ge 20 ] || bad "only $n_google google cases (want at least 20)"

echo "robots spec: rfc $n_rfc checked, differs $n_differs checked (our answer)," \
    "google $n_google (agree $google_agree, differ $google_differ; not failed)"
if [ "$fails" -gt 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "robots spec: all checks passed"
