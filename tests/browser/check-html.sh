#!/usr/bin/env bash
# Opens rapport.html of the sample run in a real headless Chromium and checks that it renders:
# the DOM after rendering holds every group's three figures, and the screenshot is not blank.
# Not part of `cargo test`, because it needs a browser: apt-get install chromium.
#
#   bash tests/browser/check-html.sh            # uses target/release, else target/debug
#   RICHTTARIEF_BIN=path/to/richttarief CHROMIUM=/usr/bin/chromium bash tests/browser/check-html.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "check-html: needs Chromium at $chromium (apt-get install chromium)" >&2
  exit 2
fi
bin=${RICHTTARIEF_BIN:-}
if [ -z "$bin" ]; then
  for b in target/release/richttarief target/debug/richttarief; do
    [ -x "$b" ] && bin=$b && break
  done
fi
[ -n "$bin" ] || { cargo build --release; bin=target/release/richttarief; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" run --out "$work/uit" >/dev/null 2>&1
# The flags keep Chromium off this machine's closed network and out of any profile.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$work/profile")
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
