#!/bin/sh
# run-bench.sh - the build benchmark behind `make bench`, `make bench-quick`
# and `make bench-check` (see bench/README.md).
#
# For each size in BENCH_FILES (default "1000 10000") it generates the
# corpus once into build/bench/corpus-N (bench/gencorpus, seed 1), copies
# it to build/bench/work-N (edits change the copy, never the corpus) and
# times six scenarios with bench/runbench:
#   cold            output folder (and --cache-dir, once locusc has one)
#                   deleted before each run
#   warm            output deleted, cache kept
#   noop            nothing changed since the last build
#   edit_leaf       one page's UI text edited before each run
#   edit_interface  one entity field or component param added before each run
#   check           locusc check
# Each scenario: BENCH_WARMUP (default 1) unrecorded runs, then BENCH_RUNS
# (default 7) recorded ones. Results go to BENCH_JSON (default
# bench/results/latest.json); a table is printed at the end.
#
#   run-bench.sh             measure
#   run-bench.sh --check     measure, then compare with bench/baseline.json
#                            (BENCH_BASELINE) and fail past the tolerance:
#                            median +BENCH_TOLERANCE% (25) and more than
#                            +BENCH_FLOOR_MS (25) ms, or peak RSS +25% and
#                            more than +8 MB
#
# Other knobs: BENCH_PAUSE (seconds to wait after each edit, untimed,
# before its build: a developer's rhythm, not back to back; default 0;
# see bench/README.md for why it matters in a VM),
# BENCH_SCENARIOS (a subset, in order; default all six),
# BENCH_KEEP=1 (keep the results already in the JSON file that this run
# does not remeasure), BENCH_JOBS (locusc -j; default: locusc's own, the CPU count),
# LOCUSC (the compiler, default build/locusc), BENCH_SCRATCH (where the
# working copy, the output and the cache live; default a fresh folder in
# /dev/shm, so the figures are the compiler's and not the disk's: on this
# VM's ext4, mounted with `discard`, creating a file after a large delete
# costs from 0.05 to 0.8 ms and swings minute to minute; set
# BENCH_SCRATCH=build/bench to measure on disk).
set -eu
cd "$(dirname "$0")/.."

mode=${1:-measure}
sizes=${BENCH_FILES:-"1000 10000"}
scenarios=${BENCH_SCENARIOS:-"cold warm noop edit_leaf edit_interface check"}
runs=${BENCH_RUNS:-7}
warmup=${BENCH_WARMUP:-1}
json=${BENCH_JSON:-bench/results/latest.json}
baseline=${BENCH_BASELINE:-bench/baseline.json}
locusc=${LOCUSC:-$PWD/build/locusc}
gen=$PWD/build/gencorpus
runbench=$PWD/build/runbench
jobs=""
[ -n "${BENCH_JOBS:-}" ] && jobs="-j $BENCH_JOBS"
pause=""
case ${BENCH_PAUSE:-0} in
0) ;;
*[!0-9.]*) echo "BENCH_PAUSE: not a number of seconds" >&2; exit 2 ;;
*) pause=" && sleep $BENCH_PAUSE" ;;
esac

mkdir -p build/bench
# A private copy of the compiler: others may rebuild build/locusc while a
# long run is going.
cp "$locusc" build/bench/locusc.$$
locusc=$PWD/build/bench/locusc.$$
scratch=""
trap 'rm -f "$locusc" "build/bench/results.$$.lines"; case $scratch in /dev/shm/locusc-bench-*) rm -rf "$scratch";; esac' EXIT
trap 'exit 130' INT TERM

# --cache-dir arrives with the incremental cache; use it once it exists.
has_cache=0
"$locusc" help build 2>/dev/null | grep -q -- '--cache-dir' && has_cache=1

if [ -n "${BENCH_SCRATCH:-}" ]; then
	scratch=$(cd "$(dirname "$BENCH_SCRATCH")" && pwd)/$(basename "$BENCH_SCRATCH")
	mkdir -p "$scratch"
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
	scratch=/dev/shm/locusc-bench-$$
	mkdir -p "$scratch"
else
	scratch=$PWD/build/bench
fi
mkdir -p build/bench "$(dirname "$json")"
lines=build/bench/results.$$.lines
: > "$lines"
# BENCH_KEEP=1 keeps the results of other sizes already in $json, so a
# long size (100000) can be measured on its own and added to the table.
if [ "${BENCH_KEEP:-0}" = 1 ] && [ -f "$json" ]; then
	grep '"scenario"' "$json" | sed 's/^ *//; s/,$//' | while IFS= read -r l; do
		f=$(echo "$l" | sed 's/^{"files": \([0-9]*\).*/\1/')
		sc=$(echo "$l" | sed 's/.*"scenario": "\([a-z_]*\)".*/\1/')
		case " $sizes " in
		*" $f "*) case " $scenarios " in *" $sc "*) continue ;; esac ;;
		esac
		echo "$l"
	done >> "$lines"
fi

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(free -g | awk '/^Mem:/ { print $2 }') GiB;" \
	"scratch $scratch; runs $runs after $warmup warm-up; cache-dir: $([ $has_cache = 1 ] && echo yes || echo 'none (locusc has no --cache-dir yet)')"
printf '%7s %-15s %10s %10s %10s %13s\n' files scenario min_ms median_ms max_ms peak_rss

for n in $sizes; do
	corpus=build/bench/corpus-$n
	work=$scratch/work-$n
	out=$scratch/out-$n
	cache=$scratch/cache-$n
	if ! grep -qx 'version 2' "$corpus/.gencorpus" 2>/dev/null; then
		rm -rf "$corpus"
		"$gen" --files "$n" --seed 1 --out "$corpus"
	fi
	rm -rf "$work" "$out" "$cache"
	cp -a "$corpus" "$work"
	bytes=$(find "$work" -name '*.locus' -exec cat {} + | wc -c)
	if ! "$locusc" check --src "$work" -q >/dev/null 2>&1; then
		echo "the generated project does not check clean:"
		"$locusc" check --src "$work" 2>&1 | head -20
		exit 1
	fi
	copt=""
	[ $has_cache = 1 ] && copt="--cache-dir $cache"
	build="$locusc build --src $work --out $out --timings -q $jobs $copt"
	rb="$runbench --files $n --bytes $bytes --runs $runs --warmup $warmup --json $lines"

	# Scenarios that need a previous build get one (untimed) when the
	# scenario before them was not run.
	built=0
	for sc in $scenarios; do
		case $sc in noop|edit_leaf|edit_interface)
			# shellcheck disable=SC2086 # word splitting is intended
			[ $built = 1 ] || $build >/dev/null 2>&1
			built=1 ;;
		esac
		# shellcheck disable=SC2086 # word splitting of $build is intended
		case $sc in
		cold)	$rb --scenario cold --before "rm -rf '$out' '$cache'" -- $build ;;
		warm)	$rb --scenario warm --before "rm -rf '$out'" -- $build ;;
		noop)	$rb --scenario noop -- $build ;;
		edit_leaf)
			$rb --scenario edit_leaf \
				--before "'$gen' --edit leaf --dir '$work' --step \$((1000 + BENCH_ITER)) >/dev/null$pause" -- $build ;;
		edit_interface)
			$rb --scenario edit_interface \
				--before "'$gen' --edit interface --dir '$work' --step \$((2000 + BENCH_ITER)) >/dev/null$pause" -- $build ;;
		check)	$rb --scenario check -- $locusc check --src "$work" --timings -q $jobs ;;
		*)	echo "unknown scenario '$sc'"; exit 2 ;;
		esac
		case $sc in cold|warm) built=1 ;; esac
	done
	# The edits must have kept the project valid.
	if ! "$locusc" check --src "$work" -q >/dev/null 2>&1; then
		echo "the edited project no longer checks clean:"
		"$locusc" check --src "$work" 2>&1 | head -20
		exit 1
	fi
	rm -rf "$work" "$out" "$cache"
done

{
	printf '{\n  "suite": "locusc build benchmark (bench/run-bench.sh)",\n'
	printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '  "commit": "%s",\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	printf '  "machine": {"cpus": %s, "mem_gib": %s, "cpu": "%s", "kernel": "%s"},\n' \
		"$(nproc)" "$(free -g | awk '/^Mem:/ { print $2 }')" \
		"$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" "$(uname -r)"
	printf '  "scratch": "%s (%s)",\n' "$scratch" "$(df -T "$scratch" | awk 'NR == 2 { print $2 }')"
	printf '  "runs": %s, "warmup": %s, "jobs": "%s", "pause_s": %s, "cache_dir": %s,\n' \
		"$runs" "$warmup" "${BENCH_JOBS:-default}" "${BENCH_PAUSE:-0}" \
		"$([ $has_cache = 1 ] && echo true || echo false)"
	printf '  "results": [\n'
	sed 's/^/    /; $!s/$/,/' "$lines"
	printf '  ]\n}\n'
} > "$json.tmp"
mv "$json.tmp" "$json"
echo
"$runbench" --table "$json"
echo "wrote $json"

if [ "$mode" = --check ]; then
	echo
	"$runbench" --compare "$baseline" "$json" \
		--tolerance "${BENCH_TOLERANCE:-25}" --floor-ms "${BENCH_FLOOR_MS:-25}"
fi
