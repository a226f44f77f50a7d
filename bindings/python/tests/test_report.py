"""Reports: report.html (one self-contained page per hub or for the
consortium: inline SVG charts with titles, no scripts, fonts or requests)
and report.data (every table as JSON or CSV), through ihub_call, Lua and
the CLI; every value escaped (hostile names); the page opened in headless
Chromium over the DevTools pipe: no console error, no request but the page
itself, every section and chart there, a screenshot kept out of git."""
import csv
import io
import os
import re
import subprocess
from html.parser import HTMLParser

import pytest

import cdp
import ihub

SECTIONS = ["targets", "maturity", "change", "impact", "network", "activity", "insights"]
TABLES = ["targets", "maturity", "change", "impact", "network_nodes", "network_edges", "activity", "insights"]

HOSTILE_HUB = "Hub <script>alert(\"x\")</script> & 'co'"
HOSTILE_SCHOOL = "<img src=x onerror=alert(1)> School"
HOSTILE_AREA = "Area </title><svg onload=alert(2)> & \"one\""
HOSTILE_INSTRUMENT = "Check ]]> <!-- & -->"

POLICY = """
function eligible(r) return r.code:sub(1, 1) == "M" and "mentor" or "mentee" end
function exclude() return nil end
criteria.fit = function(a, b) return 1 end
weights.school = { fit = 1 }
weights.teacher = { fit = 1 }
"""

INSTRUMENT = """
return {code = "check", name = %s, subject = "school",
        scale = {min = 1, max = 5}, groups = {"leaders"},
        areas = {{code = "A1", name = %s, items = {{code = "Q1", text = "one"}, {code = "Q2", text = "two"}}},
                 {code = "A2", name = "Second", items = {{code = "Q3", text = "three"}}}}}
"""


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(h):
    """Hub H (k = 2): schools M1 (mentor) and E1, both named with markup;
    rounds R1 (2025-09-01) and R2 (2026-01-15) of a two-area instrument
    answered by the leaders L1 (at M1) and L2 (at E1); a school pair E1 <- M1 from
    2025-09-15; activities in January (2 sessions) and February (1
    workshop) 2026. Hub G: no data."""
    h.call("hub.add", {"code": "H", "name": HOSTILE_HUB, "country": "EE", "min_group_size": 2})
    h.call("hub.add", {"code": "G", "name": "Other hub", "country": "FI"})
    h.call("round.add", {"hub": "H", "code": "R1", "name": "round 1", "start": "2025-09-01"})
    h.call("round.add", {"hub": "H", "code": "R2", "name": "round 2", "start": "2026-01-15"})
    for code in ["M1", "E1"]:
        h.call("school.add", {"hub": "H", "code": code, "name": f"{HOSTILE_SCHOOL} {code}"})
    h.call("person.add", {"hub": "H", "code": "L1", "name": "Leader <b>One</b>", "schools": ["M1"], "roles": ["school_leader"]})
    h.call("person.add", {"hub": "H", "code": "L2", "name": "Leader Two", "schools": ["E1"], "roles": ["school_leader"]})
    h.call("instrument.define", {"hub": "H", "source": INSTRUMENT % (lua_string(HOSTILE_INSTRUMENT), lua_string(HOSTILE_AREA))})
    answers = {"R1": {"L1": (2, 4, 3), "L2": (3, 3, 5)}, "R2": {"L1": (4, 4, 4), "L2": (5, 5, 4)}}
    for rnd, by in answers.items():
        h.call("assessment.submit", {"round": rnd, "instrument": "check", "responses": [
            {"respondent": who, "school": "M1" if who == "L1" else "E1", "group": "leaders",
             "answers": {"Q1": a[0], "Q2": a[1], "Q3": a[2]}} for who, a in by.items()]})
    h.call("script.set", {"hub": "H", "name": "pairing", "source": POLICY})
    run = h.call("pairing.propose", {"hub": "H", "round": "R1"})
    h.call("pairing.confirm", {"run": run["run"], "start": "2025-09-15"})
    for date, kind in [("2026-01-10", "session"), ("2026-01-20", "session"), ("2026-02-05", "workshop")]:
        h.call("activity.log", {"hub": "H", "kind": kind, "date": date, "minutes": 60,
                                "participants": [{"mentorship": 1}, {"school": "E1"}]})


@pytest.fixture
def h():
    with ihub.open() as handle:
        fill(handle)
        yield handle


WINDOW = "2025-09-01..2026-03-31"


def table(data, name):
    (t,) = [t for t in data["tables"] if t["name"] == name]
    return t


class Structure(HTMLParser):
    """Sections by id, SVGs with their first child, and any script, link,
    image, iframe, object or event-handler attribute (none allowed)."""

    def __init__(self):
        super().__init__()
        self.sections, self.svgs, self.forbidden, self.stack = [], [], [], []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
        if self.stack and self.stack[-1] == "svg" and len(self.svgs) and self.svgs[-1]["first"] is None:
            self.svgs[-1]["first"] = tag
        if tag == "svg":
            self.svgs.append({"id": a.get("id"), "first": None})
        if tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignobject"):
            self.forbidden.append(tag)
        self.forbidden += [f"{tag}[{k}]" for k in a if k.startswith("on") or (k in ("href", "src") and not (a[k] or "").startswith("#"))]
        if tag not in ("meta", "br", "hr", "input", "link", "img"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "title" and "svg" not in self.stack:
            self.title += data


def structure(page):
    s = Structure()
    s.feed(page)
    return s


# ---------------------------------------------------------------------------
# the data


def test_report_data_tables_hold_the_known_figures(h):
    data = h.call("report.data", {"hub": "H", "window": WINDOW})
    assert data["scope"] == {"hub": "H"} and data["format"] == "json"
    assert [t["name"] for t in data["tables"]] == TABLES
    assert [s["id"] for s in data["sections"]] == SECTIONS

    # Per area: R1 A1 = mean(3, 3), A2 = mean(3, 5); R2 A1 = mean(4, 5), A2 = mean(4, 4);
    # overall = the mean of each response's area means.
    got = {(r["round"], r["area"]): (r["n"], r["mean"]) for r in table(data, "maturity")["rows"] if r["group"] == "leaders"}
    assert got == {("R1", "A1"): (2, 3.0), ("R1", "A2"): (2, 4.0), ("R1", "overall"): (2, 3.5),
                   ("R2", "A1"): (2, 4.5), ("R2", "A2"): (2, 4.0), ("R2", "overall"): (2, 4.25)}
    assert {r["area_name"] for r in table(data, "maturity")["rows"]} == {HOSTILE_AREA, "Second", "Overall"}

    change = {(r["group"], r["area"]): r for r in table(data, "change")["rows"]}
    assert {k: (v["from"], v["to"], v["change"]) for k, v in change.items() if k[0] == "leaders"} == {
        ("leaders", "A1"): ("R1", "R2", 1.5), ("leaders", "A2"): ("R1", "R2", 0.0), ("leaders", "overall"): ("R1", "R2", 0.75)}
    a1 = change[("leaders", "A1")]
    assert (a1["from_mean"], a1["to_mean"], a1["n_from"], a1["n_to"]) == (3.0, 4.5, 2, 2)
    assert a1["ci_low"] < a1["hedges_g"] < a1["ci_high"]

    # Activities per month, if the participation indicators are in this build.
    indicators = {i["name"] for i in h.call("indicator.list", {"hub": "H"})}
    activity = {(r["month"], r["kind"]): r["activities"] for r in table(data, "activity")["rows"]}
    sections = {s["id"]: s for s in data["sections"]}
    if "participation.activities" in indicators:
        assert {k: v for k, v in activity.items() if v} == {("2026-01", "session"): 2, ("2026-02", "workshop"): 1}
        assert sections["activity"]["missing"] is None and sections["activity"]["charts"] == 1
    else:
        assert activity == {} and "participation.activities" in sections["activity"]["missing"]
    if "network.graph" in {m["name"] for m in h.call("api.describe")}:
        edges = table(data, "network_edges")["rows"]
        assert [(e["level"], e["mentor"], e["mentee"], e["round"], e["start_date"], e["hours"]) for e in edges] == [
            ("school", "M1", "E1", "R1", "2025-09-15", 3.0)]
        nodes = {(n["code"], n["generation"]) for n in table(data, "network_nodes")["rows"]}
        assert nodes == {("M1", 0), ("E1", 1)}
        assert sections["network"]["charts"] == 1 and sections["network"]["missing"] is None
    else:
        assert "network.graph" in sections["network"]["missing"]
    if "reach.schools" in indicators:
        reach = {r["indicator"]: (r["engaged"], r["in_scope"]) for r in table(data, "targets")["rows"]}
        assert reach["reach.schools"] == (2, 2)  # both schools of the pair took part
        assert sections["targets"]["charts"] == 1
    else:
        assert "reach.schools" in sections["targets"]["missing"]


def test_impact_refusal_and_insights_are_shown(h):
    methods = {m["name"] for m in h.call("api.describe")}
    if "insight.generate" in methods:
        raised = h.call("insight.generate", {"hub": "H", "window": WINDOW})["insights"]
        assert raised
    data = h.call("report.data", {"hub": "H", "window": WINDOW})
    sections = {s["id"]: s for s in data["sections"]}
    impact = table(data, "impact")["rows"]
    if "impact.estimate" in methods:
        # One mentored school (E1) and no class in R1: too small a group for k = 2.
        assert sections["impact"]["missing"].startswith("The estimate was refused: ")
        assert impact == [{"measure": "refused", "value": sections["impact"]["missing"][len("The estimate was refused: "):]}]
    else:
        assert impact == [] and "impact.estimate" in sections["impact"]["missing"]
    insights = table(data, "insights")["rows"]
    if "insight.generate" in methods:
        assert sections["insights"]["missing"] is None
        assert {(i["hub"], i["status"]) for i in h.call("insight.list", {"hub": "H", "status": "open"})} == {("H", "open")}
        assert len(insights) == len(h.call("insight.list", {"hub": "H", "status": "open"}))
        page = h.call("report.html", {"hub": "H", "window": WINDOW})["html"]
        assert all(f"<td>{i['title']}</td>" in page for i in insights if not set("<>&'\"") & set(i["title"]))
    else:
        assert insights == [] and "insight.list" in sections["insights"]["missing"]


def test_report_data_csv_matches_the_json(h):
    data = h.call("report.data", {"hub": "H", "window": WINDOW})
    one = h.call("report.data", {"hub": "H", "window": WINDOW, "format": "csv", "table": "maturity"})
    assert one["table"] == "maturity"
    rows = list(csv.reader(io.StringIO(one["csv"], newline="")))
    t = table(data, "maturity")
    assert rows[0] == t["columns"]
    assert len(rows) == 1 + len(t["rows"])
    by_csv = {(r[1], r[3], r[4]): float(r[7]) for r in rows[1:]}
    assert by_csv[("R2", "leaders", "overall")] == 4.25
    assert [r[5] for r in rows[1:] if r[4] == "A1"][0] == HOSTILE_AREA  # quoted, not mangled
    every = h.call("report.data", {"hub": "H", "window": WINDOW, "format": "csv"})
    assert list(every["csv"]) == TABLES
    assert every["csv"]["maturity"] == one["csv"]
    assert every["csv"]["impact"].startswith("measure,value\r\n")


def test_report_data_refuses_bad_requests(h, tmp_path):
    with pytest.raises(ihub.InvalidError, match=r"^params\.table: "):
        h.call("report.data", {"hub": "H", "table": "nope"})
    with pytest.raises(ihub.InvalidError, match=r"^params\.path: a CSV file holds one table"):
        h.call("report.data", {"hub": "H", "format": "csv", "path": str(tmp_path / "x.csv")})
    with pytest.raises(ihub.NotFoundError, match=r"^params\.hub: "):
        h.call("report.html", {"hub": "NOPE"})
    with pytest.raises(ihub.InvalidError, match=r"^params\.window: "):
        h.call("report.html", {"hub": "H", "window": "2026-13"})


def test_consortium_report_covers_every_hub(h):
    data = h.call("report.data", {"window": WINDOW, "table": "maturity"})
    assert data["scope"] == {"consortium": True}
    assert [t["name"] for t in data["tables"]] == ["maturity"]
    assert {r["hub"] for r in data["tables"][0]["rows"]} == {"H"}
    (change,) = h.call("report.data", {"window": WINDOW, "table": "change"})["tables"]
    assert {(r["from"], r["to"], r["area"], r["change"]) for r in change["rows"]} == {
        ("R1", "R2", "A1", 1.5), ("R1", "R2", "A2", 0.0), ("R1", "R2", "overall", 0.75)}  # hub H's rounds
    page = h.call("report.html", {"window": WINDOW})["html"]
    assert "<title>ihub report — Consortium of 2 hubs</title>" in page
    assert structure(page).sections == SECTIONS


# ---------------------------------------------------------------------------
# the page


def test_every_value_is_escaped(h):
    page = h.call("report.html", {"hub": "H", "window": WINDOW})["html"]
    for raw in [HOSTILE_HUB, HOSTILE_SCHOOL, HOSTILE_AREA, HOSTILE_INSTRUMENT, "<b>One</b>", "<script>", "<img",
                "<svg onload", "]]>", "<!--"]:
        assert raw not in page, raw
    assert "Hub &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;" in page
    assert "Area &lt;/title&gt;&lt;svg onload=alert(2)&gt; &amp; &quot;one&quot;" in page
    assert "Check ]]&gt; &lt;!-- &amp; --&gt;" in page
    if "network.graph" in {m["name"] for m in h.call("api.describe")}:
        assert "&lt;img src=x onerror=alert(1)&gt; School M1" in page
    s = structure(page)
    assert s.forbidden == []
    assert s.title == f"ihub report — {HOSTILE_HUB} (H)"
    # The only <script text in the page is none at all.
    assert re.search(r"<script", page, re.I) is None


def test_page_structure_charts_and_print_style(h):
    r = h.call("report.html", {"hub": "H", "window": WINDOW})
    page = r["html"]
    assert page.startswith("<!DOCTYPE html>")
    s = structure(page)
    assert s.sections == SECTIONS
    assert s.svgs and all(svg["first"] == "title" for svg in s.svgs), s.svgs
    assert page.count("<desc id=") == len(s.svgs)
    assert "@media print" in page
    assert "default-src 'none'" in page
    # Okabe–Ito colours only, besides greys and black.
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"', page))
    assert colours <= {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
                       "#ffffff", "#eeeeee", "#999999", "#444444", "#dddddd"}
    charts = {x["id"]: x["charts"] for x in r["sections"]}
    assert charts["maturity"] == 1 and charts["change"] == 1
    assert 'id="chart-maturity-1"' in page and 'id="chart-change"' in page
    # A section without its source says so.
    for x in r["sections"]:
        if x["missing"]:
            assert f"<p class=\"missing\">{x['missing']}" in page.replace("&#39;", "'").replace("&quot;", '"')


def test_report_from_lua_and_to_files(h, tmp_path):
    got = h.eval('local r = ihub.report.data{hub = "H", window = "%s", table = "maturity"} '
                 'return r.scope.hub, #r.tables, r.tables[1].name' % WINDOW)
    assert got == ("H", 1, "maturity")
    html = h.eval('return ihub.report.html{hub = "H"}.html')
    assert html.startswith("<!DOCTYPE html>")
    with pytest.raises(ihub.Error):
        h.eval('return ihub.report.html{hub = "H", path = "%s"}' % (tmp_path / "lua.html"))
    out = tmp_path / "r.html"
    r = h.call("report.html", {"hub": "H", "path": str(out)})
    assert r["bytes"] == out.stat().st_size and "html" not in r
    with pytest.raises(ihub.ConflictError):
        h.call("report.html", {"hub": "H", "path": str(out)})
    h.call("report.html", {"hub": "H", "path": str(out), "overwrite": True})
    j = tmp_path / "r.json"
    h.call("report.data", {"hub": "H", "path": str(j)})
    assert '"name": "maturity"' in j.read_text()


def screenshot_dir(tmp_path):
    """Kept out of git: under the build folder when the library is there, else /tmp."""
    lib = os.environ.get("IHUB_LIBRARY", "")
    build = os.path.dirname(os.path.dirname(lib)) if ".build" in lib else None
    folder = os.path.join(build, "test-screenshots") if build and os.path.isdir(build) else str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    return folder


def test_page_opens_in_headless_chromium(h, tmp_path):
    browser_path = cdp.find_chromium()
    if browser_path is None:
        pytest.skip("chromium is not installed (scripts/setup installs it)")
    file = tmp_path / "report.html"
    h.call("report.html", {"hub": "H", "window": WINDOW, "path": str(file)})
    url = "file://" + str(file)
    with cdp.Browser(browser_path) as browser:
        page = browser.page()
        page.load(url)
        assert page.problems() == []
        assert [u for u in page.requests() if u != url and not u.startswith("data:")] == []
        shot = page.screenshot(os.path.join(screenshot_dir(tmp_path), "report-H.png"))
        assert os.path.getsize(shot) > 1000
        seen = page.evaluate("""JSON.stringify({
            sections: [...document.querySelectorAll('section')].map(s => s.id),
            svgs: [...document.querySelectorAll('svg')].map(s => [s.id, s.firstElementChild && s.firstElementChild.tagName,
                                                                  s.getBoundingClientRect().width > 0]),
            scripts: document.scripts.length,
            title: document.title})""")
    import json
    seen = json.loads(seen)
    assert seen["sections"] == SECTIONS
    assert seen["scripts"] == 0
    assert seen["svgs"] and all(tag == "title" and shown for _, tag, shown in seen["svgs"]), seen["svgs"]
    assert seen["title"] == f"ihub report — {HOSTILE_HUB} (H)"


# ---------------------------------------------------------------------------
# the CLI


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_report_html_json_csv(tmp_path):
    db = str(tmp_path / "hub.db")
    with ihub.open(db) as h:
        fill(h)

    def run(*args):
        done = subprocess.run([cli(), "report", *args, "--db", db], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = tmp_path / "report.html"
    said = run("--hub", "H", "--out", str(out), "--window", WINDOW)
    assert said.startswith(f"{out}: ") and "Maturity per area per round" in said
    assert out.read_text().startswith("<!DOCTYPE html>")
    again = subprocess.run([cli(), "report", "--hub", "H", "--out", str(out), "--db", db], capture_output=True, text=True)
    assert again.returncode == 4 and "IHUB_CONFLICT" in again.stderr
    run("--hub", "H", "--out", str(out), "--force")
    assert '"name": "maturity"' in run("--hub", "H", "--format", "json", "--table", "maturity")
    run("--hub", "H", "--format", "csv", "--out", str(tmp_path / "t.csv"), "--window", WINDOW)
    assert sorted(p.name for p in tmp_path.glob("t-*.csv")) == sorted(f"t-{t}.csv" for t in TABLES)
    assert (tmp_path / "t-maturity.csv").read_text().startswith("hub,round,instrument,group,area,area_name,n,mean,sd,suppressed")
    consortium = run("--format", "csv", "--table", "maturity")
    assert consortium.startswith("hub,round,") and ",R2,check,leaders,overall,Overall,2,4.25," in consortium


def test_an_empty_hub_gets_a_page_whose_sections_say_why_they_are_empty():
    with ihub.open() as h:
        h.call("hub.add", {"code": "E", "name": "Empty", "country": "EE"})
        r = h.call("report.html", {"hub": "E"})
        assert [s["id"] for s in r["sections"]] == SECTIONS
        missing = {s["id"]: s["missing"] for s in r["sections"]}
        assert missing["maturity"] == "No assessment responses in any round of this scope."
        assert missing["change"] == "No two rounds of one hub with the same instrument."
        assert missing["impact"] == "No two rounds of one hub with the same instrument to compare."
        assert structure(r["html"]).sections == SECTIONS
        data = h.call("report.data", {"hub": "E"})
        assert [t["name"] for t in data["tables"]] == TABLES
        assert all(t["rows"] == [] for t in data["tables"] if t["name"] not in ("targets", "activity"))


def test_activity_months_keep_to_the_window():
    """A custom window cuts its first and last month: only its own days count."""
    with ihub.open() as h:
        h.hub.add(code="H", name="Hub", country="EE")
        h.school.add(hub="H", code="S1", name="S1")
        for d in ["2026-09-05", "2026-09-20", "2026-10-05", "2026-10-20"]:
            h.activity.log(hub="H", kind="session", date=d, minutes=60, participants=[{"school": "S1"}])
        (table,) = h.report.data(hub="H", window="2026-09-15..2026-10-10", table="activity")["tables"]
        assert [(r["month"], r["activities"]) for r in table["rows"]] == [("2026-09", 1), ("2026-10", 1)]
