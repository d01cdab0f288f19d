#!/bin/sh
# run-all.sh - every test of locusc, in one run. Called by `make test`.
# Each group counts its cases; the last line is "N passed, M failed".
#
#   unit     C unit tests (build/test_unit)
#   cli      the command line: help, version, usage errors, exit codes
#   spec     every file in tests/spec/valid checks clean on its own
#   errors   tests/errors/*/: diagnostics equal expected.txt, exit 1
#   examples every app in examples/ checks clean
#   build    build scenarios and golden trees (tests/build/run.sh)
#   watch    watch mode scenarios (tests/watch/run.sh)
#   fuzz     a short libFuzzer run (when `make test` built the target)
set -u
cd "$(dirname "$0")/.." || exit 2
LOCUSC=${LOCUSC:-$PWD/build/locusc}
TEST_UNIT=${TEST_UNIT:-$PWD/build/test_unit}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
# Builds record themselves in the cache's log: keep test runs out of $HOME.
export LOCUS_CACHE_DIR="$TMP/cache"

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }

# Runs a sub-suite whose output ends with "[label: ]N passed, M failed"
# and adds its counts; shows its output when something failed.
sub_suite() { # label command...
	label=$1; shift
	"$@" >"$TMP/$label.out" 2>&1
	line=$(grep -E "^($label: )?[0-9]+ passed, [0-9]+ failed" "$TMP/$label.out" | tail -n 1)
	if [ -z "$line" ]; then
		tail -30 "$TMP/$label.out"
		bad "$label: the suite did not finish"
		return
	fi
	sp=$(echo "$line" | sed -E 's/^([a-z]+: )?([0-9]+) passed.*/\2/')
	sf=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + sp))
	fail=$((fail + sf))
	[ "$sf" = 0 ] || grep -vE "^($label: )?[0-9]+ passed" "$TMP/$label.out" | grep -E 'FAIL|error|^  ' | head -80
}

# ---- unit ----
sub_suite unit "$TEST_UNIT"

# ---- cli ----
expect_exit() { # expected-code description command...
	want=$1; shift; what=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else
		bad "cli: $what: exit $got, expected $want"; sed 's/^/    /' "$TMP/err" | head -5
	fi
}
expect_exit 0 "--version" "$LOCUSC" --version
grep -q '^locusc [0-9]' "$TMP/out" && ok || bad "cli: --version prints 'locusc X.Y.Z'"
expect_exit 0 "--help" "$LOCUSC" --help
grep -q 'Usage: locusc <command>' "$TMP/out" && ok || bad "cli: --help shows usage"
expect_exit 0 "help check" "$LOCUSC" help check
grep -q -- '--errors FORMAT' "$TMP/out" && ok || bad "cli: help check lists --errors"
expect_exit 2 "no command" "$LOCUSC"
expect_exit 2 "unknown command" "$LOCUSC" frobnicate
expect_exit 2 "misspelled command" "$LOCUSC" biuld
grep -q "did you mean 'build'" "$TMP/err" && ok || bad "cli: a misspelled command gets a suggestion"
expect_exit 2 "unknown option" "$LOCUSC" check --frob
expect_exit 2 "bad --errors" "$LOCUSC" check --errors xml
expect_exit 2 "--src without value" "$LOCUSC" check --src
expect_exit 2 "missing source folder" "$LOCUSC" check --src "$TMP/does-not-exist"
grep -q 'does-not-exist' "$TMP/err" && ok || bad "cli: missing folder is named"
expect_exit 2 "bad -j" "$LOCUSC" check -j 0
expect_exit 0 "attached -j4" "$LOCUSC" check --src "$TMP" -j4
mkdir -p "$TMP/empty"
expect_exit 0 "empty project" "$LOCUSC" check --src "$TMP/empty"
expect_exit 0 "explain" "$LOCUSC" explain E0101
expect_exit 2 "explain unknown" "$LOCUSC" explain E9999
mkdir -p "$TMP/bad"
printf 'page Home {\n  ui { <div>hi</div> }\n}\nentity X\n' >"$TMP/bad/a.locus"
expect_exit 1 "source error exits 1" "$LOCUSC" check --src "$TMP/bad"
grep -q 'a.locus:4:1: error\[E' "$TMP/err" && ok || { bad "cli: stray top-level token is positioned"; cat "$TMP/err"; }
expect_exit 1 "json errors" "$LOCUSC" check --src "$TMP/bad" --errors json
if node -e '
const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const d = o.diagnostics[0];
for (const k of ["kind","code","message","filePath","line","column","length","severity"])
  if (!(k in d)) { console.error("missing " + k); process.exit(1); }
if (d.line !== 4 || d.column !== 1 || d.severity !== "error") process.exit(1);
' "$TMP/err" 2>/dev/null; then ok; else bad "cli: --errors json has the original field names and positions"; cat "$TMP/err"; fi

# Every diagnostic code the sources can emit has an `explain` entry.
missing=""
for c in $(grep -ohE '"[EW]0[0-9]{3}"' frontend/*.c frontend/*.re frontend/*.y | tr -d '"' | sort -u); do
	"$LOCUSC" explain "$c" >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$missing" ] && ok || bad "cli: codes without an explain entry:$missing"

# ---- spec: every valid file checks clean on its own ----
for f in tests/spec/valid/*.locus; do
	[ -e "$f" ] || continue
	d="$TMP/spec/$(basename "$f" .locus)"
	mkdir -p "$d"
	cp "$f" "$d/"
	if "$LOCUSC" check --src "$d" --color never -q >"$TMP/out" 2>"$TMP/err"; then ok; else
		bad "spec: $f"; sed 's/^/    /' "$TMP/err" | head -20
	fi
done

# ---- errors: golden diagnostics ----
for d in tests/errors/*/; do
	[ -d "$d" ] || continue
	name=$(basename "$d")
	if [ ! -f "$d/expected.txt" ]; then
		bad "errors: $name has no expected.txt"
		continue
	fi
	(cd "$d" && "$LOCUSC" check --color never -q >/dev/null 2>"$TMP/got.txt")
	code=$?
	if [ "$code" != 1 ]; then
		bad "errors: $name: exit $code, expected 1"
	elif ! diff -u "$d/expected.txt" "$TMP/got.txt" >"$TMP/diff"; then
		bad "errors: $name: diagnostics differ"
		head -40 "$TMP/diff"
	else
		ok
	fi
done

# ---- examples ----
for d in examples/*/; do
	[ -d "$d" ] || continue
	if "$LOCUSC" check --src "$d" --color never -q >"$TMP/out" 2>"$TMP/err"; then ok; else
		bad "examples: $d does not check clean"; head -30 "$TMP/err"
	fi
	if grep -q 'error\[' "$TMP/err"; then bad "examples: $d reports errors"; fi
done

# ---- the quick start: what `make demo` runs works from a fresh tree ----
rm -rf build/demo
if ./scripts/demo >"$TMP/demo.out" 2>&1 && [ -f build/demo/library/prisma/schema.prisma ]; then ok; else
	bad "demo: scripts/demo failed"; tail -20 "$TMP/demo.out"
fi

# ---- build scenarios and golden trees ----
sub_suite build ./tests/build/run.sh

# ---- incremental builds: scenarios and the differential test ----
sub_suite incr ./tests/incr/scenarios.sh
sub_suite incrdiff ./tests/incr/diff.sh

# ---- watch scenarios ----
sub_suite watch ./tests/watch/run.sh

# ---- typecheck: generated apps pass Prisma's validator and tsc ----
if [ "${SKIP_TYPECHECK:-0}" != 1 ]; then
	sub_suite typecheck env LOCUSC="$LOCUSC" ./tests/typecheck.sh
fi

# ---- fuzz smoke ----
if [ "${FUZZ_SMOKE_SECONDS:-15}" != 0 ] && [ -x build/fuzz/fuzz_frontend ]; then
	mkdir -p "$TMP/corpus"
	cp tests/spec/valid/*.locus "$TMP/corpus/" 2>/dev/null
	if build/fuzz/fuzz_frontend -max_total_time="${FUZZ_SMOKE_SECONDS:-15}" \
		-max_len=4096 -timeout=5 "$TMP/corpus" >"$TMP/fuzz.log" 2>&1; then ok; else
		bad "fuzz: the front end crashed or hung"; tail -30 "$TMP/fuzz.log"
	fi
fi

echo "$pass passed, $fail failed"
[ -n "${COUNTS_FILE:-}" ] && echo "$pass $fail" >>"$COUNTS_FILE"
[ "$fail" = 0 ]
