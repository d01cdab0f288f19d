#!/bin/bash
# scenarios.sh - numbered scenarios of incremental builds, each asserting
# exactly which outputs were rewritten (by mtime: every output is dated
# 2001 before the build under test), plus no-op, warm and SIGKILL cases.
# Prints "incr: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
LOCUSC=${LOCUSC:-$PWD/build/locusc}
GENCORPUS=${GENCORPUS:-$PWD/build/gencorpus}
T=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL incr: %s\n' "$*"; }

# A fresh copy of the library example, built once, outputs dated 2001.
setup() { # name [generated [files]]
	S=$T/$1
	mkdir -p "$S"
	if [ $# -gt 1 ]; then
		# A generated project: no warnings, so no file is re-read.
		"$GENCORPUS" --files "${3:-30}" --seed 4 --out "$S/src" >/dev/null
	else
		cp -r examples/library "$S/src"
	fi
	"$LOCUSC" build --src "$S/src" --out "$S/out" --cache-dir "$S/cache" -q \
		--no-warnings || bad "$1: first build"
	sleep 0.12   # past the racy window: unchanged files are known by stat
	find "$S/out" -type f -exec touch -d 2001-01-01 {} +
}
rebuild() {
	"$LOCUSC" build --src "$S/src" --out "$S/out" --cache-dir "$S/cache" \
		--no-warnings "$@" 2>"$S/err"
}
rewritten() {
	(cd "$S/out" && find . -type f -newermt 2001-01-02 | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
}
expect_rewritten() { # name expected...
	name=$1; shift
	want=""
	[ $# = 0 ] || want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
	got=$(rewritten)
	[ "$got" = "$want" ] && ok || bad "$name: rewrote [$got], expected [$want]"
}
same_as_clean() { # name
	rm -rf "$S/clean"
	"$LOCUSC" build --src "$S/src" --out "$S/clean" --cache-dir "$S/cleancache" \
		-q --no-warnings 2>/dev/null
	diff -r "$S/out" "$S/clean" >/dev/null && ok || bad "$1: differs from a clean build"
}

# s01: editing a page's text rewrites only that page (and the manifest).
setup s01
sed -i 's|<h1>|<h1>Our |' "$S/src/ui/pages/catalog.locus"
grep -q '<h1>Our ' "$S/src/ui/pages/catalog.locus" || bad "s01: edit did not apply"
rebuild || bad "s01: build"
expect_rewritten s01 react/pages/Catalog.tsx BUILD_MANIFEST.json
same_as_clean s01

# s02: changing a component's params rewrites it and the page that uses it.
setup s02
sed -i 's/  param footerSlot: slot/  param footerSlot: String?/' "$S/src/ui/components/book.locus"
rebuild --explain || bad "s02: build"
expect_rewritten s02 react/components/BookCard.tsx react/pages/Catalog.tsx BUILD_MANIFEST.json
grep -q "explain: react/pages/Catalog.tsx: a component's params (interface) changed" "$S/err" && ok ||
	bad "s02: --explain does not say why Catalog.tsx was rebuilt: $(head -3 "$S/err")"
same_as_clean s02

# s03: inserting blank lines above declarations rewrites nothing, and
# generates nothing (unit hashes do not include positions).
setup s03
for f in "$S"/src/ui/pages/*.locus "$S"/src/data/*.locus; do
	{ printf '\n\n\n'; cat "$f"; } >"$S/tmp" && cat "$S/tmp" >"$f"
done
rebuild || bad "s03: build"
expect_rewritten s03
grep -q '^built 0 of' "$S/err" && ok || bad "s03: outputs generated: $(tail -1 "$S/err")"
same_as_clean s03

# s04: a no-op build opens no source file and writes nothing.
setup s04 generated
# The first build's files are racy (written just before it): the next
# build reads them once to be sure, then they are known by stat.
rebuild -q || bad "s04: build"
sleep 0.12
find "$S/out" -type f -exec touch -d 2001-01-01 {} +
rebuild --timings || bad "s04: build"
awk '$1 == "read" && $3 != 0 { exit 1 }' "$S/err" && ok || bad "s04: no-op read source files: $(grep '^read' "$S/err")"
phases=$(awk 'NR > 1 && /^[a-z+]+ +[0-9.]+ +[0-9]/ { printf "%s ", $1 }' "$S/err")
[ "$phases" = "scan read split parse+check project model plan generate write commit total " ] && ok ||
	bad "s04: --timings phases: '$phases'"
expect_rewritten s04
grep -q '100.0% cached (0 written, 0 removed)' "$S/err" && ok || bad "s04: $(tail -1 "$S/err")"

# s05: deleting a declaration removes its outputs and nothing else.
setup s05
rm "$S/src/ui/pages/catalog.locus"
rebuild || bad "s05: build"
[ ! -e "$S/out/react/pages/Catalog.tsx" ] && [ ! -e "$S/out/next-app/app/catalog/page.tsx" ] && ok ||
	bad "s05: outputs of a deleted page are left"
same_as_clean s05

# s06: the output folder deleted, the cache kept: every output comes from
# the cache, nothing is generated.
setup s06
rm -rf "$S/out"
rebuild --explain || bad "s06: build"
# Only the files written once when absent (package.json, ...) are made.
n=$(grep '^explain:' "$S/err" | grep -v '^explain: \(package.json\|tsconfig.json\|README.md\):' | grep -vc 'from the cache')
[ "$n" = 0 ] && ok || bad "s06: $n outputs generated rather than taken from the cache"
grep -q '^built 3 of' "$S/err" && ok || bad "s06: $(tail -1 "$S/err")"
same_as_clean s06

# s07: an output replaced (an editor's save: write, then rename) or
# deleted by hand is restored. (An edit in place, which moves no folder's
# stat, is not noticed: like make, locusc trusts its outputs' folders.)
setup s07
{ cat "$S/out/server.ts"; echo "// mine"; } >"$S/tmp" && mv "$S/tmp" "$S/out/server.ts"
rm "$S/out/react/pages/Catalog.tsx"
rebuild --explain || bad "s07: build"
# --explain says why: the folder moved; the deleted file is written
# again, its untouched neighbours are left as they are.
grep -q "^explain: react/pages/Catalog.tsx: its folder changed since the last build: checked (from the cache, rewritten)$" "$S/err" && ok ||
	bad "s07: --explain on a deleted output: $(grep Catalog.tsx "$S/err")"
n=$(grep -c "^explain: react/pages/[^/]*: its folder changed since the last build: checked (from the cache, same bytes on disk)$" "$S/err")
[ "$n" -ge 1 ] && ok || bad "s07: --explain on the deleted output's neighbours: $(grep react/pages "$S/err" | head -3)"
same_as_clean s07
# The same with a source edit in the build: the output folders are then
# stat'ed beside the front end (dirs_late), and must still be seen.
setup s07b
sed -i 's|<h1>|<h1>Our |' "$S/src/ui/pages/catalog.locus"
{ cat "$S/out/server.ts"; echo "// mine"; } >"$S/tmp" && mv "$S/tmp" "$S/out/server.ts"
rm "$S/out/next-app/app/my-account/page.tsx"
rebuild || bad "s07b: build"
expect_rewritten s07b react/pages/Catalog.tsx BUILD_MANIFEST.json server.ts \
	next-app/app/my-account/page.tsx
same_as_clean s07b

# s08: a build killed by SIGKILL at any moment leaves a cache from which
# the next build is correct. (The killed builds make their outputs in
# waves of 64: outputs written and stored while others are made.)
S=$T/s08
"$GENCORPUS" --files 600 --seed 8 --out "$S/src" >/dev/null
for delay in 0.01 0.05 0.1 0.2 0.3 0.5; do
	rm -rf "$S/out"
	LOCUS_GEN_WAVE=64 "$LOCUSC" build --src "$S/src" --out "$S/out" \
		--cache-dir "$S/cache" -q -j2 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	"$GENCORPUS" --edit leaf --dir "$S/src" --step "${delay#0.}" >/dev/null
	rebuild -q || bad "s08: build after SIGKILL at ${delay}s"
	same_as_clean "s08 (killed at ${delay}s)"
done
# A killed build's temporary files (named for its process) are swept
# from the folders they changed, by the next build, edit or no edit.
sub=$(cd "$S/out" && find . -mindepth 2 -name '*.tsx' | head -n 1)
sub=${sub%/*}
echo partial >"$S/out/$sub/.Page.tsx.locusc-tmp-999999"
echo partial >"$S/out/.BUILD_MANIFEST.json.locusc-tmp-999999"
# and its staging folder (new folders' files, moved in at the end)
mkdir -p "$S/out/.stage.locusc-tmp-999999/routes/sub"
echo partial >"$S/out/.stage.locusc-tmp-999999/routes/sub/x.ts"
rebuild -q || bad "s08: build after leftover temporaries"
left=$(find "$S/out" -name '.*.locusc-tmp-*' | head -3)
[ -z "$left" ] && ok || bad "s08: temporary files left: $left"

# s09: on a terminal a long build draws a progress line, erased before
# the summary; not on a pipe, and not with -q. (LOCUS_PROGRESS_AFTER_MS=0:
# every build counts as long.)
S=$T/s09
"$GENCORPUS" --files 60 --seed 9 --out "$S/src" >/dev/null
if command -v script >/dev/null 2>&1; then
	LOCUS_PROGRESS_AFTER_MS=0 script -qec "'$LOCUSC' build --src '$S/src' --out '$S/out' --cache-dir '$S/cache'" "$S/tty" >/dev/null 2>&1
	tr '\r' '\n' <"$S/tty" | grep -q '^.\[K\[generate\] [0-9]* of [0-9]* outputs' &&
		ok || bad "s09: no progress line on a terminal"
	tr '\r' '\n' <"$S/tty" | grep -q '^.\[K\[parse\] [0-9]* of [0-9]* files' &&
		ok || bad "s09: no progress line for the front end"
	tr '\r' '\n' <"$S/tty" | grep -q '^.\[Kbuilt [0-9]* of [0-9]* outputs' &&
		ok || bad "s09: the progress line is not erased before the summary"
	rm -rf "$S/out" "$S/cache"
	LOCUS_PROGRESS_AFTER_MS=0 script -qec "'$LOCUSC' build -q --src '$S/src' --out '$S/out' --cache-dir '$S/cache'" "$S/tty" >/dev/null 2>&1
	grep -q 'generate\]' "$S/tty" && bad "s09: progress with -q" || ok
else
	bad "s09: the script command (util-linux) is missing"
fi
rm -rf "$S/out" "$S/cache"
LOCUS_PROGRESS_AFTER_MS=0 "$LOCUSC" build --src "$S/src" --out "$S/out" --cache-dir "$S/cache" 2>"$S/err"
grep -q 'generate\]' "$S/err" && bad "s09: progress on a pipe" || ok

# s11: a new declaration changes the names, so the project is checked
# again: the files that did not change take their summaries from the
# cache (only the new file is read), and an error whose other location is
# in one of them is reported as a clean build reports it.
setup s11 generated
# The first build's files are racy: the next build reads them once.
rebuild -q || bad "s11: build"
sleep 0.12
first=$(cd "$S/src" && grep -rl '^page ' --include=*.locus . | LC_ALL=C sort | head -n 1)
name=$(grep -m1 '^page ' "$S/src/$first" | awk '{print $2}')
printf 'page ZzNew {\n  ui { <p>new</p> }\n}\n' >"$S/src/znew.locus"
rebuild --timings || bad "s11: build"
awk '$1 == "read" { exit !($3 == 1) }' "$S/err" && ok ||
	bad "s11: the project check read more than the new file: $(grep '^read' "$S/err")"
[ -e "$S/out/react/pages/ZzNew.tsx" ] && ok || bad "s11: the new page was not generated"
same_as_clean s11
printf '\n\npage %s {\n  ui { <p>twice</p> }\n}\n' "$name" >"$S/src/zdup.locus"
rebuild -q && bad "s11: a duplicate page built" || ok
"$LOCUSC" build --src "$S/src" --out "$S/clean" --cache-dir "$S/cleancache2" \
	-q --no-warnings 2>"$S/cleanerr"
diff "$S/err" "$S/cleanerr" >/dev/null && ok ||
	bad "s11: the error report differs from a clean build's: $(diff "$S/err" "$S/cleanerr" | head -5)"
grep -q "note: first declared here: .*${first#./}:[0-9]*:[0-9]*" "$S/err" && ok ||
	bad "s11: no position in the unread file: $(head -5 "$S/err")"

# s12: an output that cannot be put in place (a folder sits at its path)
# is an I/O error naming it, exit 3, with no temporary file left; the
# next build, once the folder is gone, writes it.
setup s12
rm "$S/out/react/pages/Catalog.tsx"
mkdir -p "$S/out/react/pages/Catalog.tsx/in-the-way"
rebuild -q
code=$?
[ "$code" = 3 ] && ok || bad "s12: exit $code, expected 3"
grep -q "cannot write '.*react/pages/Catalog.tsx'" "$S/err" && ok || bad "s12: no error naming the output: $(cat "$S/err")"
[ -z "$(find "$S/out" -name '*locusc-tmp*')" ] && ok || bad "s12: temporary files left: $(find "$S/out" -name '*locusc-tmp*')"
rm -rf "$S/out/react/pages/Catalog.tsx"
rebuild -q || bad "s12: build after the folder was removed"
same_as_clean s12

# s13: a project warning in a file known only by its summary (the file
# is not read for the check) is reported with its source line; when that
# file's outputs are then regenerated (a component it uses changed), the
# file is read once more (under ASan, nothing leaks).
setup s13
sed -i 's|<h1>|<p>{Zork}</p><h1>|' "$S/src/ui/pages/catalog.locus"
rebuild -q || bad "s13: build"
sleep 0.12
rebuild -q || bad "s13: build"
sed -i 's/  param footerSlot: slot/  param footerSlot: String?/' "$S/src/ui/components/book.locus"
"$LOCUSC" build --src "$S/src" --out "$S/out" --cache-dir "$S/cache" --timings 2>"$S/err" || bad "s13: build after the component edit"
"$LOCUSC" build --src "$S/src" --out "$S/clean" --cache-dir "$S/cleancache3" 2>"$S/cleanerr"
w1=$(grep -A2 'W0902' "$S/err")
w2=$(grep -A2 'W0902' "$S/cleanerr")
[ -n "$w1" ] && [ "$w1" = "$w2" ] && ok || bad "s13: the warning differs from a clean build's: [$w1] vs [$w2]"
same_as_clean s13

# s14: files whose stat moved but whose bytes did not (a checkout, a
# touch) are read but not parsed, nothing is written, and their new stats
# are saved: the next build is a no-op that reads nothing.
setup s14 generated
rebuild -q || bad "s14: build"
sleep 0.12
find "$S/src" -name '*.locus' -exec touch -d '2002-01-01 00:00:00' {} +
nfiles=$(find "$S/src" -name '*.locus' | wc -l)
rebuild --timings || bad "s14: build after touch"
awk -v n="$nfiles" '$1 == "read" { exit !($3 == n) }' "$S/err" && ok ||
	bad "s14: expected $nfiles files read: $(grep '^read' "$S/err")"
awk '$1 == "parse+check" { exit !($3 == 0) }' "$S/err" && ok ||
	bad "s14: files with the same bytes were parsed: $(grep '^parse' "$S/err")"
expect_rewritten s14
rebuild --timings || bad "s14: build"
awk '$1 == "read" { exit !($3 == 0) }' "$S/err" && ok ||
	bad "s14: the new stats were not saved: $(grep '^read' "$S/err")"
# An edit after that is still seen.
sed -i '0,/<p>/s//<p>edited /' "$(grep -rl '<p>' "$S/src" | head -n 1)"
rebuild -q || bad "s14: build after an edit"
same_as_clean s14

# s15: an entity edit makes the aggregates (schema.prisma, entities.ts)
# again from per-entity fragments: only the edited entity's fragment (and,
# for the schema, those of the entities linked to it) is made; the rest
# come from the cache, and only those entities' files are parsed.
setup s15 generated 200
nent=$(grep -rho 'entity E[0-9]*' "$S/src" | wc -l)
"$GENCORPUS" --edit interface --dir "$S/src" --step 2 >/dev/null
rebuild --explain --timings || bad "s15: build"
grep -q "^explain: react/entities.ts: 1 of $nent entity fragments made again" "$S/err" && ok ||
	bad "s15: entities.ts: $(grep 'entities.ts' "$S/err")"
made=$(sed -n 's|^explain: prisma/schema.prisma: \([0-9]*\) of .*|\1|p' "$S/err")
[ -n "$made" ] && [ "$made" -ge 1 ] && [ "$made" -lt $((nent / 2)) ] && ok ||
	bad "s15: schema.prisma made [$made] of $nent fragments again"
awk -v n="$nent" '$1 == "parse+check" { exit !($3 < n) }' "$S/err" && ok ||
	bad "s15: every entity was parsed: $(grep '^parse' "$S/err")"
same_as_clean s15
# A new relation: the target's model gets the other side.
f=$(grep -rl 'entity E1 {' "$S/src")
sed -i 's/^  entity E1 {$/&\n    fans: has_many E0/' "$f"
rebuild --explain || bad "s15: build after a new relation"
grep -q 'fans E0\[\]' "$S/out/prisma/schema.prisma" && ok || bad "s15: no new relation"
same_as_clean s15
# Without the cache, every fragment is made, and --explain says so (not
# "N of N made again, the rest copied").
rm -rf "$S/cache"
"$GENCORPUS" --edit interface --dir "$S/src" --step 4 >/dev/null
rebuild --explain || bad "s15: build without the cache"
grep -q "^explain: react/entities.ts: all $nent entity fragments made (no last text to copy from)$" "$S/err" &&
	! grep -q "entities.ts: $nent of $nent" "$S/err" && ok ||
	bad "s15: all made: $(grep 'entities.ts' "$S/err" | head -n 3)"
same_as_clean s15

# s16: a cold build in waves (each written and stored before the next is
# made; 1,024 outputs each by default, 16 here) gives the tree a build in
# one wave gives, and stores every output: a build into a new folder
# takes them all from the cache.
S=$T/s16
"$GENCORPUS" --files 60 --seed 16 --out "$S/src" >/dev/null
LOCUS_GEN_WAVE=16 "$LOCUSC" build --src "$S/src" --out "$S/out" \
	--cache-dir "$S/cache" -q --no-warnings || bad "s16: build in waves"
same_as_clean s16
ls "$S"/out/.*locusc-tmp* "$S"/out/*/.*locusc-tmp* >/dev/null 2>&1 &&
	bad "s16: temporary files left" || ok
"$LOCUSC" build --src "$S/src" --out "$S/out2" --cache-dir "$S/cache" \
	--explain --no-warnings 2>"$S/err" || bad "s16: build into a new folder"
n=$(grep '(generated' "$S/err" | grep -vc 'absent: written once')
[ "$n" = 0 ] && ok || bad "s16: $n outputs not in the cache after a build in waves"
diff -r "$S/out" "$S/out2" >/dev/null && ok || bad "s16: the second folder differs"

# s17: a cold build keeps no trees of files of pages, stores, uploads,
# components and workflows only: those of components and workflows are
# made again once, when the entities' outputs are made and their trees
# let go, those of pages when their own outputs are made (in their wave,
# or at once when there is one wave), each file once, and nothing else
# is (no output of this project reads a store's or an upload's tree).
# Both give the tree a clean build gives.
S=$T/s17
"$GENCORPUS" --files 60 --seed 17 --out "$S/src" >/dev/null
for wave in 16 1000000; do
	rm -rf "$S/out" "$S/cache"
	LOCUS_GEN_WAVE=$wave "$LOCUSC" build --src "$S/src" --out "$S/out" \
		--cache-dir "$S/cache" -q --no-warnings --trace "$S/trace.json" ||
		bad "s17: build (waves of $wave)"
	grep -o '"name":"[^"]*","cat":"parse again"' "$S/trace.json" |
		sed 's/"name":"\([^"]*\)".*/\1/' | LC_ALL=C sort >"$S/again"
	(cd "$S/src" && find pages components flows -name '*.locus' |
		LC_ALL=C sort) >"$S/leaves"
	grep -q '^components/' "$S/leaves" && grep -q '^flows/' "$S/leaves" &&
		cmp -s "$S/again" "$S/leaves" && ok ||
		bad "s17: parsed again [$(tr '\n' ' ' <"$S/again" | cut -c1-300)], expected each file of pages, components and workflows once"
	same_as_clean "s17 (waves of $wave)"
	# The summaries are stored either way (in waves: before generating).
	"$LOCUSC" cache stats --cache-dir "$S/cache" |
		awk '$1 == "ir" { print $2 }' >"$S/ir.$wave"
done
[ "$(cat "$S/ir.16")" -gt 0 ] && cmp -s "$S/ir.16" "$S/ir.1000000" && ok ||
	bad "s17: summaries stored: $(cat "$S/ir.16") in waves, $(cat "$S/ir.1000000") in one"

# s18: a no-op reads only the first records of the last build's state
# (the header, the files, the output folders): with the records after
# them damaged it is still a no-op, and says nothing. A build that needs
# them finds the damage, says so, and builds everything again, right.
setup s18 generated
rebuild -q || bad "s18: build"   # the files were racy at the first
sleep 0.12
nfiles=$(find "$S/src" -name '*.locus' | wc -l)
# Damage every copy of the state's record of prisma/schema.prisma (its
# length, path and action key) in the cache's file, in place.
spoiled=$(node -e '
const fs = require("fs");
const [file, path] = process.argv.slice(1);
const buf = fs.readFileSync(file), p = Buffer.from(path);
const pat = Buffer.alloc(4 + p.length + 1);
pat.writeUInt32LE(p.length, 0); p.copy(pat, 4);
const fd = fs.openSync(file, "r+");
let n = 0;
for (let at = buf.indexOf(pat); at >= 0; at = buf.indexOf(pat, at + 1), n++)
	fs.writeSync(fd, Buffer.from([buf[at + pat.length] ^ 0xff]), 0, 1, at + pat.length);
fs.closeSync(fd);
console.log(n);
' "$S/cache/data.mdb" prisma/schema.prisma)
[ "${spoiled:-0}" -ge 1 ] && ok || bad "s18: the state's record was not found to damage"
rebuild --timings || bad "s18: no-op build"
awk '$1 == "read" { exit !($3 == 0) }' "$S/err" && ! grep -q damaged "$S/err" &&
	ok || bad "s18: a no-op read the damaged records: $(grep '^read' "$S/err")"
grep -q '^built 0 of [0-9,]* outputs' "$S/err" && ok || bad "s18: no-op: $(grep '^built' "$S/err")"
expect_rewritten s18
sed -i '0,/<p>/s//<p>edited /' "$(grep -rl '<p>' "$S/src" | head -n 1)"
rebuild --timings || bad "s18: build after an edit"
grep -q "warning: the cache's record of the last build is damaged" "$S/err" && ok ||
	bad "s18: no warning about the damaged state"
awk -v n="$nfiles" '$1 == "read" { exit !($3 == n) }' "$S/err" && ok ||
	bad "s18: expected all $nfiles files read: $(grep '^read' "$S/err")"
same_as_clean s18
# The state saved then is whole: the next build reads it (and the edited
# file again, racy then), not every file.
sleep 0.12
rebuild --timings || bad "s18: build after the rebuild"
awk -v n="$nfiles" '$1 == "read" { exit !($3 < n) }' "$S/err" &&
	! grep -q damaged "$S/err" && ok ||
	bad "s18: the state saved after the damage is not whole: $(grep '^read' "$S/err")"

# s19: files of folders that do not exist are written into a staging
# folder and moved into place a folder at a time: a deleted folder comes
# back whole, a new output folder gets every file, and none of it is
# left behind; a folder the user makes while the build fills it keeps
# the user's file and gets the build's (moved in one by one).
setup s19 generated 200
rm -rf "$S/out/next-app" "$S/out/routes"
rebuild -q || bad "s19: build after folders were deleted"
same_as_clean s19
ls -d "$S"/out/.*locusc-tmp* >/dev/null 2>&1 && bad "s19: staging folder left" || ok
# A cold build into a new folder in the background (pid), once it has a
# staging folder (or is done).
build_until_staged() { # cache
	rm -rf "$S/out"
	LOCUS_GEN_WAVE=32 "$LOCUSC" build --src "$S/src" --out "$S/out" \
		--cache-dir "$S/$1" -q --no-warnings -j2 2>"$S/err" &
	pid=$!
	for _ in $(seq 1 500); do
		ls -d "$S"/out/.stage.locusc-tmp-* >/dev/null 2>&1 && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.01
	done
}
build_until_staged cache2
mkdir -p "$S/out/routes" && echo mine >"$S/out/routes/mine.txt"
wait $pid && ok || bad "s19: build with a folder made meanwhile: $(cat "$S/err")"
[ "$(cat "$S/out/routes/mine.txt" 2>/dev/null)" = mine ] && ok ||
	bad "s19: the user's file in routes/ is gone"
rm -f "$S/out/routes/mine.txt"
same_as_clean "s19 (folder made meanwhile)"
ls -d "$S"/out/.*locusc-tmp* >/dev/null 2>&1 && bad "s19: staging folder left after a folder was made meanwhile" || ok
# A file in the way of a folder the build fills (made while it runs, or
# before): an I/O error naming an output in it, exit 3, and no staging
# folder or temporary file left behind.
# The background build failed with an I/O error (exit 3) whose message
# matches a pattern, and left no staging folder or temporary file.
failed_clean() { # name what pattern
	wait $pid
	code=$?
	[ "$code" = 3 ] && ok || bad "$1: exit $code $2, expected 3"
	grep -q "$3" "$S/err" && ok ||
		bad "$1: no error matching $3: $(head -3 "$S/err")"
	[ -z "$(find "$S/out" -name '*locusc-tmp*')" ] && ok ||
		bad "$1: left: $(find "$S/out" -name '*locusc-tmp*' | head -3)"
}
build_until_staged cache3
mkdir -p "$S/out" && echo in-the-way >"$S/out/routes"
failed_clean s19 "with a file in the way" "cannot write '.*routes/"

# s22: a component's new param and an entity's new plain field leave what
# the project check reads as it was: it does not run (0 items), and the
# build is right. A foreign key made the wrong type is what it reads: it
# runs and reports the error at the field.
setup s22 generated
rebuild -q || bad "s22: build"    # past the first build's racy files
sleep 0.12
for step in 1 2; do
	"$GENCORPUS" --edit interface --dir "$S/src" --step $step >/dev/null
	rebuild --timings || bad "s22: build after interface edit $step"
	awk '$1 == "project" { n = $3 } END { exit n != "0" }' "$S/err" && ok ||
		bad "s22: edit $step ran the project check: $(grep '^project' "$S/err")"
	same_as_clean "s22 (edit $step)"
done
f=$(grep -l '^    parentId: Integer$' "$S"/src/data/*/*.locus | head -1)
line=$(grep -n '^    parentId: Integer$' "$f" | head -1 | cut -d: -f1)
sed -i "${line}s/parentId: Integer/parentId: String/" "$f"
if rebuild; then
	bad "s22: a wrong foreign key built"
else
	grep -qF "$f:$line:15: error[E0904]" "$S/err" && ok ||
		bad "s22: no E0904 at $f:$line:15: $(head -3 "$S/err")"
fi

# s20: a cold build in waves lets go of the files' summaries once they
# are in the cache, but not of a file with a diagnostic of its own; a
# file the project check warns about, and one with its own warning, are
# reported as a build in one wave reports them.
S=$T/s20
"$GENCORPUS" --files 60 --seed 20 --out "$S/src" >/dev/null
cat >"$S/src/pages/zz.locus" <<'LOCUS'
page ZzDesk {
  action work(id: Integer) { log("work", id) }
  ui {
    <section>
      <h3>Desk</h3>
    </section>
  }
}
LOCUS
cat >"$S/src/pages/zz2.locus" <<'LOCUS'
page zzLower {
  ui {
    <p>lower</p>
  }
}
LOCUS
LOCUS_GEN_WAVE=16 "$LOCUSC" build --src "$S/src" --out "$S/out" \
	--cache-dir "$S/cache" 2>"$S/err" || bad "s20: build in waves"
"$LOCUSC" build --src "$S/src" --out "$S/out1" --cache-dir "$S/cache1" \
	2>"$S/err1" || bad "s20: build in one wave"
grep -q "zz.locus:2:10: warning\[W0901\]" "$S/err" && ok ||
	bad "s20: no positioned warning: $(head -3 "$S/err")"
grep -q "zz2.locus:1:6: warning\[W0501\]" "$S/err" && ok ||
	bad "s20: no positioned warning of the file's own: $(head -3 "$S/err")"
[ "$(grep -v '^built' "$S/err")" = "$(grep -v '^built' "$S/err1")" ] && ok ||
	bad "s20: warnings differ: $(diff "$S/err" "$S/err1" | head -5)"
diff -r "$S/out" "$S/out1" >/dev/null && ok || bad "s20: outputs differ"

# s21: a cold build lets go of a page's text once its file is checked and
# reads it again when its wave makes its outputs: a page changed between
# the two is an I/O error naming it (exit 3), with no temporary file or
# staging folder left, and the next build is right. The pages' waves come
# last, after the entities' (at 32 outputs a wave, dozens of commits).
S=$T/s21
"$GENCORPUS" --files 400 --seed 21 --out "$S/src" >/dev/null
build_until_staged cache
for f in "$S"/src/pages/*/*.locus; do echo >>"$f"; done
failed_clean s21 "with pages changed mid-build" \
	"pages/.*\.locus' changed during the build; run it again"
"$LOCUSC" build --src "$S/src" --out "$S/out" --cache-dir "$S/cache" -q \
	--no-warnings 2>"$S/err" && ok || bad "s21: build after: $(cat "$S/err")"
same_as_clean s21

# s23: the entity aggregates are kept in the cache as runs of fragments:
# three entity edits add a few runs each, not both texts whole (1.1 MB
# an edit at 1,000 files); a warm build writes them from their runs; so
# does an edit when the schema was saved over by hand; after a gc that
# dropped some of them (a table whose runs are not all there), an edit
# and a warm build are still right.
S=$T/s23
"$GENCORPUS" --files 1000 --seed 23 --out "$S/src" >/dev/null
blob_kib() {
	"$LOCUSC" cache stats --cache-dir "$S/cache" | awk '$1 == "blobs" {
		printf "%d", $4 * ($5 == "GiB" ? 1048576 : $5 == "MiB" ? 1024 : 1) }'
}
rebuild -q || bad "s23: build"
sleep 0.12
before=$(blob_kib)
for step in 2 4 6; do
	"$GENCORPUS" --edit interface --dir "$S/src" --step $step >/dev/null
	rebuild -q || bad "s23: build after entity edit $step"
done
aggs=$(cat "$S/out/prisma/schema.prisma" "$S/out/react/entities.ts" | wc -c)
grown=$(($(blob_kib) - before))
[ "$grown" -lt $((aggs / 1024 * 3 / 2)) ] && ok ||
	bad "s23: 3 entity edits grew the blobs by $grown KiB" \
		"(the aggregates: $((aggs / 1024)) KiB)"
same_as_clean s23
rm -rf "$S/out"
rebuild --explain || bad "s23: warm build"
grep -q '^explain: prisma/schema.prisma: .*from the cache' "$S/err" && ok ||
	bad "s23: schema.prisma not from its runs: $(grep schema "$S/err")"
same_as_clean "s23 (warm)"
# The schema saved over by hand (its folder then not as the build left
# it): an entity edit writes it again from its runs; the same text saved
# over it is compared, not written.
schema=$S/out/prisma/schema.prisma
echo "// edited by hand" >>"$S/hand" && cat "$schema" "$S/hand" >"$S/x" &&
	mv "$S/x" "$schema"
"$GENCORPUS" --edit interface --dir "$S/src" --step 10 >/dev/null
rebuild -q || bad "s23: build after a hand edit of the schema"
same_as_clean "s23 (schema edited by hand)"
cp "$schema" "$S/x" && mv "$S/x" "$schema"
ino=$(stat -c %i "$schema")
rebuild --explain || bad "s23: build after the schema was saved over"
[ "$(stat -c %i "$schema")" = "$ino" ] && ok ||
	bad "s23: the same schema saved over was written again"
grep -q '^explain: prisma/schema.prisma: .*from the cache' "$S/err" && ok ||
	bad "s23: the schema saved over not compared: $(grep schema "$S/err")"
same_as_clean "s23 (schema saved over)"
for size in 8M 4M 2M; do
	"$LOCUSC" cache gc --cache-dir "$S/cache" --max-size $size >/dev/null ||
		bad "s23: gc to $size"
	"$GENCORPUS" --edit interface --dir "$S/src" --step 8 >/dev/null
	rebuild -q || bad "s23: build after gc to $size"
	same_as_clean "s23 (edit after gc to $size)"
	rm -rf "$S/out"
	rebuild -q || bad "s23: warm build after gc to $size"
	same_as_clean "s23 (warm after gc to $size)"
done

# s24: with the same declarations, only the entities an edit touches
# and those linked to them (now, or before it) get new fragment keys;
# the others keep theirs from the last text. A relation added to one
# entity changes its target's schema fragment (the back relation), and
# removing it changes it back: each build matches a clean one.
S=$T/s24
"$GENCORPUS" --files 300 --seed 24 --out "$S/src" >/dev/null
rebuild -q || bad "s24: build"
f=$(grep -l 'entity ' "$S/src"/data/*/*.locus | head -1)
from=$(sed -n 's/^  entity \([A-Za-z0-9_]*\) {.*/\1/p' "$f" | head -1)
to=$(grep -h '^  entity ' "$S/src"/data/*/*.locus | sed -n '40s/^  entity \([A-Za-z0-9_]*\) {.*/\1/p')
cp "$f" "$S/orig"
awk -v to="$to" '{ print } /^  entity / && !done {
	print "    pairedId: Integer?"; print "    paired: belongs_to " to "?";
	done = 1 }' "$S/orig" >"$f"
rebuild --explain || bad "s24: build with a new relation: $(cat "$S/err")"
grep -q "model $to {" "$S/out/prisma/schema.prisma" &&
	awk -v to="$to" -v from="$from" '$0 ~ "^model " to " " { in_m = 1 }
		in_m && $0 ~ from { found = 1 } in_m && /^}/ { in_m = 0 }
		END { exit !found }' "$S/out/prisma/schema.prisma" && ok ||
	bad "s24: $to has no relation back to $from"
same_as_clean "s24 (relation added)"
cp "$S/orig" "$f"
rebuild -q || bad "s24: build with the relation removed"
same_as_clean "s24 (relation removed)"

# s26: an entity that names another (belongs_to) reads the other's id:
# when the named entity gets an @id field, the namer's schema fragment
# changes though the namer's text did not, and the named entity names
# no one; the entities whose refs name an edited one are found by name.
S=$T/s26
"$GENCORPUS" --files 300 --seed 24 --out "$S/src" >/dev/null
f=$(grep -l 'entity ' "$S/src"/data/*/*.locus | head -1)
from=$(sed -n 's/^  entity \([A-Za-z0-9_]*\) {.*/\1/p' "$f" | head -1)
to=$(grep -h '^  entity ' "$S/src"/data/*/*.locus | sed -n '40s/^  entity \([A-Za-z0-9_]*\) {.*/\1/p')
tf=$(grep -l "^  entity $to {" "$S/src"/data/*/*.locus)
sed -i "s/^  entity $from {\$/&\n    pairedId: Integer?\n    paired: belongs_to $to?/" "$f"
rebuild -q || bad "s26: build with $from naming $to: $(cat "$S/err")"
sed -i "s/^  entity $to {\$/&\n    zkey: Integer @id/" "$tf"
rebuild -q || bad "s26: build with an id for $to: $(cat "$S/err")"
grep -q "paired $to? @relation(fields: \[pairedId\], references: \[zkey\])" "$S/out/prisma/schema.prisma" && ok ||
	bad "s26: $from's relation does not reference $to's new id: $(grep "paired $to" "$S/out/prisma/schema.prisma")"
same_as_clean "s26 (the named entity's id)"

# s27: with LOCUS_HUGEPAGES=1 the large arrays take xbig's 2 MB path (off
# by default): a cold build, an entity's new field and a page's text
# give the tree a clean build on normal pages gives.
setup s27 generated 4000
LOCUS_HUGEPAGES=1 rebuild -q || bad "s27: build: $(cat "$S/err")"
"$GENCORPUS" --edit interface --dir "$S/src" --step 2 >/dev/null
LOCUS_HUGEPAGES=1 rebuild -q || bad "s27: entity edit: $(cat "$S/err")"
same_as_clean "s27 (entity edit on 2 MB pages)"
"$GENCORPUS" --edit leaf --dir "$S/src" --step 3 >/dev/null
LOCUS_HUGEPAGES=1 rebuild -q || bad "s27: page edit: $(cat "$S/err")"
same_as_clean "s27 (page edit on 2 MB pages)"
rm -rf "$S/out" "$S/cache"
LOCUS_HUGEPAGES=1 rebuild -q || bad "s27: cold build: $(cat "$S/err")"
same_as_clean "s27 (cold build on 2 MB pages)"

# s25: a big output (LOCUS_WATCH_HOLD_MIN=0: every output) is exchanged
# with the file it replaces, which becomes its spare in the cache, and
# the next build writes over that spare: the new file is the spare's
# inode. A spare someone still has open, or that the user linked, is
# not written over; a spare folder that cannot be made changes nothing
# but speed; cache clean and gc remove the spares.
setup s25 generated 200
big() { LOCUS_WATCH_HOLD_MIN=0 rebuild -q "$@"; }
schema=$S/out/prisma/schema.prisma
inode() { stat -c %i "$1"; }
"$GENCORPUS" --edit interface --dir "$S/src" --step 2 >/dev/null
big || bad "s25: first edit: $(cat "$S/err")"
n=$(ls "$S/cache/spare" 2>/dev/null | wc -l)
[ "$n" -ge 3 ] && ok || bad "s25: $n spares after an entity edit, expected the schema, entities and manifest at least"
same_as_clean "s25 (spares made)"
spares=" $(stat -c %i "$S/cache/spare"/* | tr '\n' ' ')"
"$GENCORPUS" --edit interface --dir "$S/src" --step 4 >/dev/null
big || bad "s25: second edit: $(cat "$S/err")"
case $spares in *" $(inode "$schema") "*) ok ;; *) bad "s25: the schema is not written over its spare (inode $(inode "$schema"), spares$spares)" ;; esac
same_as_clean "s25 (spares written over)"
# The schema as it is now, held open (a slow reader) across two builds:
# its file becomes the spare, and must not be written over.
cp "$schema" "$S/held.copy"
exec 3<"$schema"
held=$(inode "$schema")
for step in 6 8; do
	"$GENCORPUS" --edit interface --dir "$S/src" --step $step >/dev/null
	big || bad "s25: edit $step with the schema held: $(cat "$S/err")"
done
cmp -s "/proc/$$/fd/3" "$S/held.copy" && ok || bad "s25: a file held open was written over"
[ "$(inode "$schema")" != "$held" ] && ok || bad "s25: the held file is the output again"
exec 3<&-
same_as_clean "s25 (schema held)"
# A hard link the user made to the schema keeps its text.
ln "$schema" "$S/linked"
cp "$schema" "$S/linked.copy"
for step in 10 12; do
	"$GENCORPUS" --edit interface --dir "$S/src" --step $step >/dev/null
	big || bad "s25: edit $step with the schema linked: $(cat "$S/err")"
done
cmp -s "$S/linked" "$S/linked.copy" && ok || bad "s25: a file the user linked was written over"
same_as_clean "s25 (schema linked)"
# An output whose mode the user changed: its file is not written over
# (a new file gets the mode a clean build gives).
chmod 755 "$schema"
for step in 22 24; do
	"$GENCORPUS" --edit interface --dir "$S/src" --step $step >/dev/null
	big || bad "s25: edit $step with the schema's mode changed: $(cat "$S/err")"
done
rm -rf "$S/clean"
"$LOCUSC" build --src "$S/src" --out "$S/clean" --cache-dir "$S/cleancache" -q --no-warnings 2>/dev/null
[ "$(stat -c %a "$schema")" = "$(stat -c %a "$S/clean/prisma/schema.prisma")" ] && ok ||
	bad "s25: the schema's mode is $(stat -c %a "$schema"), a clean build's $(stat -c %a "$S/clean/prisma/schema.prisma")"
# No spare folder can be made (a file has its name): builds as before.
rm -rf "$S/cache/spare"
: >"$S/cache/spare"
"$GENCORPUS" --edit interface --dir "$S/src" --step 14 >/dev/null
big && [ ! -s "$S/err" ] && ok || bad "s25: build without a spare folder: $(cat "$S/err")"
left=$(find "$S/out" -name '*.locusc-tmp-*' | head -3)
[ -z "$left" ] && ok || bad "s25: temporary files left: $left"
same_as_clean "s25 (no spare folder)"
rm -f "$S/cache/spare"
"$GENCORPUS" --edit interface --dir "$S/src" --step 16 >/dev/null
big || bad "s25: edit 16: $(cat "$S/err")"
"$LOCUSC" cache stats --cache-dir "$S/cache" >"$S/stats" || bad "s25: cache stats"
grep -Eq '^  spare +[1-9][0-9]* files ' "$S/stats" && ok || bad "s25: cache stats: $(grep spare "$S/stats")"
"$LOCUSC" cache gc --cache-dir "$S/cache" --max-size 1G >/dev/null || bad "s25: gc"
[ ! -e "$S/cache/spare" ] && ok || bad "s25: gc left the spares: $(ls "$S/cache/spare" | head -3)"
"$GENCORPUS" --edit interface --dir "$S/src" --step 18 >/dev/null
big || bad "s25: edit 18: $(cat "$S/err")"
"$GENCORPUS" --edit interface --dir "$S/src" --step 20 >/dev/null
big || bad "s25: edit 20: $(cat "$S/err")"
[ -d "$S/cache/spare" ] && ok || bad "s25: no spares after gc and two edits"
"$LOCUSC" cache clean --cache-dir "$S/cache" >/dev/null || bad "s25: clean"
[ ! -e "$S/cache/spare" ] && ok || bad "s25: clean left the spares"
same_as_clean "s25 (after clean)"

# s10: a cache whose map starts at 64 KiB is grown during the build
# (many times over), and keeps everything: the next build takes every
# output from it.
S=$T/s10
"$GENCORPUS" --files 80 --seed 10 --out "$S/src" >/dev/null
LOCUS_CACHE_MAP_SIZE=65536 "$LOCUSC" build --src "$S/src" --out "$S/out" \
	--cache-dir "$S/cache" -q 2>"$S/err" && ok || bad "s10: build with a tiny map: $(cat "$S/err")"
[ -s "$S/err" ] && bad "s10: warnings: $(cat "$S/err")" || ok
[ "$(stat -c %s "$S/cache/data.mdb")" -gt 1000000 ] && ok || bad "s10: the map did not grow"
same_as_clean s10
rm -rf "$S/out"
LOCUS_CACHE_MAP_SIZE=65536 "$LOCUSC" build --src "$S/src" --out "$S/out" \
	--cache-dir "$S/cache" --explain 2>"$S/err" || bad "s10: second build"
# Only the files written once when absent (package.json, ...) are made
# again; every other output comes out of the grown cache.
n=$(grep '(generated' "$S/err" | grep -vc 'absent: written once')
[ "$n" = 0 ] && ok || bad "s10: $n outputs not from the cache"
grep -q 'from the cache' "$S/err" && ok || bad "s10: nothing from the cache"

printf 'incr: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
