# tunetop - a terminal workbench for fine-tuning text models.
#
#   make run     set up, build, open the workbench on the bundled demo
#   make test    set up, build, run every test (unit, CLI, TUI)
#   make bench   benchmarks against the peers (fastText, PyTorch)
#   make fuzz    libFuzzer targets (FUZZ_SECONDS each, default 30)
#   make asan / make tsan   sanitizer builds in build-asan/ and build-tsan/
#
# Sources are found by wildcard: add src/LAYER/foo.c or tests/unit/test-foo.c
# and it is built; no list to edit. The layers (src/ folders, lowest first:
# base data model train cmd ui cli) are checked by scripts/layers.sh.

BUILD    ?= build
CC       ?= gcc
PKGS      = ncursesw readline openblas yaml-0.1 jansson libutf8proc libxxhash
TEST_PKGS = cmocka
WERROR   ?= -Werror
OPT      ?= -O2 -g
SAN      ?=
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) $(OPT) $(SAN) -pthread \
             -Iinclude $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread $(LDLIBS)
TEST_LIBS  = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

SRCS      = $(wildcard src/*/*.c)
OBJS      = $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS  = $(filter-out $(BUILD)/obj/cli/main.o,$(OBJS))
UNIT_SRCS = $(wildcard tests/unit/test-*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# helpers several unit tests share (tests/unit/fixture-*.c), linked into each
FIXTURE_SRCS = $(wildcard tests/unit/fixture-*.c)
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz-*.c)
# Benchmark drivers (bench/*.c), linked against the library like the tests.
BENCH_SRCS = $(wildcard bench/*.c)
BENCH_BINS = $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps run test unit cli tui bench fuzz asan tsan clean man
.DEFAULT_GOAL := all

all: $(BUILD)/tunetop $(UNIT_BINS) $(BENCH_BINS)

deps:
	@scripts/deps.sh build

# V=1 shows the full compiler lines.
Q = $(if $(V),,@)

# Every compile needs the libraries' headers: deps runs first, as for run
# and test, so plain `make` on a fresh machine installs them (or says the one
# apt-get line). Order-only: it never forces a rebuild.
$(BUILD)/obj/%.o: src/%.c $(wildcard include/tunetop/*.h src/*/*.h) | $(BUILD)/obj deps
	@$(if $(V),,echo "  CC      $<")
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

# The GPT kernels, AdamW and the pruning masks (gpt-layers.c, gpt-adamw.c, optim.c, gpt-prune.c): -O3 so their loops vectorize, -fno-math-errno so
# sqrtf is an instruction, -fno-trapping-math so clamps become blends (nothing
# there reads errno or floating-point exception flags).
$(BUILD)/obj/model/gpt-layers.o $(BUILD)/obj/model/gpt-adamw.o $(BUILD)/obj/model/optim.o \
	$(BUILD)/obj/model/gpt-prune.o $(BUILD)/obj/train/trainer-layers.o: \
	CFLAGS_ALL += -O3 -fno-math-errno -fno-trapping-math

$(BUILD)/tunetop: $(OBJS)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $(OBJS) $(LDLIBS_ALL)

$(BUILD)/libtunetop.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(BUILD)/tests/%: tests/unit/%.c $(FIXTURE_SRCS) $(wildcard tests/unit/fixture-*.h) \
		$(BUILD)/libtunetop.a | $(BUILD)/tests
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(FIXTURE_SRCS) $(BUILD)/libtunetop.a $(TEST_LIBS) \
		$(LDLIBS_ALL)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libtunetop.a
	@$(if $(V),,echo "  BENCH   $@")
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libtunetop.a $(LDLIBS_ALL)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# The demo runs on a copy in $(BUILD)/demo, made once: its edits, journal,
# checkpoints and the session saved on quit stay there, out of the sources.
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/tunetop
	@[ -f $(BUILD)/demo/demo.yaml ] || { mkdir -p $(BUILD)/demo && \
		cp -R sessions/demo.yaml sessions/demo $(BUILD)/demo/; }
	./$(BUILD)/tunetop $(BUILD)/demo/demo.yaml

test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run.sh

unit cli tui: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run.sh $@

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all

tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" all

fuzz: deps
	@scripts/deps.sh fuzz
	@scripts/fuzz.sh $(FUZZ_SECONDS)

bench: deps
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(BUILD)/tunetop $(BENCH_BINS)
	@bench/run.sh

clean:
	rm -rf build build-asan build-tsan build-fuzz
