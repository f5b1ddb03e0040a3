# salespm - one Makefile: build, check, demo, bench, fmt, lint.
# MODE=debug (default) | asan | release; objects land in build/$(MODE)/.

MODE ?= debug
BUILD := build/$(MODE)
PKGS := sqlite3 jansson libmicrohttpd libsodium
CC ?= cc

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wvla -Wno-missing-field-initializers
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP

ifeq ($(MODE),release)
OPT := -O2 -g -DNDEBUG
else ifeq ($(MODE),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDOPT := -fsanitize=address,undefined
else ifeq ($(MODE),debug)
OPT := -O0 -g
else
$(error MODE must be debug, asan or release)
endif

ALL_CFLAGS := $(CFLAGS_COMMON) $(OPT) $(CFLAGS)
ALL_LDFLAGS := $(LDOPT) $(LDFLAGS)
LIBS := $(PKG_LIBS) -lpthread -lm

LIB_SRC := $(wildcard src/base/*.c src/store/*.c src/core/*.c src/analytics/*.c \
	src/api/*.c src/cli/*.c src/http/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
MAIN_OBJ := $(BUILD)/src/main.o
BIN := $(BUILD)/salespm
LIBA := $(BUILD)/libsalespm.a

SCHEMA := $(sort $(wildcard src/store/schema/*.sql))
# The web UI, built by scripts/build-web from web/src into web/dist (listed, not globbed:
# on a fresh clone web/dist does not exist yet when make reads this file).
WEB_DIST := $(foreach f,index.html app.js app.css,web/dist/$(f) web/dist/$(f).gz)
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/package-lock.json
DOCS_EMBED := docs/openapi.json
EMBED := $(BUILD)/tools/embed

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all check test unit cli-tests http-tests e2e-tests demo bench fmt lint clean deps \
	_check _demo _bench web fuzz crash

all: $(BIN)

$(BIN): $(MAIN_OBJ) $(LIBA)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBA) $(LIBS)
	@ln -sf $(MODE)/salespm build/salespm 2>/dev/null || true

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(EMBED): tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/embedded.c: $(EMBED) $(SCHEMA) $(WEB_DIST) $(DOCS_EMBED)
	@mkdir -p $(dir $@)
	$(EMBED) $@ $(SCHEMA) $(WEB_DIST) $(DOCS_EMBED)

web/dist/.stamp: $(WEB_SRC) scripts/build-web
	@scripts/build-web

$(WEB_DIST): web/dist/.stamp ;

web: web/dist/.stamp

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBA) $(LIBS) -lcmocka

# --- the two commands -------------------------------------------------------

deps:
	@scripts/deps

check: deps
	@$(MAKE) --no-print-directory _check

_check: $(BIN) $(UNIT_BIN)
	@scripts/run-tests $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory MODE=release _demo

_demo: $(BIN)
	@scripts/demo $(BIN)

bench: deps
	@$(MAKE) --no-print-directory MODE=release _bench

_bench: $(BIN) $(BUILD)/bench/insert_ceiling $(BUILD)/bench/empty_handler
	@bench/run $(BUILD)

$(BUILD)/bench/empty_handler: bench/empty_handler.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

$(BUILD)/bench/insert_ceiling: bench/insert_ceiling.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS)

# --- the crash test: `make crash RUNS=200` kills the server under 16 writing clients RUNS
# times (make check runs 3) and checks every acknowledged write and in-flight key ----------

RUNS ?= 50

crash: $(BIN)
	@SALESPM_BIN=$(CURDIR)/$(BIN) python3 tests/crash/test_crash.py --runs $(RUNS)

# --- upkeep -------------------------------------------------------------------

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

fmt:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'tools/*.c')

lint:
	@scripts/lint

fuzz:
	@scripts/fuzz $(FUZZ_SRC)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
