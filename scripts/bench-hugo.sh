#!/usr/bin/env bash
# Renders a generated corpus with Hugo and trivial templates, for the
# comparison in the README (Performance). Not part of the tests.
#   [BENCH_DIR=/dev/shm] scripts/bench-hugo.sh CORPUS [RUNS]
# Needs Debian's `hugo` package and /usr/bin/time. Prints the median wall
# time, CPU time and peak memory of `hugo` building every postmortem page
# (title and Markdown body), the section lists and the tag pages.
set -euo pipefail
corpus=$(cd "$1" && pwd)
runs=${2:-5}
command -v hugo >/dev/null || { echo "install hugo (apt-get install hugo)" >&2; exit 1; }
site=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$site"' EXIT
mkdir -p "$site/layouts/_default"
ln -s "$corpus/content" "$site/content"
cat > "$site/hugo.toml" <<'TOML'
baseURL = "http://localhost/"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
TOML
cat > "$site/layouts/_default/single.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><p>{{ .Params.severity }} · {{ .Params.area }}</p>{{ .Content }}</body></html>
HTML
cat > "$site/layouts/_default/list.html" <<'HTML'
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
HTML
: > "$site/runs.txt"
for _ in $(seq "$runs"); do
  rm -rf "$site/public"
  /usr/bin/time -f "%e %U %S %M" -o "$site/time.txt" hugo --source "$site" --destination "$site/public" --quiet >/dev/null
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$site/time.txt" >> "$site/runs.txt"
done
pages=$(find "$site/public" -name '*.html' | wc -l)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'hugo %s: %s HTML files; wall %s s, cpu %s s, peak %d MB (median of %s)\n' \
  "$(hugo version | awk '{print $2}')" "$pages" \
  "$(awk '{print $1}' "$site/runs.txt" | median)" "$(awk '{print $2}' "$site/runs.txt" | median)" \
  "$(( $(awk '{print $3}' "$site/runs.txt" | median) / 1024 ))" "$runs"
