#!/usr/bin/python3
"""Checks the HTML report in a real browser (headless Chromium).

Usage: check_html_report.py RENDERER REPORT_JSON [--screenshot PNG]
       check_html_report.py --baton BATON REPO_ROOT [--screenshot PNG]

RENDERER prints the HTML report of a JSON report file (`RENDERER REPORT_JSON`; the test-only
render_html_fixture). With --baton, the report is of a real run instead: examples/order-saga.yaml
with its capture step failing (retries, a breaker, compensations, skips), through `baton report
--format json` and `--format html`. The page must load nothing from outside; once Chromium has loaded it and run
its script, its DOM must hold the SVG Gantt chart with one bar per attempt and per compensation
attempt of the JSON, the SVG graph with one box per task (or per phase, for a large run), every
task's path, and a layout in which no two graph boxes overlap, every bar lies inside the chart
nothing makes the page scroll sideways at 1400 px, and hovering a task highlights it
elsewhere. With --screenshot, also saves a picture of
the page at 1400×1800 (docs/images/report.png is made so).
Prints what it checked; exits 1 on any failure, 2 on bad usage, 77 (skipped) without Chromium.
"""

import html.parser
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

WIDTH, HEIGHT = 1400, 1800
MAX_GRAPH_TASKS = 200  # html_sections.hpp: kMaxGraphTasks
MAX_GANTT_ROWS = 2000  # html_gantt.cpp: kMaxRows

# Appended to a copy of the page: measures the laid-out page and writes the result into the DOM,
# where --dump-dom shows it.
MEASURE = """<script>
(function () {
  function box(e) { var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }
  var nodes = Array.prototype.map.call(document.querySelectorAll('svg.graph g.node rect.box'), box);
  var overlaps = 0;
  for (var i = 0; i < nodes.length; ++i)
    for (var j = i + 1; j < nodes.length; ++j) {
      var a = nodes[i], b = nodes[j];
      if (a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5) ++overlaps;
    }
  var chart = document.querySelector('svg.gantt');
  var c = chart ? box(chart) : [0, 0, 0, 0];
  var outside = 0;
  document.querySelectorAll('svg.gantt rect.bar').forEach(function (e) {
    var r = box(e);
    if (r[2] - r[0] < 1 || r[0] < c[0] - 0.5 || r[2] > c[2] + 0.5 || r[1] < c[1] || r[3] > c[3]) ++outside;
  });
  var hovered = 0;
  var node = document.querySelector('svg.graph g.node');
  if (node) {
    node.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    hovered = document.querySelectorAll('.hl').length;
    node.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
  }
  var out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify({
    overlaps: overlaps, bars_outside: outside, graph_boxes: nodes.length,
    page_width: document.documentElement.scrollWidth, window_width: window.innerWidth,
    highlighted: hovered, still_highlighted: document.querySelectorAll('.hl').length
  });
  document.body.appendChild(out);
})();
</script></body>"""


class Dom(html.parser.HTMLParser):
    """Counts the elements the checks need and collects the page's text, titles included."""

    def __init__(self):
        super().__init__()
        self.count = {}
        self.text = []
        self.measured = None
        self._in_measured = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        for key in (f"{tag}.{c}" for c in classes):
            self.count[key] = self.count.get(key, 0) + 1
        self.count[tag] = self.count.get(tag, 0) + 1
        self._in_measured = a.get("id") == "measured"

    def handle_data(self, data):
        if self._in_measured:
            self.measured = json.loads(data)
            self._in_measured = False
        self.text.append(data)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(browser, profile, args, url):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
           *args, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout


def expected(report):
    """(attempt bars, compensation bars, graph boxes, task paths) the page should show."""
    tasks = report.get("tasks", [])
    # The chart groups rows by phase, in order of first appearance, and draws MAX_GANTT_ROWS.
    rank = {}
    for t in tasks:
        rank.setdefault(t.get("phase", ""), len(rank))
    drawn = sorted(tasks, key=lambda t: rank[t.get("phase", "")])[:MAX_GANTT_ROWS]
    attempts = sum(len(t.get("attempts", [])) for t in drawn)
    compensations = sum(len(t.get("compensation_attempts", [])) for t in drawn)
    phases = {t.get("phase", "") for t in tasks}
    boxes = len(tasks) if len(tasks) <= MAX_GRAPH_TASKS else len(phases)
    return attempts, compensations, boxes, [t["path"] for t in tasks]


def from_renderer(renderer, fixture):
    """(report, page) of a JSON fixture."""
    report = json.loads(pathlib.Path(fixture).read_text(encoding="utf-8"))
    page = subprocess.run([renderer, fixture], capture_output=True, text=True, check=True).stdout
    return report, page


def from_run(baton, repo, state):
    """(report, page) of a real run of the order saga that fails at `capture` and rolls back."""
    workflow = pathlib.Path(repo) / "examples" / "order-saga.yaml"
    run = subprocess.run([baton, "run", str(workflow), "--set", "env.FAIL_AT=capture", "--state",
                          str(state), "--progress", "none", "--quiet"],
                         capture_output=True, text=True, timeout=120, check=False)
    if run.returncode != 1:
        raise RuntimeError(f"baton run exited {run.returncode}, not 1: {run.stderr[-2000:]}")

    def report_as(fmt):
        return subprocess.run([baton, "report", "last", "--state", str(state), "--format", fmt],
                              capture_output=True, text=True, timeout=60, check=True).stdout

    return json.loads(report_as("json")), report_as("html")


def check(failures, ok, message):
    print(("ok    " if ok else "FAIL  ") + message)
    if not ok:
        failures.append(message)


def main(argv):
    args = list(argv)
    screenshot = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        screenshot = pathlib.Path(args[i + 1]).resolve()
        del args[i:i + 2]
    real_run = args[:1] == ["--baton"]
    if real_run:
        args = args[1:]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    browser = chromium()
    if browser is None:
        print("skipped: no chromium on PATH (scripts/setup installs it)")
        return 77
    with tempfile.TemporaryDirectory(prefix="baton-html-") as tmp:
        tmp = pathlib.Path(tmp)
        report, page = from_run(*args, tmp / "state") if real_run else from_renderer(*args)
        failures = []
        for needle in ("http://", "https://", "src=", "<link", "@import"):
            check(failures, needle not in page, f"the page has no {needle!r}")
        measured_page = tmp / "measured.html"
        measured_page.write_text(page.replace("</body>", MEASURE, 1), encoding="utf-8")
        dom_text = run_chromium(browser, tmp / "profile", ["--dump-dom"], measured_page.as_uri())
        shot = screenshot or tmp / "report.png"
        plain_page = tmp / "report.html"
        plain_page.write_text(page, encoding="utf-8")
        run_chromium(browser, tmp / "profile", [f"--screenshot={shot}"], plain_page.as_uri())
        png = shot.read_bytes() if shot.exists() else b""

    dom = Dom()
    dom.feed(dom_text)
    attempts, compensations, boxes, paths = expected(report)
    text = "".join(dom.text)
    check(failures, dom.count.get("svg.gantt") == 1, "the DOM has one SVG Gantt chart")
    check(failures, dom.count.get("svg.graph") == 1, "the DOM has one SVG dependency graph")
    check(failures, dom.count.get("rect.attempt", 0) == attempts,
          f"{dom.count.get('rect.attempt', 0)} attempt bars for {attempts} attempts")
    check(failures, dom.count.get("rect.compensation", 0) == compensations,
          f"{dom.count.get('rect.compensation', 0)} compensation bars for {compensations} "
          "compensation attempts")
    check(failures, dom.count.get("g.node", 0) == boxes,
          f"{dom.count.get('g.node', 0)} graph boxes for {boxes} expected")
    missing = [p for p in paths if p not in text]
    check(failures, not missing, f"every task's path is on the page (missing: {missing[:5]})")
    m = dom.measured or {}
    # A task's box, Gantt row and table row; a phase's box alone.
    least = 3 if len(paths) <= MAX_GRAPH_TASKS else 1
    check(failures, m.get("highlighted", 0) >= least and m.get("still_highlighted") == 0,
          f"hovering a graph box highlights its task elsewhere ({m.get('highlighted')} elements)")
    check(failures, m.get("graph_boxes") == boxes and m.get("overlaps") == 0,
          f"no two graph boxes overlap ({m.get('overlaps')} overlaps)")
    check(failures, m.get("bars_outside") == 0,
          f"every bar lies inside the chart ({m.get('bars_outside')} outside)")
    check(failures, m.get("page_width", 1e9) <= m.get("window_width", 0),
          f"the page fits {WIDTH} px ({m.get('page_width')} px wide)")
    check(failures, png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == WIDTH,
          f"chromium took a {WIDTH} px wide screenshot" + (f" ({screenshot})" if screenshot else ""))
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
