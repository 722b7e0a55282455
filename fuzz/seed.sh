#!/usr/bin/env bash
# Builds the seed corpora: every YAML test-suite input as the front matter
# of a postmortem, the example site's postmortems, the error fixtures, and
# the site.toml files of the repository.
set -euo pipefail
cd "$(dirname "$0")"
suite=../../shared/corpora/yaml-test-suite
mkdir -p corpus/postmortem corpus/site_toml
for f in "$suite"/*.yaml; do
  n=$(basename "$f" .yaml)
  { printf -- '---\n'; cat "$f"; printf -- '\n---\nBody\n'; } > "corpus/postmortem/yts-$n.md"
done
cp ../content/*/*.md ../tests/fixtures/*/content/*.md corpus/postmortem/
cp ../site.toml corpus/site_toml/example.toml
cp ../src/scaffold/site.toml corpus/site_toml/init.toml
cp ../tests/fixtures/*/site.toml corpus/site_toml/ 2>/dev/null || true
echo "seeded: $(ls corpus/postmortem | wc -l) postmortems, $(ls corpus/site_toml | wc -l) site.toml files"
# bodies for the markdown target, and hostile bodies written for it
mkdir -p corpus/markdown
for f in ../content/*/*.md ../tests/fixtures/*/content/*.md; do
  # the body: every line after the second `---`
  awk 'n >= 2 { print } /^---$/ { n++ }' "$f" > "corpus/markdown/$(basename "$f")"
done
printf '# T {onclick=x #r-main .c}\n\n![](https://h/x.png) <img src=//h/y> x[^r-q]\n\n[^r-q]: n\n' > corpus/markdown/hostile-1.md
python3 -c "print('<div>' * 300 + 'x')" > corpus/markdown/deep.md
echo "markdown bodies: $(ls corpus/markdown | wc -l)"
