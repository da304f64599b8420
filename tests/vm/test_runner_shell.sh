#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Rules for the files dom0's runner sources into its own shell (the
# scenarios, the bench, the probe's scenario, the demo, dom0/lib.sh).
# That shell has the health watch running in the background for the whole
# run, so a bare "wait" (every child) never returns: the run hangs with
# dom0 idle until QEMU's timeout. Wait for a job's pid instead.
set -u
# "wait" alone, or followed only by options, a redirection or a separator.
BARE_WAIT='(^|[;&|(]|then|do|else)[[:space:]]*wait([[:space:]]+-[a-z]+)*[[:space:]]*($|[;&|)>])'
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
for f in tests/vm/scenarios/*.sh tests/vm/bench/70-bench.sh \
	tools/pcibk-probe/vm/60-probe.sh tests/vm/demo/*.sh tests/vm/dom0/lib.sh; do
	if [ ! -f "$f" ]; then
		echo "FAIL: $f: missing (moved? update this list)"
		fail=$((fail + 1))
		continue
	fi
	# Comments stripped first.
	hits=$(sed 's/#.*//' "$f" | grep -nE "$BARE_WAIT")
	if [ -n "$hits" ]; then
		echo "FAIL: $f: a bare wait (also waits for the health watch):"
		printf '    %s\n' "$hits"
		fail=$((fail + 1))
	else
		echo "PASS: $f: no bare wait"
		pass=$((pass + 1))
	fi
done
# The rule itself must catch what it is for, and only that.
# rule_case yes|no LINE: does BARE_WAIT flag LINE?
rule_case() {
	local got=no
	echo "$2" | grep -qE "$BARE_WAIT" && got=yes
	if [ "$got" = "$1" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: the rule says $got for: $2"
		fail=$((fail + 1))
	fi
}
for line in '	wait' 'sleep 1 & wait' 'x; wait >/dev/null' 'if :; then wait; fi'; do
	rule_case yes "$line"
done
# shellcheck disable=SC2016 # the text of shell lines, not to expand
for line in '	wait "$attach"' 'wait $!' 'wait_for_x' 'retry 5 waitpid'; do
	rule_case no "$line"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
