#!/usr/bin/env bash
# A screenshot of a chipsim report as headless Chromium draws it, to look at by hand
# (docs/report.md):
#
#   tools/report-screenshot.sh REPORT.html OUT.png [HEIGHT]
#
# The window is 1280 pixels wide and HEIGHT tall (default 4000); a taller page is cut off.
# Chromium gets a throwaway profile and HOME, so nothing is written to yours, and the network is
# blocked (the page must need none). Needs Debian's chromium (tools/install-deps.sh).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 REPORT.html OUT.png [HEIGHT]" >&2
  exit 2
fi
report=$1 out=$2 height=${3:-4000}
if [[ ! -f $report ]]; then
  echo "$0: $report: no such file" >&2
  exit 2
fi
chromium=${CHROMIUM:-$(command -v chromium || true)}
if [[ -z $chromium ]]; then
  echo "$0: chromium not found: run tools/install-deps.sh (Debian package chromium)" >&2
  exit 1
fi

profile=$(mktemp -d "${TMPDIR:-/tmp}/chipsim-screenshot-XXXXXX")
trap 'rm -rf "$profile"' EXIT
flags=(--headless --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --disable-background-networking "--host-resolver-rules=MAP * ~NOTFOUND"
       "--user-data-dir=$profile/chromium" --virtual-time-budget=10000
       "--window-size=1280,$height" "--screenshot=$(realpath -m "$out")")
# root (CI containers) cannot use Chromium's sandbox
[[ $EUID -eq 0 ]] && flags+=(--no-sandbox)
HOME=$profile XDG_CONFIG_HOME=$profile/config XDG_CACHE_HOME=$profile/cache \
  timeout 120 "$chromium" "${flags[@]}" "file://$(realpath "$report")" >"$profile/log" 2>&1 || {
  status=$?
  echo "$0: chromium failed with status $status:" >&2
  cat "$profile/log" >&2
  exit 1
}
if [[ ! -s $out ]]; then
  echo "$0: chromium wrote no screenshot:" >&2
  cat "$profile/log" >&2
  exit 1
fi
echo "screenshot: $(realpath "$out")"
