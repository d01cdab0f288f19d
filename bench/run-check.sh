#!/bin/sh
# run-check.sh - the front-end benchmark behind `make bench`: generates
# projects of 1,000 and 10,000 files (BENCH_FILES overrides the list) and
# measures `locusc check` (min / median / max of BENCH_RUNS runs after a
# warm-up) and the single-core throughput of lex, split and parse.
set -eu
cd "$(dirname "$0")/.."
sizes=${BENCH_FILES:-"1000 10000"}
runs=${BENCH_RUNS:-7}
mkdir -p build/bench
for n in $sizes; do
	dir=build/bench/corpus-$n
	[ -d "$dir" ] || ./build/gencorpus --files "$n" --seed 1 --out "$dir"
	bytes=$(find "$dir" -name '*.locus' -exec cat {} + | wc -c)
	echo "== $n files, $bytes bytes"
	./build/locusc check --src "$dir" -q >/dev/null 2>&1 || {
		echo "the generated project does not check clean:"; ./build/locusc check --src "$dir" 2>&1 | head -20; exit 1; }
	for j in 1 2; do
		times=""
		i=0
		while [ $i -lt "$runs" ]; do
			t0=$(date +%s%N)
			./build/locusc check --src "$dir" -q -j $j >/dev/null 2>&1
			t1=$(date +%s%N)
			times="$times $(( (t1 - t0) / 1000 ))"
			i=$((i + 1))
		done
		echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v j=$j '
			{ v[NR] = $1 } END { printf "check -j%d: min %.1f ms, median %.1f ms, max %.1f ms\n", j, v[1]/1000, v[int((NR+1)/2)]/1000, v[NR]/1000 }'
	done
	./build/frontbench --src "$dir" --runs 3
done
