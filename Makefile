# tgsig build. `make demo` and `make test` are the two entry points (see README.md).
CC      ?= gcc
CSTD     = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
ALLCFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Iinclude -Isrc
LDLIBS   = -lpthread
B        = build
BIN      = bin

CORE_SRC = $(wildcard src/core/*.c)
SCEN_SRC = $(wildcard src/scenario/*.c)
SIM_SRC  = $(wildcard src/sim/*.c)
KERN_SRC = $(wildcard src/kernel/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TOOL_SRC = $(SCEN_SRC) $(SIM_SRC) $(KERN_SRC)
TEST_SRC = $(wildcard src/*/tests/test_*.c)
HDRS     = $(wildcard include/*.h src/*/*.h tests/*.h)

CORE_OBJ = $(CORE_SRC:%.c=$(B)/%.o)
TOOL_OBJ = $(TOOL_SRC:%.c=$(B)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(B)/%.o)
TESTS    = $(patsubst src/%.c,$(B)/t/%,$(TEST_SRC))

.PHONY: all demo test unit asan check-corpus bench fuzz lint clean install-deps random-diff
all: $(BIN)/tgsig $(TESTS) $(B)/examples/embed-seed003

# examples/embed/: the library embedded without the simulator (run by tests/cli/examples.sh)
$(B)/examples/embed-%: examples/embed/%.c $(B)/libtgsig.a include/tgsig.h
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -o $@ $< $(B)/libtgsig.a

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

$(B)/libtgsig.a: $(CORE_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/libtgstools.a: $(TOOL_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BIN)/tgsig: $(CLI_OBJ) $(B)/libtgstools.a $(B)/libtgsig.a
	@mkdir -p $(BIN)
	$(CC) $(ALLCFLAGS) -o $@ $(CLI_OBJ) $(B)/libtgstools.a $(B)/libtgsig.a $(LDLIBS)

$(B)/t/%: src/%.c $(B)/libtgstools.a $(B)/libtgsig.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Itests -o $@ $< $(B)/libtgstools.a $(B)/libtgsig.a $(LDLIBS)

demo: bin/tgsig
	./bin/tgsig run --explain examples/seed003_sigterm_rt.tgs

# The ASan+UBSan build of everything, in its own tree.
asan:
	$(MAKE) --no-print-directory B=build-asan BIN=build-asan/bin CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDLIBS="-lpthread -fsanitize=address,undefined" all

test: all
	$(MAKE) --no-print-directory asan
	./tests/run.sh

bench: all
	$(MAKE) --no-print-directory -C bench

fuzz:
	./fuzz/run.sh 600

# The random batch alone: 60 generated scenarios (seeds 1..60; TGS_RANDOM_N / TGS_RANDOM_SEED
# change that) through tgsig check --no-trace as root, else tgsig run; files and reports in
# build/random-diff/. `make test` runs the same batch; known disagreements are listed in
# tests/conformance/divergences.md ("Random batch").
random-diff: all
	sh tests/random_diff.sh

lint:
	./tests/lint.sh

install-deps:
	./tests/install-deps.sh

clean:
	rm -rf build build-asan bin
