#!/usr/bin/env bash
# Times retro on the hostile inputs of docs/safety.md (the resource bounds):
#   scripts/worst-cases.sh [BINARY]
# Each case is a site written under ${BENCH_DIR:-target/bench}/worst; prints
# the wall time, peak memory and the size of what was printed.
set -euo pipefail
bin=${1:-target/release/retro}
dir=${BENCH_DIR:-target/bench}/worst
command -v /usr/bin/time >/dev/null || { echo "install /usr/bin/time (apt-get install time)" >&2; exit 1; }
rm -rf "$dir" && mkdir -p "$dir"

site() { mkdir -p "$dir/$1/content" && touch "$dir/$1/site.toml"; }
fm() { printf -- '---\ntitle: %s\nseverity: SEV4\n' "$1"; }
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" "$@" >"$dir/out" 2>&1 || true
  read -r secs kb < <(tail -1 "$dir/time")
  printf '%-44s %8.2f s %8d MB %10d bytes printed\n' "$name" "$secs" $((kb / 1024)) "$(wc -c <"$dir/out")"
}

# raw HTML nested 100,000 and 200,000 deep; 1 MB of 256-deep nesting
for n in 100000 200000; do
  site "nest-$n"
  { fm "Nested"; echo "---"; python3 -c "print('<div>' * $n + 'x' + '</div>' * $n)"; } >"$dir/nest-$n/content/a.md"
  run "build: $n nested <div> (W014)" build --root "$dir/nest-$n" --output "$dir/nest-$n/out" --today 2026-11-22
done
site wide
{ fm "Wide"; echo "---"; python3 -c "print(('<div>' * 256 + 'x' + '</div>' * 256 + '\n\n') * 370)"; } >"$dir/wide/content/a.md"
run "build: 1 MB of 256-deep <div> nests" build --root "$dir/wide" --output "$dir/wide/out" --today 2026-11-22

# 3,000 and 10,000 action items sharing one id
for n in 3000 10000; do
  site "dup-$n"
  python3 - "$dir/dup-$n/content" "$n" <<'EOF'
import sys
out, n = sys.argv[1], int(sys.argv[2])
for f in range(n // 100):
    items = "".join("  - id: SAME-1\n    title: x\n" for _ in range(100))
    open(f"{out}/dup-{f:03}.md", "w").write(f"---\ntitle: Dup\nseverity: SEV4\naction_items:\n{items}---\n")
EOF
  run "check: $n items sharing one id (E018)" check --root "$dir/dup-$n"
done

# check --links on 80,000 links, and on 80,000 footnotes
site links
{ fm "Links"; echo "---"; python3 -c "print(' '.join(f'[x](../nowhere-{i}/)' for i in range(80000)))"; } >"$dir/links/content/a.md"
run "check --links: 80,000 links in one body" check --links --root "$dir/links"
site notes
{ fm "Notes"; echo "---"; python3 -c "print('\n\n'.join(f'y[^f{i}]\n\n[^f{i}]: note' for i in range(80000)))"; } >"$dir/notes/content/a.md"
run "check --links: 80,000 footnotes in one body" check --links --root "$dir/notes"

# 30,000 unknown related ids in a 2,000-postmortem site
site related
python3 - "$dir/related/content" <<'EOF'
import sys
out = sys.argv[1]
for i in range(2000):
    open(f"{out}/2024-01-01-incident-{i:04}.md", "w").write(f"---\ntitle: I{i}\nseverity: SEV4\n---\n")
rel = "".join(f"  - unknown-{i}\n" for i in range(30000))
open(f"{out}/many.md", "w").write(f"---\ntitle: Many\nseverity: SEV4\nrelated:\n{rel}---\n")
EOF
run "check: 30,000 unknown related ids (E019)" check --root "$dir/related"

# two postmortems dated 0001 and 9999
site years
for y in 0001 9999; do
  { fm "Year $y"; printf 'timeline:\n  started: %s-03-14T09:00:00Z\n---\n' "$y"; } >"$dir/years/content/y$y.md"
done
run "build: starts in 0001 and 9999 (W015)" build --root "$dir/years" --output "$dir/years/out" --today 2026-11-22
echo "quarter pages: $(find "$dir/years/out/quarters" -mindepth 1 -maxdepth 1 -type d | wc -l)"
