#!/bin/sh
# run.sh - scenario tests of `locusc build`, one function per scenario.
# Prints one line per failure and "build: N passed, M failed" at the end.
set -u
cd "$(dirname "$0")/../.." || exit 2
LOCUSC=${LOCUSC:-$PWD/build/locusc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
# Builds record themselves in the cache's log: keep it out of $HOME.
export LOCUS_CACHE_DIR="$T/cache"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL build: %s\n' "$*"; }

# A digest of every file under a folder: path and content hash per line.
tree_sum() {
	(cd "$1" && find . -type f ! -path './node_modules/*' | LC_ALL=C sort |
		while read -r f; do printf '%s %s\n' "$f" "$(cksum <"$f")"; done)
}

# t01: a project with errors writes nothing and exits 1.
t01_errors_write_nothing() {
	mkdir -p "$T/t01/src"
	printf 'page Home {\n  ui { <p>{missing</p> }\n}\n' >"$T/t01/src/a.locus"
	"$LOCUSC" build --src "$T/t01/src" --out "$T/t01/out" -q 2>/dev/null
	[ $? = 1 ] && ok || bad "t01: exit status on source errors"
	[ ! -e "$T/t01/out" ] && ok || bad "t01: output folder created on error"
}

# t02: a second build of the same sources rewrites nothing.
t02_unchanged_not_rewritten() {
	cp -r examples/library "$T/t02src"
	"$LOCUSC" build --src "$T/t02src" --out "$T/t02" -q || { bad "t02: first build"; return; }
	find "$T/t02" -type f -exec touch -d '2001-01-01' {} +
	out=$("$LOCUSC" build --src "$T/t02src" --out "$T/t02" 2>&1)
	echo "$out" | grep -q '(0 written' && ok || bad "t02: second build wrote files: $out"
	newer=$(find "$T/t02" -type f -newermt '2001-01-02' | head -3)
	[ -z "$newer" ] && ok || bad "t02: mtimes moved: $newer"
}

# t03: outputs of a deleted page disappear, with their folders.
t03_stale_outputs_removed() {
	mkdir -p "$T/t03src"
	printf 'page Alpha {\n  ui { <p>a</p> }\n}\n' >"$T/t03src/a.locus"
	printf 'page BetaPage {\n  ui { <p>b</p> }\n}\n' >"$T/t03src/b.locus"
	"$LOCUSC" build --src "$T/t03src" --out "$T/t03" -q || { bad "t03: first build"; return; }
	[ -f "$T/t03/react/pages/BetaPage.tsx" ] && [ -f "$T/t03/next-app/app/beta-page/page.tsx" ] && ok ||
		bad "t03: page outputs missing"
	rm "$T/t03src/b.locus"
	"$LOCUSC" build --src "$T/t03src" --out "$T/t03" -q || { bad "t03: second build"; return; }
	[ ! -e "$T/t03/react/pages/BetaPage.tsx" ] && [ ! -e "$T/t03/next-app/app/beta-page" ] && ok ||
		bad "t03: stale page outputs left behind"
	[ -f "$T/t03/react/pages/Alpha.tsx" ] && ok || bad "t03: live page removed"
	# A file the user put there is never touched.
	echo keep >"$T/t03/notes.txt"
	"$LOCUSC" build --src "$T/t03src" --out "$T/t03" -q
	[ -f "$T/t03/notes.txt" ] && ok || bad "t03: a user file was removed"
}

# t04: a failed write leaves the previous outputs exactly as they were.
t04_failed_build_changes_nothing() {
	cp -r examples/library "$T/t04src"
	"$LOCUSC" build --src "$T/t04src" --out "$T/t04" -q || { bad "t04: first build"; return; }
	# Add a page (new outputs, a changed landing page), then make one
	# output folder unwritable (a file where a folder must be: this
	# fails even for root).
	printf 'page ZzExtra {\n  ui { <p>extra</p> }\n}\n' >"$T/t04src/zz.locus"
	rm -rf "$T/t04/workflows"
	printf 'not a folder\n' >"$T/t04/workflows"
	before=$(tree_sum "$T/t04")
	"$LOCUSC" build --src "$T/t04src" --out "$T/t04" -q 2>"$T/t04.err"
	code=$?
	[ $code = 3 ] && ok || { bad "t04: exit $code on an I/O error, expected 3"; cat "$T/t04.err"; }
	after=$(tree_sum "$T/t04")
	[ "$before" = "$after" ] && ok || bad "t04: outputs changed by a failed build"
	left=$(find "$T/t04" -name '.*locusc-tmp*' | head -3)
	[ -z "$left" ] && ok || bad "t04: temporary files left: $left"
}

# t05: identical trees whatever the job count and the order files were
# created in (readdir order).
t05_deterministic() {
	for app in examples/*/; do
		name=$(basename "$app")
		"$LOCUSC" build --src "$app" --out "$T/t05a-$name" -q -j1 || { bad "t05: build $name"; continue; }
		mkdir -p "$T/t05src-$name"
		(cd "$app" && find . -type f | LC_ALL=C sort -r) | while read -r f; do
			mkdir -p "$T/t05src-$name/$(dirname "$f")"
			cp "$app/$f" "$T/t05src-$name/$f"
		done
		"$LOCUSC" build --src "$T/t05src-$name" --out "$T/t05b-$name" -q -j2 || { bad "t05: rebuild $name"; continue; }
		if diff -r "$T/t05a-$name" "$T/t05b-$name" >"$T/t05.diff"; then ok; else
			bad "t05: $name differs between -j1 and -j2 / file order"; head -20 "$T/t05.diff"
		fi
	done
}

# t06: package.json, tsconfig.json and README.md are the user's once made.
t06_user_files_kept() {
	mkdir -p "$T/t06src"
	printf 'page Home {\n  ui { <p>hi</p> }\n}\n' >"$T/t06src/a.locus"
	"$LOCUSC" build --src "$T/t06src" --out "$T/t06" -q || { bad "t06: build"; return; }
	echo '{"name": "mine"}' >"$T/t06/package.json"
	"$LOCUSC" build --src "$T/t06src" --out "$T/t06" -q
	grep -q mine "$T/t06/package.json" && ok || bad "t06: package.json overwritten"
}

# t07: --dry-run lists the files and writes nothing.
t07_dry_run() {
	"$LOCUSC" build --src examples/library --out "$T/t07" --dry-run -q >"$T/t07.list" || { bad "t07: dry run"; return; }
	[ ! -e "$T/t07" ] && ok || bad "t07: dry run wrote files"
	grep -qx 'prisma/schema.prisma' "$T/t07.list" && grep -qx 'BUILD_MANIFEST.json' "$T/t07.list" && ok ||
		bad "t07: dry run list incomplete"
}

# t08: golden trees: tests/golden/<case>/input builds to expected/
# (react/runtime/ is left out: it is constant and type-checked instead).
t08_goldens() {
	for g in tests/golden/*/; do
		[ -d "$g/input" ] || continue
		name=$(basename "$g")
		"$LOCUSC" build --src "$g/input" --out "$T/g-$name" -q 2>"$T/g.err" || {
			bad "t08: golden $name does not build"; cat "$T/g.err"; continue; }
		rm -rf "$T/g-$name/react/runtime"
		if diff -r "$g/expected" "$T/g-$name" >"$T/g.diff"; then ok; else
			bad "t08: golden $name differs (refresh with tests/golden/refresh.sh after review)"
			head -40 "$T/g.diff"
		fi
	done
}

# t09: the build log, cache maintenance and clean.
t09_stats_cache_clean() {
	c="$T/t09cache"
	"$LOCUSC" build --src examples/library --out "$T/t09" -q --cache-dir "$c" 2>/dev/null
	"$LOCUSC" build --src examples/library --out "$T/t09" -q --cache-dir "$c" 2>/dev/null
	n=$("$LOCUSC" stats --cache-dir "$c" | grep -c '  build ')
	[ "$n" = 2 ] && ok || bad "t09: stats shows $n builds, expected 2"
	"$LOCUSC" stats --cache-dir "$c" --json | node -e '
		const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
		if (o.builds.length !== 2 || o.builds[0].record.written !== 0 ||
		    o.builds[1].record.written < 60) process.exit(1);' && ok ||
		bad "t09: stats --json records"
	"$LOCUSC" cache gc --cache-dir "$c" >/dev/null 2>&1
	[ $? = 2 ] && ok || bad "t09: cache gc without --max-size is a usage error"
	"$LOCUSC" cache gc --max-size 1M --cache-dir "$c" >/dev/null && ok || bad "t09: cache gc"
	"$LOCUSC" cache clean --cache-dir "$c" >/dev/null && ok || bad "t09: cache clean"
	"$LOCUSC" stats --cache-dir "$c" | grep -q 'no builds recorded' && ok || bad "t09: clean kept the log"
	echo mine >"$T/t09/notes.txt"
	# What killed builds leave: a temporary file, a staging folder.
	echo partial >"$T/t09/routes/.book.ts.locusc-tmp-999999"
	mkdir -p "$T/t09/.stage.locusc-tmp-999999/extra/deep"
	echo partial >"$T/t09/.stage.locusc-tmp-999999/extra/deep/x.ts"
	"$LOCUSC" clean --out "$T/t09" >"$T/t09.out" || bad "t09: clean failed"
	grep -q '^removed 2 temporary files or folders left by builds' "$T/t09.out" && ok ||
		bad "t09: clean's line on leftovers: $(cat "$T/t09.out")"
	left=$(cd "$T/t09" && find . | LC_ALL=C sort | tr '\n' ' ')
	[ "$left" = ". ./README.md ./notes.txt ./package.json ./tsconfig.json " ] && ok ||
		bad "t09: clean left: $left"
}

# t10: a corrupt cache is a warning, never a failed build.
t10_corrupt_cache() {
	c="$T/t10cache"
	mkdir -p "$c"
	head -c 65536 /dev/urandom >"$c/data.mdb"
	"$LOCUSC" build --src examples/library --out "$T/t10" -q --cache-dir "$c" 2>"$T/t10.err"
	[ $? = 0 ] && ok || { bad "t10: build failed on a corrupt cache"; cat "$T/t10.err"; }
	grep -q 'warning: the cache .* emptied' "$T/t10.err" && ok || bad "t10: no warning about the corrupt cache"
}

# t11: two builds into one folder do not interleave: the second waits.
t11_output_lock() {
	mkdir -p "$T/t11"
	flock "$T/t11" sleep 2 &
	holder=$!
	sleep 0.3
	"$LOCUSC" build --src examples/library --out "$T/t11" -q 2>"$T/t11.err"
	code=$?
	wait $holder
	[ $code = 0 ] && ok || bad "t11: build under lock failed"
	grep -q 'waiting for another build' "$T/t11.err" && ok || bad "t11: no waiting message"
}

# t12: --trace writes Chrome trace events: a span per unit and output.
t12_trace() {
	"$LOCUSC" build --src examples/library --out "$T/t12" -q --no-warnings --cache-dir "$T/t12cache" \
		--trace "$T/t12.json" || { bad "t12: build with --trace"; return; }
	units=$("$LOCUSC" build --src examples/library --out "$T/t12" --dry-run -q --no-warnings | grep -c .)
	node -e '
		const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const n = (c) => o.traceEvents.filter((e) => e.ph === "X" && e.cat === c).length;
		for (const e of o.traceEvents)
			if (e.ph === "X" && !(e.dur >= 0 && e.ts >= 0 && e.tid >= 1)) process.exit(1);
		if (n("parse") !== 27 || n("check") !== 27 || n("read") !== 11) process.exit(2);
		if (n("generate") < Number(process.argv[2]) - 3) process.exit(3);' \
		"$T/t12.json" "$units" && ok || bad "t12: trace events ($?)"
	# A build in waves: each wave's store and the summaries' are spans.
	LOCUS_GEN_WAVE=16 "$LOCUSC" build --src examples/library --out "$T/t12w" -q --no-warnings \
		--cache-dir "$T/t12wcache" --trace "$T/t12w.json" || { bad "t12: build in waves with --trace"; return; }
	node -e '
		const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const st = o.traceEvents.filter((e) => e.ph === "X" && e.cat === "store");
		if (!st.some((e) => e.name === "summaries")) process.exit(1);
		if (st.filter((e) => / outputs$/.test(e.name)).length < 2) process.exit(2);' \
		"$T/t12w.json" && ok || bad "t12: store spans in a build in waves ($?)"
}

# t13: two entities whose route files collide (Book, book): the later by
# name order is skipped, with a generator warning; same for page URLs.
t13_path_collisions() {
	mkdir -p "$T/t13src"
	printf 'database {\n  entity Book {\n    title: String\n  }\n  entity book {\n    name: String\n  }\n}\n' >"$T/t13src/a.locus"
	printf 'page AdminUI {\n  ui { <p>a</p> }\n}\npage Admin_UI {\n  ui { <p>b</p> }\n}\n' >"$T/t13src/b.locus"
	"$LOCUSC" build --src "$T/t13src" --out "$T/t13" -q 2>"$T/t13.err" || { bad "t13: build"; cat "$T/t13.err"; return; }
	n=$(ls "$T/t13/routes" | wc -l)
	[ "$n" = 1 ] && ok || bad "t13: $n route files, expected 1"
	grep -q 'two outputs map to routes/book.ts' "$T/t13/GENERATED_WARNINGS.txt" && ok || bad "t13: no routes collision warning"
	grep -q 'two outputs map to next-app/app/admin-ui/page.tsx' "$T/t13/GENERATED_WARNINGS.txt" && ok || bad "t13: no page collision warning"
}

# t14: --out may name a folder whose parents do not exist yet.
t14_nested_out() {
	"$LOCUSC" build --src examples/library --out "$T/t14/a/b/app" -q --no-warnings &&
		[ -f "$T/t14/a/b/app/prisma/schema.prisma" ] && ok || bad "t14: nested --out not created"
}

t01_errors_write_nothing
t02_unchanged_not_rewritten
t03_stale_outputs_removed
t04_failed_build_changes_nothing
t05_deterministic
t06_user_files_kept
t07_dry_run
t08_goldens
t09_stats_cache_clean
t10_corrupt_cache
t11_output_lock
t12_trace
t13_path_collisions
t14_nested_out
echo "build: $pass passed, $fail failed"
[ "$fail" = 0 ]
