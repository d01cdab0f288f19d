#!/bin/sh
# run.sh - scenario tests of `locusc watch`. Each suite starts a watch on a
# copy of examples/library in the background, edits the sources and waits
# (bounded, polling) until the watched output equals a clean `locusc build`
# of the same sources (diff -r, nothing excluded). The suites run with
# file events, with LOCUS_WATCH_FORCE_POLL=1 (the polling fallback) and
# with the watch limit hit in the middle of a session.
# Prints one line per failure and "watch: N passed, M failed" at the end.
set -u
cd "$(dirname "$0")/../.." || exit 2
LOCUSC=${LOCUSC:-$PWD/build/locusc}
# Seconds to wait for an expected state (builds under ASan are slower).
WAIT=${WATCH_TEST_WAIT:-20}
T=$(mktemp -d)
WPID=
cleanup() {
	[ -n "$WPID" ] && kill -KILL "$WPID" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
# Builds record themselves in the cache's log: keep it out of $HOME.
export LOCUS_CACHE_DIR="$T/cache"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL watch: %s\n' "$*"; }

# wait_for COMMAND...: true as soon as COMMAND succeeds, false after $WAIT s.
wait_for() {
	n=$((WAIT * 10))
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The current sources built from scratch into $T/ref.
clean_build() {
	rm -rf "$T/ref"
	"$LOCUSC" build --src "$S" --out "$T/ref" -q --no-warnings 2>"$T/ref.err" ||
		{ echo "    clean build failed:"; sed 's/^/    /' "$T/ref.err"; }
}
same_as_clean() { diff -r "$T/ref" "$O" >/dev/null 2>&1; }
in_log() { grep -qs -- "$1" "$L"; }
show_diff() { diff -r "$T/ref" "$O" | head -10 | sed 's/^/    /'; tail -5 "$L" | sed 's/^/    log: /'; }

# Waits until the watched output equals a clean build of the sources.
expect_clean() { # what
	clean_build
	if wait_for same_as_clean; then ok; else bad "$MODE: $1: output differs from a clean build"; show_diff; fi
}

# The process has exited (or is a zombie waiting for `wait`).
gone() {
	[ ! -e "/proc/$WPID" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$WPID/stat" 2>/dev/null
}

# Ready to watch, or dead (the wait need not run out then).
started() { grep -qs '^\[watch\] \(watching\|rescanning\)' "$L" || gone; }
started_ok() { grep -qs '^\[watch\] \(watching\|rescanning\)' "$L" && ! gone; }

start_watch() { # mode env-assignments...
	MODE=$1
	shift
	S="$T/$MODE/src"
	O="$T/$MODE/out"
	L="$T/$MODE/log"
	mkdir -p "$T/$MODE"
	cp -r examples/library "$S"
	env "$@" "$LOCUSC" watch --src "$S" --out "$O" --no-warnings --color never ${WATCH_ARGS:-} >"$L" 2>&1 &
	WPID=$!
	wait_for started
	if started_ok; then ok; else
		bad "$MODE: watch did not start"; sed 's/^/    /' "$L"; return 1
	fi
	expect_clean "initial build"
}

stop_watch() {
	kill -TERM "$WPID" 2>/dev/null
	n=$((WAIT * 10))
	while [ "$n" -gt 0 ] && ! gone; do sleep 0.1; n=$((n - 1)); done
	if gone; then
		wait "$WPID"
		code=$?
		[ "$code" = 0 ] && ok || { bad "$MODE: SIGTERM: exit $code, expected 0"; tail -20 "$L"; }
		in_log '^\[watch\] stopped' && ok || bad "$MODE: no 'stopped' line"
	else
		bad "$MODE: still running ${WAIT} s after SIGTERM"
		kill -KILL "$WPID" 2>/dev/null
		wait "$WPID"
	fi
	WPID=
}

page() { # name: a small page declaration
	printf 'page %s {\n  ui { <p>%s</p> }\n}\n' "$1" "$1"
}

# The edits every mode goes through.
scenarios() {
	p="$S/ui/pages/account.locus"

	# An editor's atomic save: write a temporary file, rename it over.
	{ cat "$p"; page ZzAtomic; } >"$S/ui/pages/x.tmp"
	mv "$S/ui/pages/x.tmp" "$p"
	expect_clean "atomic-rename save"
	[ -f "$O/react/pages/ZzAtomic.tsx" ] && ok || bad "$MODE: atomic save: page not generated"
	wait_for in_log '^\[watch\] ui/pages/account.locus changed: rebuilt in [0-9]* ms, [0-9]* files\{0,1\} written' &&
		ok || { bad "$MODE: atomic save: no one-line report"; tail -3 "$L"; }

	# A new folder (with a folder inside) and pages in it, right away.
	mkdir -p "$S/extra/deep"
	page ZzDeep >"$S/extra/deep/zz.locus"
	page ZzExtra >"$S/extra/yy.locus"
	expect_clean "new folders with files"
	[ -f "$O/react/pages/ZzDeep.tsx" ] && [ -f "$O/react/pages/ZzExtra.tsx" ] && ok ||
		bad "$MODE: new folder: pages not generated"

	# A file written into the new folder later (its watch must exist).
	page ZzLater >"$S/extra/deep/later.locus"
	expect_clean "file in a new folder"

	# Deletes: one file, then a whole folder.
	rm "$S/extra/deep/zz.locus"
	expect_clean "delete"
	[ ! -e "$O/react/pages/ZzDeep.tsx" ] && ok || bad "$MODE: delete: stale page left"
	wait_for in_log '^\[watch\] extra/deep/zz.locus deleted: ' && ok || bad "$MODE: delete: no report line"
	rm -rf "$S/extra"
	expect_clean "folder delete"

	# An error keeps the last good outputs; the fix recovers.
	cp "$p" "$T/orig.locus"
	clean_build
	printf 'page Broken {\n  ui { <p>{missing</p> }\n}\n' >>"$p"
	if wait_for in_log 'last good build is kept'; then ok; else bad "$MODE: error: no report"; tail -5 "$L"; fi
	in_log 'account.locus:[0-9]*:[0-9]*: error\[E' && ok || bad "$MODE: error: diagnostic not printed"
	same_as_clean && ok || { bad "$MODE: error: outputs changed by a build with errors"; show_diff; }
	cp "$T/orig.locus" "$p"
	expect_clean "fix after an error"
	# The outputs equal the clean build before the fix is rebuilt (a
	# build with errors writes nothing): wait for the report itself.
	wait_for in_log '^\[watch\] ui/pages/account.locus changed: errors fixed, rebuilt' && ok ||
		bad "$MODE: fix: recovery not reported"

	# An output deleted by hand while watch is idle is put back (watch
	# looks at the output folders every second).
	victim=$(cd "$O" && find react -name '*.tsx' | sort | head -n 1)
	rm -f "$O/$victim"
	expect_clean "an output deleted by hand"
	wait_for in_log '^\[watch\] output folder changed on disk: rebuilt' && ok ||
		bad "$MODE: deleted output: no rebuild reported"
	# A page named like one in an unchanged file: the project check,
	# which takes that file's summaries from memory (watch keeps them),
	# reports the duplicate; removing it recovers.
	page ZzAtomic >"$S/ui/dup.locus"
	if wait_for in_log "error\\[E0801\\]: page 'ZzAtomic' declared twice"; then ok; else
		bad "$MODE: duplicate across files not reported"; tail -5 "$L"; fi
	rm "$S/ui/dup.locus"
	expect_clean "duplicate removed"
	# An entity's new field (its summary moves, the plan does not).
	sed -i 's/^  entity Member {$/&\n    zzShoeSize: Integer?/' "$S/data/members.locus"
	expect_clean "an entity's new field"
	grep -q 'zzShoeSize Int?' "$O/prisma/schema.prisma" && ok || bad "$MODE: entity field: not in the schema"
}

# Files that must not be picked up: editors' temporaries, hidden files and
# folders, node_modules. The edit after them must be reported alone.
ignored_files() {
	mkdir -p "$S/node_modules/pkg" "$S/.hidden"
	page ZzNodeModules >"$S/node_modules/pkg/nm.locus"
	page ZzHidden >"$S/.hidden/h.locus"
	page ZzDot >"$S/.dot.locus"
	page ZzSwap >"$S/ui/.account.locus.swp"
	echo x >"$S/ui/4913"
	echo x >"$S/ui/account.locus~"
	sleep 0.3 # longer than the quiet window: the edit below is a new rebuild
	before=$(grep -c '^\[watch\]' "$L")
	page ZzAfterIgnored >>"$S/ui/theme.locus"
	expect_clean "edit after ignored files"
	wait_for in_log '^\[watch\] ui/theme.locus changed:'
	sleep 0.3 # a stray rebuild of the ignored files would show by now
	after=$(grep -c '^\[watch\]' "$L")
	last=$(grep '^\[watch\]' "$L" | tail -n 1)
	[ $((after - before)) = 1 ] && case $last in "[watch] ui/theme.locus changed:"*) true ;; *) false ;; esac &&
		ok || { bad "$MODE: ignored files: unexpected reports"; tail -4 "$L"; }
	[ ! -e "$O/react/pages/ZzNodeModules.tsx" ] && [ ! -e "$O/react/pages/ZzHidden.tsx" ] && ok ||
		bad "$MODE: ignored files were built"
}

# ---- file events ----
if start_watch events; then
	scenarios
	ignored_files
	stop_watch
else
	stop_watch
fi

# ---- the quiet window: a long one (3 s) ----
# A finished save (renamed into place) waits a tenth of it; a file still
# open for writing waits all of it, so its first half is not built.
if WATCH_ARGS="--debounce 3000" start_watch settle; then
	p="$S/ui/pages/account.locus"
	before=$(grep -c '^\[watch\]' "$L")
	{ cat "$p"; page ZzSettle; } >"$S/ui/pages/x.tmp"
	mv "$S/ui/pages/x.tmp" "$p"
	sleep 1.5
	[ "$(grep -c '^\[watch\]' "$L")" -gt "$before" ] && ok ||
		bad "settle: a save renamed into place waited the whole window"
	expect_clean "settle: renamed save"
	before=$(grep -c '^\[watch\]' "$L")
	exec 3>>"$p"
	printf 'page ZzHalf {\n' >&3
	sleep 1.5
	[ "$(grep -c '^\[watch\]' "$L")" = "$before" ] && ok ||
		{ bad "settle: a file open for writing was built before the window ended"; tail -3 "$L"; }
	printf '  ui { <p>half</p> }\n}\n' >&3
	exec 3>&-
	expect_clean "settle: a write finished after a pause"
	in_log 'error' && bad "settle: the half-written file was built" || ok
	stop_watch
else
	stop_watch
fi

# ---- the polling fallback, forced ----
# (The state's strings are also moved to a fresh arena after every
# rebuild here, as watch does now and then in a long session.)
if start_watch poll LOCUS_WATCH_FORCE_POLL=1 LOCUS_WATCH_TIDY_ALWAYS=1; then
	in_log 'warning: LOCUS_WATCH_FORCE_POLL is set; watch falls back to rescanning' && ok ||
		bad "poll: no warning about polling"
	scenarios
	stop_watch
else
	stop_watch
fi

# ---- replaced files held open until after the line ----
# In watch, a large output (the manifest of a big project) keeps the file
# it replaces open until the rebuild's line is out; LOCUS_WATCH_HOLD_MIN=0
# does it for every output. Once a rebuild is reported, no replaced
# (deleted) file may stay open, and the open files do not pile up.
deleted_fds() { ls -l "/proc/$WPID/fd" 2>/dev/null | grep -c '(deleted)'; }
no_deleted_fds() { [ "$(deleted_fds)" = 0 ]; }
nfds() { ls "/proc/$WPID/fd" 2>/dev/null | wc -l; }
# (With --timings: the phases' line and the heap line after each build.)
if WATCH_ARGS="--timings" start_watch held LOCUS_WATCH_HOLD_MIN=0; then
	p="$S/ui/pages/account.locus"
	fds0=$(nfds)
	for k in 1 2 3 4 5; do
		{ cat "$p"; page "ZzHeld$k"; } >"$S/ui/pages/x.tmp"
		mv "$S/ui/pages/x.tmp" "$p"
		expect_clean "held files: save $k"
		if wait_for no_deleted_fds; then ok; else
			bad "held: save $k: $(deleted_fds) replaced files still open"
			ls -l "/proc/$WPID/fd" | grep deleted | head -5 | sed 's/^/    /'
		fi
	done
	# An entity's new field rewrites many outputs (past the eight held).
	sed -i 's/^  entity Member {$/&\n    zzHeld: Integer?/' "$S/data/members.locus"
	expect_clean "held files: many outputs replaced"
	wait_for no_deleted_fds && ok || bad "held: many outputs: replaced files still open"
	[ "$(nfds)" -le "$fds0" ] && ok || bad "held: $fds0 open files after the first build, $(nfds) now"
	builds=$(grep -c '^\[watch\] .*built in [0-9]* ms' "$L")
	[ "$(grep -c '^\[watch\]   .*write [0-9.]*.* ms$' "$L")" = "$builds" ] && ok ||
		{ bad "held: --timings: not one phases line per build ($builds builds)"; tail -4 "$L"; }
	[ "$(grep -c '^\[watch\]   heap [0-9.]* MB in use, [0-9.]* MB free in the allocator$' "$L")" = "$builds" ] && ok ||
		{ bad "held: --timings: not one heap line per build ($builds builds)"; tail -4 "$L"; }
	stop_watch
else
	stop_watch
fi

# ---- the watch limit reached in the middle of a session ----
ndirs=$(find examples/library -type d | wc -l)
if start_watch limit LOCUS_WATCH_MAX_DIRS="$ndirs"; then
	mkdir -p "$S/more"
	page ZzMore >"$S/more/m.locus"
	expect_clean "new folder past the watch limit"
	wait_for in_log 'warning: cannot watch .*inotify watch limit' && ok ||
		{ bad "limit: no warning about the watch limit"; tail -5 "$L"; }
	page ZzMore2 >"$S/more/m2.locus"
	expect_clean "edit after the fallback"
	stop_watch
else
	stop_watch
fi

# ---- usage ----
"$LOCUSC" watch --src "$T/does-not-exist" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "usage: missing source folder is not exit 2"
"$LOCUSC" watch --debounce x >/dev/null 2>&1
[ $? = 2 ] && ok || bad "usage: bad --debounce is not exit 2"
"$LOCUSC" help watch | grep -q -- '--debounce MS' && ok || bad "usage: help watch lacks --debounce"

echo "watch: $pass passed, $fail failed"
[ "$fail" = 0 ]
