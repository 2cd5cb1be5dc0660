# Shared by the browser checks (sourced, not run): finds Chromium and the binary, makes a work
# folder that goes when the script ends, and sets the flags that keep Chromium off this
# machine's closed network and out of any profile. The caller sets `name` (for messages)
# and has already changed to the repository's root.
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "$name: needs Chromium at $chromium (apt-get install chromium)" >&2
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
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$work/profile")
