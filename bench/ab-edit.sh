#!/bin/sh
# ab-edit.sh A B [RUNS [KIND]] - one-declaration edits at 10,000 files,
# two compilers side by side on equal cache histories.
#
# Each compiler gets its own copy of the 10,000-file corpus, output folder
# and cache (in /dev/shm when there is one) and a cold build; then RUNS
# times (default 20), in turn, an edit (gencorpus --edit KIND, default
# leaf: a page's text; interface: an entity's field or a component's
# param, by turns; the same step for both) and a build, whose time is read from the summary
# line ("... in N ms"). Prints each compiler's times, sorted, and the
# median. Alternating the two spreads the host's slow moments over both.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/ab-edit.sh LOCUSC_A LOCUSC_B [RUNS [leaf|interface]]" >&2; exit 2; }
cd "$(dirname "$0")/.."
a=$(realpath "$1")
b=$(realpath "$2")
runs=${3:-20}
kind=${4:-leaf}
corpus=build/bench/corpus-10000
make -s build/gencorpus
if ! grep -qx 'version 2' "$corpus/.gencorpus" 2>/dev/null; then
	rm -rf "$corpus"
	build/gencorpus --files 10000 --seed 1 --out "$corpus" >/dev/null
fi
scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p build)
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
for v in a b; do
	cp -r "$corpus" "$scratch/$v-src"
	eval bin=\$$v
	LOCUS_CACHE_DIR="$scratch/$v-cache" "$bin" build -q \
		--src "$scratch/$v-src" --out "$scratch/$v-out"
	: >"$scratch/$v.ms"
done
r=1
while [ "$r" -le "$runs" ]; do
	for v in a b; do
		eval bin=\$$v
		build/gencorpus --edit "$kind" --dir "$scratch/$v-src" \
			--step $((7000 + r)) >/dev/null
		LOCUS_CACHE_DIR="$scratch/$v-cache" "$bin" build \
			--src "$scratch/$v-src" --out "$scratch/$v-out" 2>&1 |
			sed -n 's/.* in \([0-9]*\) ms.*/\1/p' >>"$scratch/$v.ms"
	done
	r=$((r + 1))
done
for v in a b; do
	eval bin=\$$v
	sort -n "$scratch/$v.ms" | awk -v name="$bin" '
		{ t[NR] = $1; s = s " " $1 }
		END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		      printf "%s: median %s ms;%s\n", name, m, s }'
done
