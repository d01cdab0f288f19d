#!/bin/bash
# diff.sh - the seeded randomized differential test of incremental builds.
#
# A generated project is changed STEPS times (default 300) by a seeded
# random mix of: body edits, interface edits (entity fields, component
# params, relations added and removed), new and deleted files, renamed
# and moved files, a declaration moved to another file, blank lines
# inserted above declarations, an error introduced then fixed, and
# Locus.toml changes. After every step
# the incremental build (one output folder, one cache, kept across steps)
# must give the same exit status as a clean build (fresh output folder,
# empty cache), and, when it succeeds, a byte-identical output tree. A
# failed build must leave the last good outputs untouched.
#
# Every third step waits past the racy window first, so that both ways a
# file is known unchanged are exercised: by its stat and by its content.
# Usage: diff.sh [SEED] [STEPS]; prints "incr-diff: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
LOCUSC=${LOCUSC:-$PWD/build/locusc}
GENCORPUS=${GENCORPUS:-$PWD/build/gencorpus}
SEED=${1:-20261122}
STEPS=${2:-${INCR_DIFF_STEPS:-300}}
# tmpfs when there is one: the builds fsync their cache.
T=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL incrdiff: %s\n' "$*"; }

RANDOM=$SEED
W=$T/src
OUT=$T/out
"$GENCORPUS" --files 40 --seed "$SEED" --out "$W" >/dev/null || { bad "gencorpus"; exit 1; }

# Every other step takes every rewritten output for a big one, written
# over the file it replaced two builds ago (the cache's spares).
build_incr() {
	LOCUS_WATCH_HOLD_MIN=$(( ${k:-0} % 2 ? 0 : 1048576 )) \
	"$LOCUSC" build --src "$W" --out "$OUT" --cache-dir "$T/cache" -q \
		--no-warnings 2>"$T/incr.err"
}
# The clean build makes its outputs in waves of 16 (written and stored
# as they are made), the incremental one mostly in one.
build_clean() {
	rm -rf "$T/clean" "$T/cleancache"
	LOCUS_GEN_WAVE=16 "$LOCUSC" build --src "$W" --out "$T/clean" \
		--cache-dir "$T/cleancache" -q --no-warnings 2>"$T/clean.err"
}
# Outputs written only when absent belong to the user afterwards.
same_tree() {
	diff -r -x package.json -x tsconfig.json -x README.md "$1" "$2" >"$T/diff.out" 2>&1
}

pick_file() { # a random .locus file (optionally under $1)
	find "$W/${1:-}" -name '*.locus' -type f | LC_ALL=C sort >"$T/files"
	n=$(wc -l <"$T/files")
	[ "$n" -gt 0 ] || return 1
	sed -n "$((RANDOM % n + 1))p" "$T/files"
}

broken=""
step_desc=""
do_step() { # k
	k=$1
	if [ -n "$broken" ]; then
		# Fix the error introduced by the previous step.
		cp "$T/broken.orig" "$broken"
		step_desc="fix the error in ${broken#$W/}"
		broken=""
		return
	fi
	op=$((RANDOM % 17))
	case $op in
	0 | 1) "$GENCORPUS" --edit leaf --dir "$W" --step "$k" >/dev/null
		step_desc="edit a page body (leaf $k)" ;;
	2) "$GENCORPUS" --edit interface --dir "$W" --step "$k" >/dev/null
		step_desc="edit an interface ($k)" ;;
	3 | 12 | 13) "$GENCORPUS" --edit add --dir "$W" --step "$k" >/dev/null
		step_desc="add a page file ($k)" ;;
	4) "$GENCORPUS" --edit delete --dir "$W" --step "$k" >/dev/null
		step_desc="delete a page file ($k)" ;;
	5) f=$(pick_file) || return
		d=$(dirname "$f")
		mv "$f" "$d/renamed_$k.locus"
		step_desc="rename ${f#$W/}" ;;
	6) f=$(pick_file) || return
		mkdir -p "$W/moved/d$((k % 3))"
		mv "$f" "$W/moved/d$((k % 3))/$(basename "$f")"
		step_desc="move ${f#$W/} to another folder" ;;
	7) # Move every declaration of one file (pages, stores, flows:
		# no file-local aliases) to the end of another.
		f=$(pick_file pages) || return
		g=$(pick_file stores) || return
		[ "$f" != "$g" ] || return
		{ printf '\n'; cat "$f"; } >>"$g"
		rm "$f"
		step_desc="move the declarations of ${f#$W/} into ${g#$W/}" ;;
	8) f=$(pick_file) || return
		{ printf '\n\n\n'; cat "$f"; } >"$T/tmp" && cat "$T/tmp" >"$f"
		step_desc="insert blank lines in ${f#$W/}" ;;
	9) f=$(pick_file) || return
		cp "$f" "$T/broken.orig"
		printf '\npage Broken%s {\n  ui { <div>{nope</div> }\n' "$k" >>"$f"
		broken=$f
		step_desc="introduce an error in ${f#$W/}" ;;
	10) case $((RANDOM % 3)) in
		0) printf '[app]\nname = "app%s"\n' "$k" >"$W/Locus.toml" ;;
		1) rm -f "$W/Locus.toml" ;;
		2) printf '[app]\nname = "auth%s"\n\n[auth]\njwtSecret = "s%s"\n' "$k" "$k" >"$W/Locus.toml" ;;
		esac
		step_desc="change Locus.toml" ;;
	11) # A body edit by hand: change a text in some component.
		f=$(pick_file components) || return
		sed -i "0,/<Text>/s/<Text>/<Text>v$k /" "$f"
		step_desc="edit a component body in ${f#$W/}" ;;
	14 | 15) # A new relation on an entity: its model, its target's
		# (back-relations, names) and their neighbours' fragments.
		f=$(pick_file data) || return
		grep -ho 'entity E[0-9]*' $(find "$W" -name '*.locus') |
			sed 's/entity //' | LC_ALL=C sort -u >"$T/ents"
		n=$(wc -l <"$T/ents")
		[ "$n" -gt 0 ] || return
		t=$(sed -n "$((RANDOM % n + 1))p" "$T/ents")
		case $((RANDOM % 3)) in
		0) line="    rel$k: has_many $t" ;;
		1) line="    rel$k: has_one $t" ;;
		2) line="    rel$k: belongs_to $t? on_delete: set_null\n    rel${k}Id: Integer?" ;;
		esac
		sed -i "0,/^  entity E[0-9]* {\$/s//&\n$line/" "$f"
		step_desc="add a relation to $t in ${f#$W/}" ;;
	16) # A relation removed (declared or added by step 14).
		f=$(pick_file data) || return
		sed -i '0,/: has_many E[0-9]*$/{/: has_many E[0-9]*$/d}' "$f"
		step_desc="remove a has_many from ${f#$W/}" ;;
	esac
}

build_incr; first=$?
[ $first = 0 ] && ok || { bad "first build failed"; cat "$T/incr.err"; exit 1; }
cp -r "$OUT" "$T/good"
k=1
while [ $k -le "$STEPS" ]; do
	do_step $k
	[ $((k % 3)) = 0 ] && sleep 0.12
	build_incr; ri=$?
	build_clean; rc=$?
	if [ $ri != $rc ]; then
		bad "step $k ($step_desc): incremental exit $ri, clean exit $rc"
		head -5 "$T/incr.err" "$T/clean.err"
	elif [ $ri = 0 ]; then
		if same_tree "$OUT" "$T/clean"; then
			ok
			rm -rf "$T/good" && cp -r "$OUT" "$T/good"
		else
			bad "step $k ($step_desc): output differs from a clean build"
			head -20 "$T/diff.out"
			# Go on from a correct tree to find more.
			rm -rf "$OUT" "$T/cache" && build_incr
		fi
	else
		# Errors: nothing written, the last good outputs stay.
		if same_tree "$OUT" "$T/good"; then ok; else
			bad "step $k ($step_desc): a failed build changed the outputs"
			head -10 "$T/diff.out"
		fi
	fi
	k=$((k + 1))
done
printf 'incrdiff: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" = 0 ]
