# locusc - one non-recursive GNU Makefile. Output goes to build/.
#   make            build build/locusc
#   make test       build and run every test (unit, golden, examples, fuzz smoke)
#   make demo       build locusc and check/compile the example app
#   make fuzz       run the libFuzzer target for FUZZ_SECONDS (default 60)
#   make asan       run the whole suite under AddressSanitizer + UBSan

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

B        := build
GEN      := $(B)/gen
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wpedantic
ifeq ($(CI),true)
WARN     += -Werror
endif
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -I. -I$(GEN) -MMD -MP
LDLIBS   := -llmdb -lxxhash -luv -lpthread -lm
LEMON_TEMPLATE := $(firstword $(wildcard /usr/share/lemon/lempar.c /usr/share/lemon/lempar.c))

DEPS_OK  := $(B)/.deps-ok

BASE_SRC     := base/base.c base/diag.c
FRONTEND_SRC := frontend/split.c frontend/parse.c frontend/sema.c \
                frontend/project.c frontend/ast.c
GEN_SRC      := $(GEN)/lexer.c $(GEN)/parser.c
# ---- runtime embedding ----
# runtime/** (the react/runtime/ support files) become C data in
# build/gen/runtime_files.c, made by build/embed and linked into liblocus.a
# (codegen/runtime.c reads it). Kept here, before LIB_OBJ is expanded.
RUNTIME_FILES := $(shell find runtime -type f ! -name '.*' 2>/dev/null | LC_ALL=C sort)
RUNTIME_DIRS  := $(shell find runtime -type d 2>/dev/null)
GEN_SRC       += $(GEN)/runtime_files.c

$(B)/embed: scripts/embed.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) -D_POSIX_C_SOURCE=200809L $(WARN) -O2 -o $@ $<

# The directories are prerequisites too, so adding or deleting a file
# (which changes its directory's mtime) regenerates the table.
$(GEN)/runtime_files.c: $(B)/embed $(RUNTIME_FILES) $(RUNTIME_DIRS)
	@mkdir -p $(GEN)
	$(B)/embed runtime react/runtime $@
# ---- end runtime embedding ----
CODEGEN_SRC  := codegen/plan.c codegen/util.c codegen/prisma.c codegen/api.c \
                codegen/auth.c codegen/workflow.c codegen/files.c \
                codegen/manifest.c codegen/react.c codegen/expr.c \
                codegen/next.c codegen/theme.c codegen/runtime.c \
                codegen/entities.c codegen/json.c
CACHE_SRC    := cache/cache.c
GRAPH_SRC    := graph/pool.c
COMPILER_SRC := compiler/cli.c compiler/report.c compiler/walk.c \
                compiler/pipeline.c compiler/config.c compiler/build.c \
                compiler/cachecmd.c compiler/trace.c compiler/watch.c \
                compiler/incr.c
MAIN_SRC     := compiler/main.c

LIB_SRC  := $(BASE_SRC) $(FRONTEND_SRC) $(CODEGEN_SRC) $(CACHE_SRC) $(GRAPH_SRC) $(COMPILER_SRC)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o) $(GEN_SRC:$(GEN)/%.c=$(B)/obj/gen/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/obj/%.o)

TEST_SRC := $(wildcard tests/unit/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/obj/%.o)

all: $(B)/locusc

$(DEPS_OK): scripts/ensure-deps
	@mkdir -p $(B)
	@./scripts/ensure-deps
	@touch $@

$(GEN)/lexer.c: frontend/lexer.re $(GEN)/parser.h | $(DEPS_OK)
	@mkdir -p $(GEN)
	re2c -W --no-generation-date -o $@ $<

$(GEN)/parser.c $(GEN)/parser.h &: frontend/parser.y | $(DEPS_OK)
	@mkdir -p $(GEN)
	cp frontend/parser.y $(GEN)/parser.y
	cd $(GEN) && lemon -q -s parser.y >/dev/null 2>lemon.log || { cat lemon.log; exit 1; }
	@if grep -q 'parsing conflict' $(GEN)/lemon.log; then cat $(GEN)/lemon.log; exit 1; fi

# Hand-written code gets the strict warnings; generated code relaxed ones.
$(B)/obj/%.o: %.c | $(DEPS_OK) $(GEN)/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(XCFLAGS) -c -o $@ $<

$(B)/obj/gen/%.o: $(GEN)/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DNDEBUG -Ifrontend -std=c11 -w $(CFLAGS) $(XCFLAGS) -c -o $@ $<

$(B)/liblocus.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/locusc: $(MAIN_OBJ) $(B)/liblocus.a
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $^ $(LDLIBS)

$(B)/test_unit: $(TEST_OBJ) $(B)/liblocus.a
	$(CC) $(CFLAGS) $(XCFLAGS) -o $@ $^ $(LDLIBS)

# ---- benchmarks ----
$(B)/gencorpus: bench/gencorpus.c | $(DEPS_OK)
	$(CC) $(WARN) -O2 -o $@ $<

$(B)/frontbench: bench/frontbench.c $(B)/liblocus.a
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ bench/frontbench.c $(B)/liblocus.a $(LDLIBS)

$(B)/runbench: bench/runbench.c | $(DEPS_OK)
	$(CC) $(WARN) -O2 -o $@ $<

$(B)/watchbench: bench/watchbench.c | $(DEPS_OK)
	$(CC) $(WARN) -O2 -o $@ $<

# bench/README.md: BENCH_FILES, BENCH_RUNS, BENCH_WARMUP, BENCH_JOBS.
BENCH_TOOLS := $(B)/locusc $(B)/gencorpus $(B)/runbench
.PHONY: bench-quick bench-check bench-front bench-watch
bench: $(BENCH_TOOLS)
	@./bench/run-bench.sh

bench-quick: $(BENCH_TOOLS)
	@BENCH_FILES=1000 ./bench/run-bench.sh

# A 1,000-file run compared with bench/baseline.json; fails past
# median +25% and +25 ms, or peak RSS +25% and +8 MB.
bench-check: $(BENCH_TOOLS)
	@BENCH_FILES=$${BENCH_FILES:-1000} BENCH_JSON=$(B)/bench/check.json \
		./bench/run-bench.sh --check

# locusc watch: save-to-output latency p50/p95 and RSS over 1,000 saves.
bench-watch: $(B)/locusc $(B)/gencorpus $(B)/watchbench
	@./bench/run-watch.sh

# The front end alone: locusc check at -j1/-j2 and per-stage throughput.
bench-front: $(B)/locusc $(B)/gencorpus $(B)/frontbench
	@./bench/run-check.sh

# ---- fuzzing (clang + libFuzzer) ----
FUZZ_CC    := clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC   := tests/fuzz/fuzz_frontend.c $(BASE_SRC) $(FRONTEND_SRC) $(GEN_SRC)
FUZZ_SECONDS ?= 60

$(B)/.clang-ok: scripts/ensure-deps
	@mkdir -p $(B)
	@LOCUS_NEED_CLANG=1 ./scripts/ensure-deps
	@touch $@

$(B)/fuzz/fuzz_frontend: $(FUZZ_SRC) $(wildcard base/*.h frontend/*.h) | $(B)/.clang-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS:-MMD=) -Ifrontend -std=c11 -w $(FUZZ_FLAGS) -o $@ $(FUZZ_SRC) $(LDLIBS)

.PHONY: all test unit demo clean fuzz asan check-includes run-tests bench
unit: $(B)/test_unit
	$(B)/test_unit

# `make test` runs the suite twice: a normal build (with the generated
# apps type-checked and a short fuzz run), then the same suite under
# AddressSanitizer + UBSan (build/asan). The last line totals both.
test: $(B)/locusc $(B)/gencorpus $(B)/test_unit $(B)/fuzz/fuzz_frontend check-includes
	@rm -f $(B)/test-counts
	@COUNTS_FILE=$(abspath $(B)/test-counts) ./tests/run-all.sh; s1=$$?; \
	$(MAKE) --no-print-directory asan COUNTS_FILE=$(abspath $(B)/test-counts); s2=$$?; \
	awk '{ p += $$1; f += $$2 } END { printf "total: %d passed, %d failed\n", p, f }' $(B)/test-counts; \
	[ $$s1 = 0 ] && [ $$s2 = 0 ]

run-tests: $(B)/locusc $(B)/test_unit
	@./tests/run-all.sh

asan:
	@$(MAKE) --no-print-directory B=build/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		LDLIBS="$(LDLIBS) -fsanitize=address,undefined" build/asan/locusc build/asan/test_unit
	@echo "== the suite under ASan + UBSan =="
	@LOCUSC=$$PWD/build/asan/locusc TEST_UNIT=$$PWD/build/asan/test_unit \
		FUZZ_SMOKE_SECONDS=0 SKIP_TYPECHECK=1 INCR_DIFF_STEPS=100 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		./tests/run-all.sh

fuzz: $(B)/fuzz/fuzz_frontend
	@mkdir -p $(B)/fuzz/corpus
	@cp tests/spec/valid/*.locus $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_frontend -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=5 $(B)/fuzz/corpus

# The include rules of docs/ARCHITECTURE.md: only cache/ includes lmdb.h,
# only compiler/ includes uv.h, base/ includes no other folder, frontend/
# only base/.
check-includes:
	@bad=0; \
	for f in $$(git ls-files '*.c' '*.h' '*.re' '*.y' 2>/dev/null || find . -name '*.[ch]'); do \
		case $$f in cache/*) ;; *) grep -l '#include <lmdb.h>' $$f && bad=1;; esac; \
		case $$f in compiler/*) ;; *) grep -l '#include <uv.h>' $$f && bad=1;; esac; \
		case $$f in base/*) grep -lE '#include "\.\./' $$f && bad=1;; esac; \
		case $$f in frontend/*) grep -E '#include "\.\./' $$f | grep -v '\.\./base/' && bad=1;; esac; \
	done; \
	if [ $$bad = 1 ]; then echo "include rules broken (see docs/ARCHITECTURE.md)"; exit 1; fi

demo: $(B)/locusc
	@./scripts/demo

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- typecheck ----
# Generates every example app (and golden test input) and checks it with
# the real tools: tsc (root and next-app), Prisma's schema validator and an
# offline `prisma generate`. Node tooling is installed into build/node on
# first use (tests/node/package-lock.json). See tests/typecheck.sh.
.PHONY: typecheck
typecheck: $(B)/locusc
	@LOCUSC=$(abspath $(B)/locusc) ./tests/typecheck.sh
# ---- end typecheck ----
