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
LDLIBS   := -lxxhash -lpthread
LEMON_TEMPLATE := $(firstword $(wildcard /usr/share/lemon/lempar.c /usr/share/lemon/lempar.c))

DEPS_OK  := $(B)/.deps-ok

BASE_SRC     := base/base.c base/diag.c
FRONTEND_SRC := frontend/split.c frontend/parse.c frontend/sema.c \
                frontend/project.c frontend/ast.c
GEN_SRC      := $(GEN)/lexer.c $(GEN)/parser.c
COMPILER_SRC := compiler/cli.c compiler/report.c compiler/walk.c compiler/pipeline.c
MAIN_SRC     := compiler/main.c

LIB_SRC  := $(BASE_SRC) $(FRONTEND_SRC) $(COMPILER_SRC)
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

bench: $(B)/locusc $(B)/gencorpus $(B)/frontbench
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

# `make test` runs the suite twice: a normal build, then the same suite
# under AddressSanitizer + UBSan (build/asan), with a short fuzz run.
test: $(B)/locusc $(B)/test_unit $(B)/fuzz/fuzz_frontend check-includes
	@./tests/run-all.sh
	@$(MAKE) --no-print-directory asan

run-tests: $(B)/locusc $(B)/test_unit
	@./tests/run-all.sh

asan:
	@$(MAKE) --no-print-directory B=build/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		LDLIBS="$(LDLIBS) -fsanitize=address,undefined" build/asan/locusc build/asan/test_unit
	@echo "== the suite under ASan + UBSan =="
	@LOCUSC=$$PWD/build/asan/locusc TEST_UNIT=$$PWD/build/asan/test_unit \
		FUZZ_SMOKE_SECONDS=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
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
