#!/usr/bin/env bash
# Install every Debian package Chouette needs to build, test and run its demo.
# Idempotent: only missing packages are installed, and each one is named first.
# This script is the single source of truth for dependencies: CI, `make deps`,
# `make check` and `make demo` all go through it.
set -euo pipefail

# Build and run time libraries.
build_pkgs=(
    gcc g++ make pkg-config
    libxapian-dev xapian-tools
    libmicrohttpd-dev
    libxml2-dev
    libpcre2-dev
    zlib1g-dev
    libdeflate-dev
    libcmocka-dev
    libcurl4-openssl-dev
    libsqlite3-dev
    libexttextcat-dev libexttextcat-data
    libinih-dev
    libjansson-dev
    libssl-dev
    libidn2-dev
)
# What the tests and the fuzzers need.
test_pkgs=(
    clang libclang-rt-14-dev
    python3
    curl
    strace
    iproute2 # ss: test_serve_load watches the accept queue
    wrk
    debhelper dpkg-dev build-essential fakeroot
    cppcheck clang-tidy
    wget chromium nodejs
    # Real HTML nobody here wrote: the documentation corpora the demo crawls and the tests
    # crawl, index and classify (test_crawl_pydocs, test_index_search, test_extract).
    python3.11-doc libreoffice-help-fr debian-handbook
)
# npm: Debian ships it apart from nodejs (NodeSource's nodejs already includes it).
command -v npm >/dev/null 2>&1 || test_pkgs+=(npm)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
# The peers and tools of the benchmarks (bench/, `make bench`); not needed to build or test
# (wrk, which they use too, is a test package: tests/integration/test_serve_load.sh).
bench_pkgs=(nginx wget2 python3-scrapy lighttpd xapian-omega time linux-perf gnuplot-nox)
if [ "${CHOUETTE_BENCH_DEPS:-0}" = 1 ]; then
    want+=("${bench_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install packages (run as root or with sudo)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
