#!/usr/bin/env bash
# Opens rapport.html of the sample run in a real headless Chromium and checks that it renders:
# the DOM after rendering holds every group's three figures, and the screenshot is not blank.
# Not part of `cargo test`, because it needs a browser: apt-get install chromium.
#
#   bash tests/browser/check-html.sh            # uses target/release, else target/debug
#   RICHTTARIEF_BIN=path/to/richttarief CHROMIUM=/usr/bin/chromium bash tests/browser/check-html.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
name=check-html
. tests/browser/common.sh
"$bin" run --out "$work/uit" >/dev/null 2>&1
"$chromium" "${flags[@]}" --dump-dom "file://$work/uit/rapport.html" > "$work/dom.html" 2>/dev/null
"$chromium" "${flags[@]}" --window-size=1100,2400 --screenshot="$work/rapport.png" "file://$work/uit/rapport.html" >/dev/null 2>&1

groups=$(($(wc -l < "$work/uit/rtp.csv") - 1))
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
size=$(stat -c %s "$work/rapport.png")
echo "check-html: $groups groups, $svgs figures rendered, screenshot $size bytes"
[ "$svgs" -eq $((3 * groups)) ] || { echo "check-html: FAIL: expected $((3 * groups)) figures" >&2; exit 1; }
# A blank 1100x2400 page compresses to a few kB; a page with tables and figures does not.
[ "$size" -gt 60000 ] || { echo "check-html: FAIL: the screenshot looks blank" >&2; exit 1; }
cp "$work/rapport.png" target/rapport-screenshot.png 2>/dev/null || true
echo "check-html: pass (screenshot in target/rapport-screenshot.png)"
