#!/usr/bin/env bash
# Compares two retro binaries on the same corpus in alternating runs, the
# only comparison that survives this machine's noise (the same binary's
# median moves by ±10% between runs of scripts/bench.sh):
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY [CORPUS] [RUNS]
# CORPUS defaults to the 10,000 corpus of scripts/bench.sh. Prints the median
# and lowest CPU time (user + system) and the median wall time of each.
set -euo pipefail
old=${1:?old binary}; new=${2:?new binary}
dir=${BENCH_DIR:-target/bench}
corpus=${3:-$dir/corpus-10000}
runs=${4:-7}
command -v /usr/bin/time >/dev/null || { echo "install /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -d "$corpus/content" ] || { echo "no corpus at $corpus: run scripts/bench.sh first" >&2; exit 1; }
# the site is written beside the corpus (tmpfs in the README numbers), not in /tmp
mkdir -p "$dir"
out=$(mktemp -d -p "$dir")
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$runs"); do
  i=0
  for bin in "$old" "$new"; do
    # each binary replaces its own site: a folder another binary wrote may
    # lack the stamp that lets a build replace it
    i=$((i + 1))
    /usr/bin/time -f "%e %U %S" -o "$out/time" "$bin" build --root "$corpus" --output "$out/site-$i" --today 2026-11-22 >/dev/null 2>&1
    echo "$bin $(cat "$out/time")"
  done
done | awk '
  { n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3 + $4; order[$1] = order[$1] ? order[$1] : ++k; name[k] = $1 }
  function median(a, b, m,   i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[b, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return v[int((m + 1) / 2)] "," v[1]
  }
  END {
    printf "%-40s %10s %10s %10s\n", "binary", "cpu (s)", "lowest", "wall (s)"
    for (i = 1; i <= k; i++) {
      b = name[i]; split(median(c, b, n[b]), cc, ","); split(median(w, b, n[b]), ww, ",")
      printf "%-40s %10.2f %10.2f %10.2f\n", b, cc[1], cc[2], ww[1]
    }
  }'
