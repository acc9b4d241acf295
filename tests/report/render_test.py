#!/usr/bin/python3
"""Renders chipsim reports in headless Chromium and checks that their charts are drawn.

    /usr/bin/python3 render_test.py CHIPSIM SOURCE_DIR WORK_DIR

Runs CHIPSIM on tests/data/e2e/small.yaml twice (3 replicates; the second with licences never
approved), writes a report of the first file and a report of both into WORK_DIR, loads each in
Chromium (`--headless --dump-dom`, with the network blocked, so a page that fetched anything
would fail) and reads the JSON the page writes into <pre id="render-check"> once drawn: every
chart must be there, with data points inside its plot area, painted and coloured pixels, a
title, axis titles (with units on the value axis) and a legend. It then takes a screenshot with
tools/report-screenshot.sh, so the hand-run step keeps working; the reports and the screenshot
stay in WORK_DIR to look at.

Needs Debian's chromium (tools/install-deps.sh): without it the test fails, it does not skip.
Chromium runs with a throwaway profile and HOME under WORK_DIR, and with --no-sandbox when run
as root (CI containers).
"""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys

if len(sys.argv) != 4:
    sys.exit("usage: render_test.py CHIPSIM SOURCE_DIR WORK_DIR")
CHIPSIM, SOURCE_DIR, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
SMALL = os.path.join(SOURCE_DIR, "tests", "data", "e2e", "small.yaml")
SCREENSHOT = os.path.join(SOURCE_DIR, "tools", "report-screenshot.sh")
TIMEOUT_S = 120

# small.yaml: blocs china (chn) and west (usa, twn); chipmaker maker, foundry fab-co
RUN_CHARTS = ["stock", "flows", "revenue", "writedowns", "timeline"]
DIFF_CHARTS = ["diff-compute", "diff-usd", "diff-chips", "overlay-compute"]
# charts whose data are all zero in small.yaml: drawn, but with nothing coloured to see
ALL_ZERO = {"writedowns"}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with status {result.returncode}:\n"
                 f"{result.stdout}{result.stderr}")
    return result


def find_chromium():
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("FAIL: chromium not found. The report render test needs Debian's chromium: "
                 "run tools/install-deps.sh (or apt-get install chromium)")
    return chromium


def render(chromium, page):
    """The DOM of `page` after Chromium has run its scripts."""
    home = os.path.join(WORK, "chromium-home")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_CACHE_HOME=os.path.join(home, "cache"))
    args = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={os.path.join(home, 'profile')}", "--virtual-time-budget=10000",
            "--window-size=1280,1000", "--dump-dom", "file://" + page]
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # root cannot use Chromium's sandbox
    # a session of its own, so a hung Chromium and its helpers can be killed together
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        sys.exit(f"FAIL: chromium did not finish rendering {page} within {TIMEOUT_S} s")
    if process.returncode != 0:
        sys.exit(f"FAIL: chromium failed on {page} with status {process.returncode}:\n{err}")
    return out


def render_check(dom, page):
    """The JSON the page wrote into <pre id="render-check">."""
    match = re.search(r'<pre id="render-check"([^>]*)>(.*?)</pre>', dom, re.S)
    if not match:
        sys.exit(f"FAIL: {page}: no <pre id=\"render-check\"> in the rendered page")
    if 'data-done="yes"' not in match.group(1):
        sys.exit(f"FAIL: {page}: the page's script did not finish (render-check empty); "
                 f"rendered DOM starts:\n{dom[:2000]}")
    return json.loads(html.unescape(match.group(2)))


def check_chart(page, chart, kind):
    where = f"{os.path.basename(page)}: chart {chart['id']}"
    check(chart["points"] > 0, f"{where}: no data point inside the plot area")
    check(chart["pixels"] > 5000, f"{where}: only {chart['pixels']} painted pixels")
    if kind not in ALL_ZERO:
        check(chart["coloured_pixels"] > 100,
              f"{where}: only {chart['coloured_pixels']} coloured pixels in the plot area: "
              "are the data drawn?")
    check(chart["title"], f"{where}: no title")
    check(chart["x_title"] and chart["y_title"], f"{where}: an axis has no title: {chart}")
    value_axis = chart["x_title"] if kind.startswith("diff-") else chart["y_title"]
    if kind != "timeline":
        check(re.search(r"\(.+\)", value_axis),
              f"{where}: the value axis title '{value_axis}' gives no units")
    check(chart["legend"], f"{where}: no legend")


def check_page(chromium, page, runs, compared):
    data = render_check(render(chromium, page), page)
    check(not data["errors"], f"{page}: script errors: {data['errors']}")
    check(data["chart_js"].startswith("3."), f"{page}: Chart.js {data['chart_js']}, expected 3.x")
    charts = {c["id"]: c for c in data["charts"]}
    expected = [(f"{kind}-{i}", kind) for i in range(runs) for kind in RUN_CHARTS]
    if compared:
        expected += [(kind, kind) for kind in DIFF_CHARTS]
    for chart_id, kind in expected:
        if check(chart_id in charts, f"{page}: chart {chart_id} missing; drawn: {sorted(charts)}"):
            check_chart(page, charts[chart_id], kind)
    check(len(charts) == len(expected),
          f"{page}: {len(charts)} charts drawn, expected {len(expected)}: {sorted(charts)}")

    # what a reader sees: the blocs as legend items (the 5-95% band lines hidden), 3 datasets a
    # bloc with replicates (5%, 95%, mean), the channels, the firms, the event kinds
    stock = charts.get("stock-0", {})
    check(stock.get("legend") == ["china", "west"], f"{page}: stock-0 legend {stock.get('legend')}")
    check(stock.get("datasets") == 6, f"{page}: stock-0 has {stock.get('datasets')} datasets")
    flows = charts.get("flows-0", {})
    check(flows.get("legend") == ["legal", "licensed", "diverted"],
          f"{page}: flows-0 legend {flows.get('legend')}")
    revenue = charts.get("revenue-0", {})
    check(revenue.get("legend") == ["maker (chipmaker)", "fab-co (foundry)"],
          f"{page}: revenue-0 legend {revenue.get('legend')}")
    timeline = charts.get("timeline-0", {})
    check("policy_enacted" in timeline.get("legend", []),
          f"{page}: timeline-0 legend {timeline.get('legend')}")
    if compared:
        diff = charts.get("diff-compute", {})
        check(diff.get("legend") == ["strict.h5 − base.h5"],
              f"{page}: diff-compute legend {diff.get('legend')}")
    return data


def main():
    chromium = find_chromium()
    os.makedirs(WORK, exist_ok=True)
    base = os.path.join(WORK, "base.h5")
    strict = os.path.join(WORK, "strict.h5")
    one = os.path.join(WORK, "one.html")
    two = os.path.join(WORK, "two.html")
    run([CHIPSIM, "run", "-q", SMALL, "--replicates", "3", "--force", "-o", base])
    run([CHIPSIM, "run", "-q", SMALL, "--replicates", "3", "--force", "-o", strict,
         "--set", "policies.ban.licence.approval_probability=0"])
    run([CHIPSIM, "report", "-q", base, "--force", "-o", one])
    run([CHIPSIM, "report", "-q", base, strict, "--force", "-o", two])

    check_page(chromium, one, runs=1, compared=False)
    check_page(chromium, two, runs=2, compared=True)

    png = os.path.join(WORK, "two.png")
    if os.path.exists(png):
        os.remove(png)
    run([SCREENSHOT, two, png, "6000"],
        env=dict(os.environ, CHROMIUM=chromium, TMPDIR=WORK))
    with open(png, "rb") as f:
        head = f.read(8)
    check(head == b"\x89PNG\r\n\x1a\n", f"{png}: not a PNG")
    check(os.path.getsize(png) > 50_000, f"{png}: only {os.path.getsize(png)} bytes")

    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print(f"ok: the charts of {one} and {two} are drawn; screenshot {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
