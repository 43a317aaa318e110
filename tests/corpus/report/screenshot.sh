#!/bin/sh
# Render a decision record's HTML report in headless Chromium and save a screenshot.
#   tests/corpus/report/screenshot.sh RECORD.json OUT.png [WIDTHxHEIGHT]
# Needs chromium (apt-get install chromium). Nothing leaves the machine: the report has no URLs and
# Chromium runs with networking features off and a throw-away profile.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 RECORD.json OUT.png [WIDTH,HEIGHT]" >&2
  exit 2
fi
record=$1
out=$2
size=${3:-1200,2000}
here=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
  echo "$0: chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/it)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m hurdlelang.cli.report "$record" --format html --out "$work/report.html"
case $out in /*) target=$out ;; *) target=$(pwd)/$out ;; esac
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars \
  --screenshot="$target" --window-size="$size" "file://$work/report.html" >"$work/chromium.log" 2>&1 || {
  cat "$work/chromium.log" >&2
  exit 1
}
test -s "$target" || { echo "$0: no screenshot written" >&2; cat "$work/chromium.log" >&2; exit 1; }
echo "$target"
