#!/bin/sh
# typecheck.sh [APP_SRC_DIR...] - the generated apps pass the real tools.
#
# For each Locus project (default: every examples/*/ and, when present,
# every tests/golden/*/input/), runs `locusc build` into
# build/typecheck/<name> and checks that:
#   - every package the generated package.json names is pinned by
#     tests/node/package.json at a version its range accepts;
#   - Prisma's schema validator (@prisma/prisma-schema-wasm) accepts
#     prisma/schema.prisma;
#   - `prisma generate` succeeds (offline: no engine is downloaded);
#   - `tsc --noEmit -p <out>` and, when there is a Next app,
#     `tsc --noEmit -p <out>/next-app` report no errors.
# First of all it type-checks runtime/ (the react/runtime/ sources) alone
# with tsc --strict (tests/node/tsconfig.runtime.json).
#
# Node tooling comes from tests/node/package-lock.json, installed with
# `npm ci` into build/node on first use and reused while the lockfile is
# unchanged. Environment: LOCUSC (default build/locusc).
#
# Prints one line per check, then "N passed, M failed"; exits 1 on any
# failure (2 when node/npm or the tooling is unavailable).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
# Builds record themselves in the cache's log: keep test runs out of $HOME.
export LOCUS_CACHE_DIR="${LOCUS_CACHE_DIR:-$ROOT/build/typecheck/cache}"
LOCUSC=${LOCUSC:-$ROOT/build/locusc}
NODE_DIR=$ROOT/build/node
OUT_ROOT=$ROOT/build/typecheck
TOOLS=$ROOT/tests/node
TSC=$NODE_DIR/node_modules/.bin/tsc
PRISMA=$NODE_DIR/node_modules/.bin/prisma

passed=0
failed=0
LOG=$(mktemp "${TMPDIR:-/tmp}/locus-typecheck.XXXXXX")
trap 'rm -f "$LOG"' EXIT INT TERM

ok() {
	passed=$((passed + 1))
	printf 'ok    %s\n' "$1"
}

# bad NAME: counts a failure and shows the captured output, indented.
bad() {
	failed=$((failed + 1))
	printf 'FAIL  %s\n' "$1"
	sed -e 's/^/      /' "$LOG" | head -n "${TYPECHECK_LOG_LINES:-80}"
}

# check NAME CMD...: runs CMD with its output captured.
check() {
	what=$1
	shift
	if "$@" >"$LOG" 2>&1; then
		ok "$what"
		return 0
	fi
	bad "$what"
	return 1
}

# ---- node and the pinned tooling ----

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "typecheck: installing the Debian packages nodejs and npm" >&2
		DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
	fi
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		echo "typecheck: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
		exit 2
	fi
fi

tools_current() {
	[ -f "$NODE_DIR/node_modules/.ok" ] &&
		cmp -s "$TOOLS/package.json" "$NODE_DIR/package.json" &&
		cmp -s "$TOOLS/package-lock.json" "$NODE_DIR/package-lock.json"
}

mkdir -p "$NODE_DIR"
# Concurrent runs (two worktrees' make test) install one at a time.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$NODE_DIR/.install-lock"
	flock 9
fi
if ! tools_current; then
	echo "typecheck: installing node tooling into build/node (npm ci)" >&2
	mkdir -p "$NODE_DIR"
	rm -rf "$NODE_DIR/node_modules"
	cp "$TOOLS/package.json" "$TOOLS/package-lock.json" "$NODE_DIR/"
	# --ignore-scripts: nothing here needs an install script, and Prisma's
	# would try to download engines.
	if ! (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
		>"$NODE_DIR/npm-ci.log" 2>&1; then
		sed -e 's/^/  /' "$NODE_DIR/npm-ci.log" >&2
		echo "typecheck: npm ci failed (is the npm registry reachable?)" >&2
		exit 2
	fi
	: >"$NODE_DIR/node_modules/.ok"
fi
# Generated clients live in each app's own node_modules (see below).
rm -rf "$NODE_DIR/node_modules/.prisma"
if command -v flock >/dev/null 2>&1; then
	flock -u 9
	exec 9>&-
fi

# `prisma generate` only needs the engines' paths, never runs them: point
# it at empty placeholder files so it downloads nothing.
mkdir -p "$NODE_DIR/offline-engines"
: >"$NODE_DIR/offline-engines/schema-engine"
: >"$NODE_DIR/offline-engines/libquery_engine-offline.so.node"
export PRISMA_SCHEMA_ENGINE_BINARY="$NODE_DIR/offline-engines/schema-engine"
export PRISMA_QUERY_ENGINE_LIBRARY="$NODE_DIR/offline-engines/libquery_engine-offline.so.node"
export PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
export PRISMA_GENERATE_SKIP_AUTOINSTALL=1
export CHECKPOINT_DISABLE=1
export NO_COLOR=1
export NODE_PATH="$NODE_DIR/node_modules"

# ---- runtime/ alone, strict ----

# Checked from a copy under build/node so that 'react', 'express' and the
# @types packages resolve from build/node/node_modules.
RT=$NODE_DIR/runtime-check
rm -rf "$RT"
mkdir -p "$RT"
cp -R runtime "$RT/runtime"
cp "$TOOLS/tsconfig.runtime.json" "$RT/tsconfig.json"
check "runtime: tsc --strict (tests/node/tsconfig.runtime.json)" "$TSC" -p "$RT/tsconfig.json" &&
	check "runtime: behaviour (tests/node/runtime-smoke.js)" sh -c \
		'"$1" -p "$2/tsconfig.json" --noEmit false --outDir "$2/out" && node "$3" "$2/out"' \
		sh "$TSC" "$RT" "$TOOLS/runtime-smoke.js"

# ---- the apps ----

# link_node_modules OUT: OUT/node_modules with a symlink to every package
# of build/node except @prisma/client, which is copied, so that `prisma
# generate` writes this app's client into OUT/node_modules/.prisma and
# apps (and concurrent runs) never share a generated client.
link_node_modules() {
	nm=$1/node_modules
	mkdir -p "$nm/@prisma"
	for p in "$NODE_DIR"/node_modules/* "$NODE_DIR"/node_modules/.bin; do
		case ${p##*/} in
		@prisma) ;;
		*) ln -s "$p" "$nm/${p##*/}" ;;
		esac
	done
	for p in "$NODE_DIR"/node_modules/@prisma/*; do
		case ${p##*/} in
		client) cp -R "$p" "$nm/@prisma/client" ;;
		*) ln -s "$p" "$nm/@prisma/${p##*/}" ;;
		esac
	done
}

if [ $# -eq 0 ]; then
	for d in examples/*/ tests/golden/*/input/; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
fi

if [ ! -x "$LOCUSC" ]; then
	echo "typecheck: $LOCUSC is missing (run make)" >&2
	exit 2
fi

for src in "$@"; do
	src=${src%/}
	case $src in
	*/input) name=$(basename "$(dirname "$src")") ;;
	*) name=$(basename "$src") ;;
	esac
	case $src in
	tests/golden/* | */tests/golden/*) name=golden-$name ;;
	esac
	out=$OUT_ROOT/$name
	rm -rf "$out"
	mkdir -p "$OUT_ROOT"

	check "$name: locusc build" "$LOCUSC" build --src "$src" --out "$out" || continue

	if [ -f "$out/package.json" ]; then
		check "$name: package.json names only pinned tooling" \
			node "$TOOLS/check-deps.js" "$out/package.json" "$TOOLS/package.json"
	else
		echo "no package.json in $out" >"$LOG"
		bad "$name: package.json names only pinned tooling"
	fi

	check "$name: prisma schema validates" node "$TOOLS/validate-schema.js" "$out/prisma/schema.prisma"

	link_node_modules "$out"
	# Prisma refuses to generate a client for a schema without models; an
	# app without entities has no API to type against, so the step is
	# not run (and not counted) there.
	if grep -q '^model ' "$out/prisma/schema.prisma"; then
		check "$name: prisma generate (offline)" \
			sh -c 'cd "$1" && "$2" generate --schema prisma/schema.prisma' sh "$out" "$PRISMA"
	else
		echo "note  $name: no models, prisma generate not applicable"
	fi

	check "$name: tsc --noEmit -p ." "$TSC" --noEmit -p "$out"
	if [ -f "$out/next-app/tsconfig.json" ]; then
		check "$name: tsc --noEmit -p next-app" "$TSC" --noEmit -p "$out/next-app"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
