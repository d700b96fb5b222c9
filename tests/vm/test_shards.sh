#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The quick set x 2 topologies x 2 schedulers as 3 shards and as one run: the
# shards' records together are the single run's, none twice; `stats merge` of
# the shards compares with the single run with no unpaired item.
# usage: test_shards.sh KTSTR
set -u
ktstr=$1
tmp=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "not ok: $*"; exit 1; }
# a verdict (exit 1) still leaves a record: what is checked here is which
# records there are, so only exit 2 and above fail
ran() { code=$?; [ "$code" -le 1 ] || fail "$* exited $code"; }
set -- --topology 1n1l2c1t --topology 1n2l2c1t --scheduler eevdf --scheduler scx_ktstr \
	--duration 1 -q

for i in 1 2 3; do
	KTSTR_RUNS_DIR=$tmp/shards "$ktstr" run "$@" --partition $i/3
	ran "shard $i/3"
done
KTSTR_RUNS_DIR=$tmp/single "$ktstr" run "$@"
ran "the single run"
(cd "$tmp/shards" && ls -- */*.ktstr.json | sed 's|.*/||' | sort) >"$tmp/sharded"
(cd "$tmp/single" && ls -- */*.ktstr.json | sed 's|.*/||' | sort) >"$tmp/whole"
[ "$(wc -l <"$tmp/whole")" -eq 12 ] || fail "the single run has $(wc -l <"$tmp/whole") records, want 12"
[ -z "$(uniq -d "$tmp/sharded")" ] || fail "items in two shards: $(uniq -d "$tmp/sharded")"
diff -u "$tmp/whole" "$tmp/sharded" || fail "the shards' items are not the single run's"

"$ktstr" stats merge "$tmp"/shards/* -o "$tmp/merged" || fail "stats merge exited $?"
"$ktstr" stats show "$tmp/merged" | grep -q '^merged from shards 1/3' || fail "show: no shards"
# timing noise may judge a metric (exit 1); pairing is what is checked here
"$ktstr" stats compare "$tmp"/single/* "$tmp/merged" --json >"$tmp/cmp"
ran "stats compare"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["summary"]
print("compare:", d)
assert d["paired"] == 12 and d["only_a"] == 0 and d["only_b"] == 0, d
' "$tmp/cmp" || fail "unpaired items"
echo ok
