# ejia — one C program, its tests, benchmarks and fuzzers.
#
#   make            build ./ejia (and the web UI when web/ exists)
#   make run        build, create ./var/ejia.db with demo data on first run, serve on 127.0.0.1:$(PORT)
#   make check      every test: unit (cmocka), API (real server on loopback, SQLite and PostgreSQL),
#                   browser (Playwright + Debian chromium), then the same unit+API suite under ASan+UBSan
#   make check-scale  the several-servers and read-replica tests alone, on PostgreSQL
#   make bench      benchmarks under bench/ (print their figures)
#   make fuzz       build libFuzzer targets (clang) and run each briefly; per target budget and
#                   choice: make fuzz FUZZ_CPU_SECONDS=3600 FUZZ_TARGETS="csv xlsx" (see scripts/fuzz)
#   make SANITIZE=1 ASan+UBSan build in build-san/
#
# Sources are found, not listed: every src/**/*.c is part of the program, every
# tests/unit/**/test_*.c is one test binary.  Adding a module means adding files.

PORT ?= 8080
DB ?= var/ejia.db
CC ?= cc
SANITIZE ?=

PKGS := libmicrohttpd jansson sqlite3 libpq libutf8proc opencc libzip expat \
        xlsxwriter libsodium liboath cairo pangocairo fontconfig icu-i18n icu-uc
ifeq ($(SANITIZE),1)
  B := build-san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT := -O1
else
  B := build
  SANFLAGS :=
  OPT := -O2
endif

DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && test -f /usr/include/csv.h && echo yes)
ifneq ($(DEPS_OK),yes)
  $(info ejia: installing missing build dependencies with scripts/deps ...)
  $(shell scripts/deps >&2)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -lpthread
WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS_ALL := -std=c17 -D_GNU_SOURCE -g $(OPT) $(WARN) $(SANFLAGS) -Isrc -I$(B)/gen $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)

SRCS := $(shell find src -name '*.c' | sort)
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
LIB_OBJS := $(patsubst src/%.c,$(B)/obj/%.o,$(LIB_SRCS)) $(B)/obj/gen/embedded.o
TEST_SRCS := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
TEST_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(TEST_SRCS))
# the fuzz targets with a replay main (tests/fuzz/replay.c), for the kept corpora
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
EMBED_FILES := $(sort $(wildcard src/db/migrations/*.sql) $(wildcard data/*.csv) $(wildcard data/*.txt) data/fields.json)

.PHONY: all run check check-scale test-unit bins bench fuzz web clean deps pkgs
all: ejia web

ejia: $(B)/ejia
	@if [ "$(B)" = build ]; then cp $(B)/ejia ejia.tmp && mv -f ejia.tmp ejia; fi

$(B)/ejia: $(B)/obj/main.o $(B)/libejia.a
	$(CC) -o $@ $^ $(LDFLAGS_ALL) $(PKG_LIBS)

$(B)/libejia.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(B)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# Migrations and reference data are compiled into the binary (one file to deploy).
$(B)/embed: scripts/embed.c
	@mkdir -p $(B)
	$(CC) -std=c17 -O1 -o $@ $<
$(B)/gen/embedded.c: $(B)/embed $(EMBED_FILES)
	@mkdir -p $(B)/gen
	$(B)/embed $@ $(EMBED_FILES)
$(B)/obj/gen/embedded.o: $(B)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libejia.a
	@mkdir -p $(dir $@)
	@echo "  TEST $<"
	@$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(B)/libejia.a $(LDFLAGS_ALL) $(PKG_LIBS) -lcmocka

# A fuzz target linked with the replay main instead of libFuzzer: with SANITIZE=1
# (built by `bins`) make check replays the corpora on the ASan build it already has.
$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(B)/libejia.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ $<"
	@$(CC) $(CFLAGS_ALL) -o $@ $< tests/fuzz/replay.c $(B)/libejia.a $(LDFLAGS_ALL) $(PKG_LIBS)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

web:
	@if [ -f web/package.json ]; then scripts/web-build; fi

run: all
	@mkdir -p var
	./ejia serve --db $(DB) --port $(PORT) --demo-if-empty

# Built on every core: make check itself is usually called without -j.
NPROC := $(shell nproc 2>/dev/null || echo 2)
check:
	@$(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(NPROC)) all $(TEST_BINS)
	scripts/check

# Issue 20's province-scale specs alone on PostgreSQL (a private cluster): two servers behind
# nginx (tests/api/cluster.test.mjs) and the read replica (tests/api/replica.test.mjs).  The
# PostgreSQL pass of `make check` runs both as well; this is the quick way to run just them.
check-scale: ejia
	scripts/check scale

test-unit: ejia $(TEST_BINS)
	scripts/check unit

# the program and every unit test binary, in $(B) (used by scripts/check with SANITIZE=1),
# and under ASan the fuzz targets that replay the kept corpora
bins: $(B)/ejia $(TEST_BINS) $(if $(filter 1,$(SANITIZE)),$(FUZZ_REPLAY))

bench: all
	scripts/bench

# budgets and targets given on make's command line reach the script (scripts/fuzz reads them)
FUZZ_TARGETS ?=
export FUZZ_SECONDS FUZZ_CPU_SECONDS FUZZ_MAXLEN FUZZ_TIMEOUT FUZZ_FORK FUZZ_ARGS
fuzz:
	scripts/fuzz $(FUZZ_TARGETS)

deps:
	scripts/deps

clean:
	rm -rf build build-san build-fuzz ejia

# the pkg-config names of the libraries (scripts/fuzz links the same ones)
pkgs:
	@echo $(PKGS)
