#!/usr/bin/env bash
# Times full builds and checks of generated corpora and prints a table:
#   scripts/bench.sh                 # 1,000, 10,000 and 100,000 postmortems
#   SIZES="1000 10000" RUNS=5 scripts/bench.sh
# Each size also times the floor (examples/bench_floor.rs: read, parse the
# YAML, render the Markdown, write a page each, nothing else) and the YAML
# floor (the same, stopping after the YAML) in runs alternating with the
# builds, and prints each build's and check's time as a multiple of the
# floor's: the machines here differ in speed by up to a factor of two between
# sessions, the multiple much less. Last, the performance issue's targets
# scaled to this machine: the issue measured its floor at 1.35 s CPU and its
# YAML floor at 0.4 s wall for 10,000 postmortems; a machine whose floors take
# longer gets proportionally longer targets (an estimate, not a measurement
# on the issue's machine).
# Needs /usr/bin/time (Debian package `time`). Corpora and sites are written
# under ${BENCH_DIR:-target/bench}; the 100,000 corpus takes about 1.1 GB and
# its site about 3.5 GB.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-5}
DIR=${BENCH_DIR:-target/bench}
TODAY=2026-11-22

command -v /usr/bin/time >/dev/null || { echo "install /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --bin retro --example gen_corpus --example bench_floor
BIN=target/release/retro
mkdir -p "$DIR"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one timed run: prints "wall_s cpu_s peak_kb"
timed() {
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" "$@" >/dev/null 2>"$DIR/stderr.txt" || { cat "$DIR/stderr.txt" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$DIR/time.txt"
}

: > "$DIR/medians.txt"
printf '%-10s %-10s %10s %10s %12s %8s %12s %12s\n' postmortems work "wall (s)" "cpu (s)" "peak (MB)" runs "wall/floor" "cpu/floor"
for n in $SIZES; do
  corpus="$DIR/corpus-$n"
  [ -f "$corpus/.complete" ] || { target/release/examples/gen_corpus --n "$n" --out "$corpus" 2>/dev/null && touch "$corpus/.complete"; }
  runs=$RUNS
  [ "$n" -ge 100000 ] && runs=1
  : > "$DIR/runs-floor.txt"; : > "$DIR/runs-floor-yaml.txt"; : > "$DIR/runs-build.txt"; : > "$DIR/runs-check.txt"
  for _ in $(seq "$runs"); do
    timed target/release/examples/bench_floor --root "$corpus" --output "$DIR/floor-$n" >> "$DIR/runs-floor.txt"
    timed target/release/examples/bench_floor --root "$corpus" --output "$DIR/floor-yaml-$n" --yaml-only >> "$DIR/runs-floor-yaml.txt"
    timed "$BIN" build --root "$corpus" --output "$DIR/site-$n" --today "$TODAY" >> "$DIR/runs-build.txt"
    timed "$BIN" check --root "$corpus" >> "$DIR/runs-check.txt"
  done
  rm -rf "$DIR/floor-$n"
  fwall=$(awk '{print $1}' "$DIR/runs-floor.txt" | median)
  fcpu=$(awk '{print $2}' "$DIR/runs-floor.txt" | median)
  for work in floor floor-yaml build check; do
    wall=$(awk '{print $1}' "$DIR/runs-$work.txt" | median)
    cpu=$(awk '{print $2}' "$DIR/runs-$work.txt" | median)
    peak=$(awk '{print $3}' "$DIR/runs-$work.txt" | median)
    printf '%-10s %-10s %10s %10s %12d %8s %12s %12s\n' "$n" "$work" "$wall" "$cpu" "$((peak / 1024))" "$runs" \
      "$(awk -v a="$wall" -v b="$fwall" 'BEGIN {printf "%.2f", a / b}')" "$(awk -v a="$cpu" -v b="$fcpu" 'BEGIN {printf "%.2f", a / b}')"
    echo "$n $work $wall $cpu $peak" >> "$DIR/medians.txt"
  done
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); median of the runs"
# the issue's targets on this machine: scaled by the 10,000 floors
if grep -q '^10000 floor ' "$DIR/medians.txt"; then
  awk '
    { w[$1 " " $2] = $3; c[$1 " " $2] = $4; p[$1 " " $2] = $5 }
    function verdict(v, t) { return v <= t ? "met" : "not met" }
    END {
      f = c["10000 floor"] / 1.35; y = w["10000 floor-yaml"] / 0.4
      printf "\nmachine factor: %.2f (floor CPU %s s / 1.35 s), %.2f (YAML floor %s s / 0.4 s)\n", f, c["10000 floor"], y, w["10000 floor-yaml"]
      printf "%-34s %10s %10s %8s\n", "target (scaled to this machine)", "measured", "target", ""
      printf "%-34s %10s %10.2f %8s\n", "10,000 build wall (s)", w["10000 build"], 1.5 * f, verdict(w["10000 build"], 1.5 * f)
      printf "%-34s %10s %10.2f %8s\n", "10,000 build CPU (s)", c["10000 build"], 2.5 * f, verdict(c["10000 build"], 2.5 * f)
      printf "%-34s %10d %10d %8s\n", "10,000 build peak (MB)", p["10000 build"] / 1024, 250, verdict(p["10000 build"] / 1024, 250)
      printf "%-34s %10s %10.2f %8s\n", "10,000 check wall (s)", w["10000 check"], 0.6 * y, verdict(w["10000 check"], 0.6 * y)
      if ("100000 build" in w)
        printf "%-34s %10s %10.2f %8s\n", "100,000 build wall (s)", w["100000 build"], 15 * f, verdict(w["100000 build"], 15 * f)
    }' "$DIR/medians.txt"
fi
