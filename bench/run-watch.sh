#!/bin/sh
# run-watch.sh - `make bench-watch`: save-to-output latency and memory of
# `locusc watch` (bench/watchbench.c) on generated projects.
#
# For each size in WATCH_FILES (default "1000 10000") it generates the
# corpus once (build/bench/corpus-N, as run-bench.sh does), copies it to a
# scratch folder in /dev/shm, and runs watchbench with WATCH_EDITS saves
# (default 1000) on a fresh output folder and cache. One line per size.
set -eu
cd "$(dirname "$0")/.."
sizes=${WATCH_FILES:-"1000 10000"}
edits=${WATCH_EDITS:-1000}
locusc=$PWD/build/locusc
scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p build)
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
for n in $sizes; do
	corpus=build/bench/corpus-$n
	if ! grep -qx 'version 2' "$corpus/.gencorpus" 2>/dev/null; then
		rm -rf "$corpus"
		build/gencorpus --files "$n" --seed 1 --out "$corpus" >/dev/null
	fi
	rm -rf "$scratch/src" "$scratch/out" "$scratch/cache"
	cp -r "$corpus" "$scratch/src"
	printf '%6d files: ' "$n"
	build/watchbench --locusc "$locusc" --src "$scratch/src" \
		--out "$scratch/out" --cache-dir "$scratch/cache" --edits "$edits"
done
