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

PKGS := xapian-core libmicrohttpd libxml-2.0 libpcre2-8 zlib libcurl sqlite3 libexttextcat \
        inih jansson libcrypto libidn2
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
CFLAGS   += -std=c11 $(OPT) $(WARN) $(HARDEN) $(SAN_FLAGS) $(PKG_CFLAGS)
CXXFLAGS += -std=c++17 $(OPT) $(WARN) $(HARDEN) $(SAN_FLAGS) -fvisibility=hidden $(PKG_CFLAGS)
LDFLAGS  += $(LDHARDEN) $(SAN_FLAGS)

LIB_C_SRCS  := $(sort $(wildcard common/*.c crawler/*.c indexer/*.c filters/*.c server/*.c))
LIB_CXX_SRCS := $(sort $(wildcard indexer/xapian/*.cc))
LIB_OBJS := $(LIB_C_SRCS:%.c=$(BUILD)/obj/%.o) $(LIB_CXX_SRCS:%.cc=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libchouette.a

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
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

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# --- tests -------------------------------------------------------------------------------
# The unit and integration suite against this build; ends with "tests: N passed, N failed".
test-suite: build
	@CHOUETTE=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) tests/run-tests.sh

check: deps
ifeq ($(SANITIZE),)
	@$(MAKE) --no-print-directory test-suite
	@$(MAKE) --no-print-directory fuzz-run
	@$(MAKE) --no-print-directory SANITIZE=address,undefined test-suite
else
	@$(MAKE) --no-print-directory test-suite
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

# --- the rest ----------------------------------------------------------------------------
demo: deps
	@CHOUETTE_DEMO_DEPS=1 scripts/install-deps.sh
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h' '*.cc')

clean:
	rm -rf build build-san build-fuzz bin

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/chouette.d $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
