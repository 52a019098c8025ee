# Chouette: one non-recursive Makefile for the whole tree.
#
#   make              install missing packages, build bin/chouette
#   make check        the whole suite (unit, integration, short fuzz runs), then again under
#                     ASan+UBSan; what CI runs
#   make SANITIZE=address,undefined check   only the sanitized suite
#   make fuzz         build the libFuzzer harnesses (clang); make fuzz-run FUZZ_SECONDS=N runs them
#   make demo         crawl, index and serve the local Debian documentation on 127.0.0.1:8080
#
# Sources are found by wildcard: a new module is a new file, a new unit test is a new
# tests/unit/test_<module>.c, a new fuzz harness is tests/fuzz/fuzz_<what>.c.

CC  ?= gcc
CXX ?= g++
SANITIZE ?=
FUZZ_SECONDS ?= $(if $(filter true,$(CI)),60,5)

PKGS := xapian-core libmicrohttpd libxml-2.0 libpcre2-8 zlib libdeflate libcurl sqlite3 \
        libexttextcat inih jansson libcrypto libidn2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla
ifeq ($(SANITIZE),)
BUILD    ?= build
BINDIR   ?= $(if $(filter build,$(BUILD)),bin,$(BUILD)/bin)
HARDEN   := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
OPT      := -O2 -g
SAN_FLAGS :=
else
BUILD    ?= build-san
BINDIR   ?= $(BUILD)/bin
HARDEN   := -fPIE
OPT      := -O1 -g -fno-omit-frame-pointer
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif
LDHARDEN := -pie -Wl,-z,relro,-z,now

CPPFLAGS += -I. -D_GNU_SOURCE -MMD -MP
# Where bin/chouette finds data/ (common/paths.h; $$CHOUETTE_DATA overrides it at run time): the
# source tree for a build from a checkout. 'make install' links its own copy with
# $(PREFIX)/share/chouette instead (see the install section at the end).
CHOUETTE_DATADIR ?= $(CURDIR)/data
CPPFLAGS += -DCHOUETTE_DATADIR='"$(CHOUETTE_DATADIR)"'
CFLAGS   += -std=c11 $(OPT) $(WARN) $(HARDEN) $(SAN_FLAGS) $(PKG_CFLAGS)
CXXFLAGS += -std=c++17 $(OPT) $(WARN) $(HARDEN) $(SAN_FLAGS) -fvisibility=hidden $(PKG_CFLAGS)
LDFLAGS  += $(LDHARDEN) $(SAN_FLAGS)

LIB_C_SRCS  := $(sort $(wildcard common/*.c crawler/*.c indexer/*.c filters/*.c server/*.c))
LIB_CXX_SRCS := $(sort $(wildcard indexer/xapian/*.cc))
LIB_OBJS := $(LIB_C_SRCS:%.c=$(BUILD)/obj/%.o) $(LIB_CXX_SRCS:%.cc=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libchouette.a

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Helpers shared by several unit tests (fixtures), linked into every test binary.
TEST_SUPPORT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard tests/unit/support/*.c)))
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))

BIN := $(BINDIR)/chouette

.SECONDARY:
.PHONY: all deps build check test-suite fuzz fuzz-run demo clean format lint

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@scripts/install-deps.sh

build: $(BIN) $(UNIT_BINS)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/chouette.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# Test helpers (tests/tools/<name>.c, e.g. warc_check), linked with the library, built with
# the rest: $(BUILD)/tools/<name>. Integration tests find them under $BUILD/tools/.
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
build: $(TOOL_BINS)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

-include $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/obj/tests/tools/%.d)

# --- tests -------------------------------------------------------------------------------
# The unit and integration suite against this build; ends with "tests: N passed, N failed".
test-suite: build
	@CHOUETTE=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) CHOUETTE_SANITIZE=$(SANITIZE) \
	    tests/run-tests.sh

# check builds three trees (plain, fuzzers, sanitized): on every core, so that CI's 30 minutes
# go to the tests. JOBS=N to choose.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
ifeq ($(SANITIZE),)
	@$(MAKE) --no-print-directory -j$(JOBS) test-suite
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-run
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=address,undefined test-suite
else
	@$(MAKE) --no-print-directory -j$(JOBS) test-suite
endif

# --- fuzzing (clang + libFuzzer, always with ASan and UBSan) -------------------------------
FUZZ_BUILD ?= build-fuzz
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer $(WARN) $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_CXXFLAGS := -std=c++17 -g -O1 -fno-omit-frame-pointer $(WARN) $(PKG_CFLAGS) \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJS := $(LIB_C_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o) $(LIB_CXX_SRCS:%.cc=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/obj/%.o: %.cc
	@mkdir -p $(@D)
	clang++ $(CPPFLAGS) $(FUZZ_CXXFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libchouette.a: $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libchouette.a
	@mkdir -p $(@D)
	clang++ -x c $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@.o $<
	clang++ -fsanitize=fuzzer,address,undefined -o $@ $@.o $(FUZZ_BUILD)/libchouette.a $(PKG_LIBS)

# Each harness runs FUZZ_SECONDS on a copy of its committed seed corpus.
fuzz-run: fuzz
	@tests/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_BINS)

# --- static analysis ---------------------------------------------------------------------
# cppcheck + clang-tidy (.clang-tidy, .cppcheck-suppressions) with this Makefile's include
# paths and defines; exit 1 on any finding. make lint LINT_PATHS="common/url.c crawler" for less.
LINT_PATHS ?= common crawler indexer filters server
lint: deps
	@LINT_CPPFLAGS='-I. -D_GNU_SOURCE -DCHOUETTE_DATADIR="$(CHOUETTE_DATADIR)"' \
	 LINT_CFLAGS='-std=c11 $(PKG_CFLAGS)' LINT_CXXFLAGS='-std=c++17 $(PKG_CFLAGS)' \
	 scripts/lint.sh $(LINT_PATHS)

# --- the rest ----------------------------------------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh

# The flags programs linked with libchouette.a need (bench/ scripts build theirs with them, so
# that a new dependency of the library cannot break their link).
.PHONY: print-cflags print-libs
print-cflags:
	@echo $(PKG_CFLAGS)
print-libs:
	@echo $(PKG_LIBS)

# Benchmarks against the peers (bench/README.md, docs/PERFORMANCE.md); not part of 'make check'.
.PHONY: bench
bench: deps
	@CHOUETTE_BENCH_DEPS=1 scripts/install-deps.sh
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) bench/run-all.sh --chouette $(abspath $(BIN))

format:
	clang-format -i $$(git ls-files '*.c' '*.h' '*.cc')

clean:
	rm -rf build build-san build-fuzz bin

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/chouette.d $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d) $(TEST_SUPPORT_OBJS:.o=.d)

# --- install -----------------------------------------------------------------------------
#   make install [PREFIX=/usr/local] [DESTDIR=]     make uninstall (same variables)
# bin/chouette -> $(PREFIX)/bin, data/ -> $(PREFIX)/share/chouette, man page, DEPLOY.md, systemd
# units and sysusers.d entry; the example config goes to $(SYSCONFDIR)/chouette/chouette.ini unless one is
# there already. The installed binary is linked apart ($(BUILD)/install/chouette) with
# common/paths.c compiled for $(PREFIX)/share/chouette, so the checkout's bin/chouette keeps
# reading the source tree's data/.
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL     ?= install
INST_DATADIR := $(PREFIX)/share/chouette
INST_BIN     := $(BUILD)/install/chouette
UNITS        := $(sort $(wildcard systemd/*.service systemd/*.timer))
# Everything under data/ is read at run time except prose: README files and *.md other than
# the SOURCE.md files, which carry the lists' licences and attribution and travel with them.
DATA_FILES = $(shell find data -type f ! -name '*~' ! -name 'README*' \
                 \( ! -name '*.md' -o -name 'SOURCE.md' \) | LC_ALL=C sort)

.PHONY: install uninstall install-binary FORCE
FORCE:

$(BUILD)/install/paths.o: common/paths.c FORCE
	@mkdir -p $(@D)
	$(CC) $(filter-out -DCHOUETTE_DATADIR=% -MMD -MP,$(CPPFLAGS)) \
	    -DCHOUETTE_DATADIR='"$(INST_DATADIR)"' $(CFLAGS) -c -o $@ $<

$(INST_BIN): $(BUILD)/install/paths.o $(BUILD)/obj/chouette.o $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(BUILD)/install/paths.o $(BUILD)/obj/chouette.o $(LIB) $(PKG_LIBS)

install-binary: $(INST_BIN)

install: $(INST_BIN)
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(INST_DATADIR) \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/chouette
	$(INSTALL) -m 0755 $(INST_BIN) $(DESTDIR)$(PREFIX)/bin/chouette
	@set -e; for f in $(DATA_FILES); do \
	    $(INSTALL) -D -m 0644 "$$f" "$(DESTDIR)$(INST_DATADIR)/$${f#data/}"; done
	$(INSTALL) -m 0644 man/chouette.1 $(DESTDIR)$(PREFIX)/share/man/man1/chouette.1
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/share/doc/chouette
	$(INSTALL) -m 0644 docs/DEPLOY.md $(DESTDIR)$(PREFIX)/share/doc/chouette/DEPLOY.md
	@set -e; for u in $(UNITS); do \
	    sed -e 's|/usr/bin/chouette|$(PREFIX)/bin/chouette|g' \
	        -e 's|/usr/share/chouette|$(INST_DATADIR)|g' \
	        -e 's|/usr/share/doc/chouette|$(PREFIX)/share/doc/chouette|g' \
	        -e 's|/etc/chouette/|$(SYSCONFDIR)/chouette/|g' "$$u" \
	        > "$(DESTDIR)$(UNITDIR)/$${u#systemd/}"; \
	    chmod 0644 "$(DESTDIR)$(UNITDIR)/$${u#systemd/}"; done
	$(INSTALL) -m 0644 systemd/chouette.sysusers $(DESTDIR)$(SYSUSERSDIR)/chouette.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini ]; then \
	    echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini"; \
	else \
	    sed -e 's|/usr/share/chouette|$(INST_DATADIR)|g' etc/chouette.ini \
	        > $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini; \
	    chmod 0644 $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini; fi

# The configuration is removed only when it is still the example as installed.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/chouette $(DESTDIR)$(PREFIX)/share/man/man1/chouette.1 \
	    $(DESTDIR)$(SYSUSERSDIR)/chouette.conf
	rm -rf $(DESTDIR)$(INST_DATADIR)
	rm -f $(DESTDIR)$(PREFIX)/share/doc/chouette/DEPLOY.md
	rmdir $(DESTDIR)$(PREFIX)/share/doc/chouette 2>/dev/null || true
	@set -e; for u in $(UNITS); do rm -f "$(DESTDIR)$(UNITDIR)/$${u#systemd/}"; done
	@if sed -e 's|/usr/share/chouette|$(INST_DATADIR)|g' etc/chouette.ini | \
	    cmp -s - $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini; \
	    rmdir $(DESTDIR)$(SYSCONFDIR)/chouette 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini ]; then \
	    echo "uninstall: keeping the edited $(DESTDIR)$(SYSCONFDIR)/chouette/chouette.ini"; fi
