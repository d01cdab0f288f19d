#!/bin/sh
# refresh.sh - rebuild the expected trees of the golden cases after a
# deliberate change to generated text. Review `git diff tests/golden`.
set -eu
cd "$(dirname "$0")/../.."
for g in tests/golden/*/; do
	[ -d "$g/input" ] || continue
	rm -rf "$g/expected"
	./build/locusc build --src "$g/input" --out "$g/expected" -q
	rm -rf "$g/expected/react/runtime"
done
