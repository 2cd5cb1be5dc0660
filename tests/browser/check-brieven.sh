#!/usr/bin/env bash
# Opens two statements of `brieven` on the sample and their index in a real headless
# Chromium and checks that they render: each statement's DOM after rendering shows the
# provider's KvK, its group's RTP (as rtp.csv has it, in the Dutch format) and both marked
# figures; the index links every provider of the population; no screenshot is blank.
# Not part of `cargo test`, because it needs a browser: apt-get install chromium.
#
#   bash tests/browser/check-brieven.sh         # uses target/release, else target/debug
#   RICHTTARIEF_BIN=path/to/richttarief CHROMIUM=/usr/bin/chromium bash tests/browser/check-brieven.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
name=check-brieven
. tests/browser/common.sh
"$bin" run --out "$work/uit" >/dev/null 2>&1
"$bin" brieven --out "$work/brieven" >/dev/null 2>&1

fail() { echo "check-brieven: FAIL: $*" >&2; exit 1; }

# Two providers of aanbieders.csv: the first and the last row, so two groups as a rule.
rows=$(tail -n +2 "$work/uit/aanbieders.csv")
for row in "$(head -1 <<<"$rows")" "$(tail -1 <<<"$rows")"; do
  IFS=, read -r kvk _ sector cluster _ <<<"$row"
  rtp=$(awk -F, -v s="$sector" -v c="$cluster" '$1 == s && $2 == c { print $7 }' "$work/uit/rtp.csv")
  expected="${rtp/./,}%"
  page="$work/brieven/$kvk.html"
  [ -f "$page" ] || fail "no statement for $kvk"
  "$chromium" "${flags[@]}" --dump-dom "file://$page" > "$work/dom.html" 2>/dev/null
  "$chromium" "${flags[@]}" --window-size=1100,3000 --screenshot="$work/$kvk.png" "file://$page" >/dev/null 2>&1
  grep -q "<span id=\"kvk\">$kvk</span>" "$work/dom.html" || fail "$kvk: the KvK is not shown"
  grep -q "<span id=\"rtp\">$expected</span>" "$work/dom.html" || fail "$kvk: the RTP $expected is not shown"
  for f in figuur-aandelen figuur-breakeven; do
    grep -q "<figure id=\"$f\"><svg" "$work/dom.html" || fail "$kvk: no figure $f"
  done
  # The marker: the provider's purple line and its legend entry in the rendered figures.
  markers=$(grep -o 'stroke="#8028A0"' "$work/dom.html" | wc -l)
  [ "$markers" -ge 2 ] || fail "$kvk: the marker is not drawn ($markers purple strokes)"
  size=$(stat -c %s "$work/$kvk.png")
  # A blank 1100x3000 page compresses to a few kB; a page with tables and figures does not.
  [ "$size" -gt 60000 ] || fail "$kvk: the screenshot looks blank ($size bytes)"
  echo "check-brieven: $kvk ($sector/$cluster): KvK, RTP $expected, 2 figures, $markers marker strokes, screenshot $size bytes"
  cp "$work/$kvk.png" "target/brief-$kvk-screenshot.png" 2>/dev/null || true
done

"$chromium" "${flags[@]}" --dump-dom "file://$work/brieven/index.html" > "$work/index.html" 2>/dev/null
"$chromium" "${flags[@]}" --window-size=1100,2400 --screenshot="$work/index.png" "file://$work/brieven/index.html" >/dev/null 2>&1
population=$(($(wc -l < "$work/uit/aanbieders.csv") - 1))
links=$(grep -o '<a href="[0-9a-f]*\.html">' "$work/index.html" | wc -l)
size=$(stat -c %s "$work/index.png")
echo "check-brieven: index: $links links for $population providers, screenshot $size bytes"
[ "$links" -eq "$population" ] || fail "the index links $links statements, not $population"
[ "$size" -gt 30000 ] || fail "the index's screenshot looks blank"
cp "$work/index.png" target/brieven-index-screenshot.png 2>/dev/null || true
echo "check-brieven: pass (screenshots in target/brief-*-screenshot.png, target/brieven-index-screenshot.png)"
