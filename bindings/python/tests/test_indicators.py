"""The indicator service through ihub_call, Lua and the CLI: a hub's own
indicators declared in Lua (listed, computed, checked against the
contract: errors, out-of-range or wrongly typed values and spent budgets
are reported and never stored), indicator.check of a draft script,
indicator.snapshot storing values per window (recomputing a window
replaces its rows: no duplicates, a failed indicator keeps its earlier
rows) and indicator.series reading them back, withholding values of fewer
than k people."""
import json
import os
import subprocess
import uuid

import pytest

import ihub

POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

# Three indicators over the activity log, read through ihub.activity.list.
INDICATORS = """
local function activities(ctx)
  return ihub.activity.list{hub = ctx.hub, from = ctx.window.from, to = ctx.window.to}
end

indicator{
  name = "minutes", description = "Minutes of activities in the window",
  level = "hub", type = "count",
  compute = function(ctx)
    local total, n = 0, 0
    for _, a in ipairs(activities(ctx)) do total = total + a.minutes; n = n + 1 end
    return {{value = total, detail = {activities = n}}}
  end,
}

indicator{
  name = "person_minutes", description = "Minutes per person who took part",
  level = "person", type = "count",
  compute = function(ctx)
    local by, rows = {}, {}
    for _, a in ipairs(activities(ctx)) do
      for _, p in ipairs(a.participants) do
        if p.person then by[p.person] = (by[p.person] or 0) + a.minutes end
      end
    end
    for code, m in pairs(by) do rows[#rows + 1] = {subject = code, value = m} end
    table.sort(rows, function(x, y) return x.subject < y.subject end)
    return rows
  end,
}

indicator{
  name = "active_share", description = "Share of the hub's people who took part",
  level = "hub", type = "share",
  compute = function(ctx)
    local seen, n = {}, 0
    for _, a in ipairs(activities(ctx)) do
      for _, p in ipairs(a.participants) do
        if p.person and not seen[p.person] then seen[p.person] = true; n = n + 1 end
      end
    end
    local people = #ihub.person.list{hub = ctx.hub}
    return {{value = n / people, n = n, detail = {people = people}}}
  end,
}
"""


def log(h, date, minutes, people, kind="session"):
    return h.call("activity.log", {"hub": "H", "kind": kind, "date": date, "minutes": minutes,
                                   "participants": [{"person": p} for p in people]})


def build(h):
    """Hub H (k = 2): people A, B, C of school S1 and five activities:
    October 90 minutes (A 90, B 60), November 105 (A 15, C 105),
    December 45 (B). Hub G: another hub without a script."""
    h.call("hub.add", {"code": "H", "name": "Hub", "country": "EE", "min_group_size": 2})
    h.call("hub.add", {"code": "G", "name": "Other", "country": "FI"})
    h.call("school.add", {"hub": "H", "code": "S1", "name": "School one"})
    for code in "ABC":
        h.call("person.add", {"hub": "H", "code": code, "name": "Teacher " + code, "schools": ["S1"]})
    log(h, "2026-10-05", 60, ["A", "B"])
    log(h, "2026-10-20", 30, ["A"], kind="workshop")
    log(h, "2026-11-03", 90, ["C"])
    log(h, "2026-11-30", 15, ["A", "C"])
    log(h, "2026-12-01", 45, ["B"])
    h.call("script.set", {"hub": "H", "name": "indicators", "source": INDICATORS})
    return h


@pytest.fixture
def h():
    with ihub.open(script_time_ms=300) as handle:
        yield build(handle)


def by_name(result):
    return {i["name"]: i for i in result["indicators"]}


def values(indicator):
    return [(r["subject"], r["part"], r["value"]) for r in indicator["rows"]]


def test_a_hubs_indicators_follow_the_built_in_set_with_the_scripts_version(h):
    builtin = [d["name"] for d in h.call("indicator.list")]
    listed = h.call("indicator.list", {"hub": "H"})
    assert [d["name"] for d in listed] == builtin + ["H.minutes", "H.person_minutes", "H.active_share"]
    own = {d["name"]: d for d in listed[len(builtin):]}
    version = "script:" + h.call("script.get", {"hub": "H", "name": "indicators"})["hash"]
    assert {d["source"] for d in own.values()} == {version}
    share = own["H.active_share"]
    assert (share["level"], share["type"], share["min"], share["max"]) == ("hub", "share", 0, 1)
    assert share["description"] == "Share of the hub's people who took part"
    assert own["H.minutes"]["max"] is None
    assert [d["name"] for d in h.call("indicator.list", {"hub": "G"})] == builtin


def test_compute_runs_the_scripts_functions_over_the_window(h):
    r = h.call("indicator.compute", {"hub": "H", "window": "2026-11",
                                     "names": ["H.minutes", "H.person_minutes", "H.active_share"]})
    got = by_name(r)
    assert values(got["H.minutes"]) == [(None, None, 105)]
    assert got["H.minutes"]["rows"][0]["activities"] == 2
    assert values(got["H.person_minutes"]) == [("A", None, 15), ("C", None, 105)]
    assert got["H.person_minutes"]["rows"][0]["subject_name"] == "Teacher A"
    share = got["H.active_share"]["rows"][0]
    assert (share["value"], share["n"], share["people"]) == (pytest.approx(2 / 3), 2, 3)
    cumulative = by_name(h.call("indicator.compute", {"hub": "H", "names": ["H.minutes"]}))
    assert values(cumulative["H.minutes"]) == [(None, None, 240)]


def test_snapshots_make_a_series_and_storing_a_window_again_replaces_it(h):
    for month in ["2026-10", "2026-11", "2026-12"]:
        r = h.call("indicator.snapshot", {"hub": "H", "window": month, "names": ["H.minutes", "H.person_minutes"]})
        assert [(i["name"], i.get("stored"), i.get("replaced")) for i in r["indicators"]] == [
            ("H.minutes", 1, 0), ("H.person_minutes", {"2026-10": 2, "2026-11": 2, "2026-12": 1}[month], 0)]
    series = h.call("indicator.series", {"hub": "H", "name": "H.minutes"})
    assert series["level"] == "hub"
    assert [(p["window"]["from"], p["window"]["to"], p["value"], p["activities"]) for p in series["points"]] == [
        ("2026-10-01", "2026-10-31", 90, 2), ("2026-11-01", "2026-11-30", 105, 2), ("2026-12-01", "2026-12-31", 45, 1)]
    assert {p["window"]["kind"] for p in series["points"]} == {"month"}
    version = "script:" + h.call("script.get", {"hub": "H", "name": "indicators"})["hash"]
    assert {p["source"] for p in series["points"]} == {version}

    # The same data again: the same rows, none added.
    again = h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.minutes", "H.person_minutes"]})
    assert [(i["stored"], i["replaced"]) for i in again["indicators"]] == [(1, 1), (2, 2)]
    after = h.call("indicator.series", {"hub": "H", "name": "H.minutes"})
    strip = lambda ps: [{k: v for k, v in p.items() if k != "computed_at"} for p in ps]
    assert strip(after["points"]) == strip(series["points"])

    # New data in November: recomputing replaces the window's value.
    log(h, "2026-11-10", 10, ["B"])
    h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.minutes", "H.person_minutes"]})
    assert [p["value"] for p in h.call("indicator.series", {"hub": "H", "name": "H.minutes"})["points"]] == [90, 115, 45]

    # One subject; a range of window ends.
    a = h.call("indicator.series", {"hub": "H", "name": "H.person_minutes", "subject": "A"})
    assert [(p["window"]["to"], p["subject"], p["value"]) for p in a["points"]] == [("2026-10-31", "A", 90), ("2026-11-30", "A", 15)]
    nov = h.call("indicator.series", {"hub": "H", "name": "H.person_minutes", "from": "2026-11-01", "to": "2026-11-30"})
    assert [(p["subject"], p["value"]) for p in nov["points"]] == [("A", 15), ("B", 10), ("C", 105)]
    assert h.call("indicator.series", {"hub": "H", "name": "H.minutes", "part": "nothing"})["points"] == []
    with pytest.raises(ihub.NotFoundError, match="params.subject"):
        h.call("indicator.series", {"hub": "H", "name": "H.person_minutes", "subject": "NOBODY"})
    with pytest.raises(ihub.InvalidError, match="params.subject: a hub-level indicator has no subjects"):
        h.call("indicator.series", {"hub": "H", "name": "H.minutes", "subject": "A"})
    with pytest.raises(ihub.NotFoundError, match="params.name"):
        h.call("indicator.series", {"hub": "H", "name": "H.nothing"})
    # Windows of different spans are different points.
    h.call("indicator.snapshot", {"hub": "H", "window": "2026-10-01..2026-11-30", "names": ["H.minutes"]})
    points = h.call("indicator.series", {"hub": "H", "name": "H.minutes", "to": "2026-11-30"})["points"]
    assert [(p["window"]["kind"], p["window"]["from"], p["value"]) for p in points] == [
        ("month", "2026-10-01", 90), ("custom", "2026-10-01", 205), ("month", "2026-11-01", 115)]


def test_values_of_fewer_than_k_people_are_stored_and_read_withheld(h):
    for month in ["2026-11", "2026-12"]:
        r = h.call("indicator.snapshot", {"hub": "H", "window": month, "names": ["H.active_share"]})
        assert r["k"] == 2
        assert r["indicators"][0]["suppressed"] == (1 if month == "2026-12" else 0)
    points = h.call("indicator.series", {"hub": "H", "name": "H.active_share"})["points"]
    nov, dec = points
    assert (nov["value"], nov["n"], nov["suppressed"], nov["people"]) == (pytest.approx(2 / 3), 2, False, 3)
    assert (dec["value"], dec["n"], dec["suppressed"]) == (None, 1, True)
    assert "people" not in dec and "fewer than 2 people" in dec["reason"]
    # A larger k later withholds what was stored before.
    h.call("hub.update", {"code": "H", "min_group_size": 3})
    nov = h.call("indicator.series", {"hub": "H", "name": "H.active_share"})["points"][0]
    assert (nov["value"], nov["suppressed"]) == (None, True) and "people" not in nov


BROKEN = """
indicator{name = "fine", description = "Always 7", level = "hub", type = "count",
          compute = function(ctx) return {{value = 7}} end}
indicator{name = "boom", description = "Raises", level = "hub", type = "count",
          compute = function(ctx) error("no data for " .. ctx.hub) end}
indicator{name = "too_big", description = "A share of 1.5", level = "hub", type = "share",
          compute = function(ctx) return {{value = 1.5}} end}
indicator{name = "narrowed", description = "Above its own max", level = "hub", type = "number", max = 10,
          compute = function(ctx) return {{value = 11}} end}
indicator{name = "wrong_type", description = "A string value", level = "hub", type = "number",
          compute = function(ctx) return {{value = "many"}} end}
indicator{name = "fraction", description = "A count of 2.5", level = "hub", type = "count",
          compute = function(ctx) return {{value = 2.5}} end}
indicator{name = "forever", description = "Never ends", level = "hub", type = "count",
          compute = function(ctx) while true do end end}
indicator{name = "greedy", description = "Too much memory", level = "hub", type = "count",
          compute = function(ctx) return {{value = #string.rep("x", 1 << 27)}} end}
indicator{name = "stranger", description = "A subject of no hub", level = "person", type = "count",
          compute = function(ctx) return {{subject = "NOBODY", value = 1}} end}
indicator{name = "twice", description = "A subject twice", level = "person", type = "count",
          compute = function(ctx) return {{subject = "A", value = 1}, {subject = "A", value = 2}} end}
indicator{name = "writer", description = "Tries to write", level = "hub", type = "count",
          compute = function(ctx) ihub.school.add{hub = ctx.hub, code = "X", name = "X"} return {} end}
indicator{name = "one_row", description = "A row, not a list", level = "hub", type = "count",
          compute = function(ctx) return {value = 1} end}
indicator{name = "bad_level", description = "No such level", level = "galaxy", type = "count",
          compute = function(ctx) return {} end}
indicator{name = "nothing", description = "No rows", level = "school", type = "count",
          compute = function(ctx) return {} end}
"""

EXPECTED_ERRORS = {
    "H.boom": ("IHUB_SCRIPT", "no data for H"),
    "H.too_big": ("IHUB_CONSTRAINT", "1.5 is above the maximum 1.0"),
    "H.narrowed": ("IHUB_CONSTRAINT", "11.0 is above the maximum 10.0"),
    "H.wrong_type": ("IHUB_CONSTRAINT", 'value is "many"; expected a number'),
    "H.fraction": ("IHUB_CONSTRAINT", "not a whole number"),
    "H.forever": ("IHUB_LIMIT", "time"),
    "H.greedy": ("IHUB_LIMIT", "memory"),
    "H.stranger": ("IHUB_SCRIPT", "subject 'NOBODY' is not a person of H"),
    "H.twice": ("IHUB_SCRIPT", "repeats the subject and part"),
    "H.writer": ("IHUB_SCRIPT", "methodology scripts may not write"),
    "H.one_row": ("IHUB_SCRIPT", "compute returned one row, not a list of rows"),
    "H.bad_level": ("IHUB_SCRIPT", 'level is "galaxy"'),
}


def test_failing_indicators_are_reported_and_never_stored(h):
    h.call("script.set", {"hub": "H", "name": "indicators", "source": BROKEN})
    names = ["H.fine", *EXPECTED_ERRORS, "H.nothing"]
    r = by_name(h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": names}))
    assert (r["H.fine"]["stored"], r["H.nothing"]["stored"]) == (1, 0)
    for name, (status, words) in EXPECTED_ERRORS.items():
        assert "stored" not in r[name], name
        assert r[name]["error"]["status"] == status, (name, r[name]["error"])
        assert words in r[name]["error"]["message"], (name, r[name]["error"])
        assert h.call("indicator.series", {"hub": "H", "name": name})["points"] == []
    assert [p["value"] for p in h.call("indicator.series", {"hub": "H", "name": "H.fine"})["points"]] == [7]
    # The same failures through indicator.compute; the others still run.
    computed = by_name(h.call("indicator.compute", {"hub": "H", "names": ["H.boom", "H.fine"]}))
    assert computed["H.boom"]["error"]["status"] == "IHUB_SCRIPT" and values(computed["H.fine"]) == [(None, None, 7)]


def test_a_failing_indicator_keeps_the_windows_earlier_rows(h):
    h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.minutes"]})
    h.call("script.set", {"hub": "H", "name": "indicators", "source": INDICATORS.replace(
        "return {{value = total, detail = {activities = n}}}", "error('the log is closed')")})
    r = h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.minutes"]})
    assert r["indicators"][0]["error"]["status"] == "IHUB_SCRIPT"
    assert [p["value"] for p in h.call("indicator.series", {"hub": "H", "name": "H.minutes"})["points"]] == [105]


def test_a_script_that_cannot_declare_gives_one_failing_indicator(h):
    h.call("script.set", {"hub": "H", "name": "indicators", "source": "indicator{name = 'x', compute = 1}"})
    listed = h.call("indicator.list", {"hub": "H"})
    assert listed[-1]["name"] == "H.indicators" and "compute is 1" in listed[-1]["description"]
    r = h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.indicators"]})
    error = r["indicators"][0]["error"]
    assert error["status"] == "IHUB_SCRIPT" and "H/indicators:1:" in error["message"]
    h.call("script.set", {"hub": "H", "name": "indicators", "source": "indicator{name = 'x', compute = print}\n"
                                                                       "indicator{name = 'x', compute = print}"})
    r = h.call("indicator.compute", {"hub": "H", "names": ["H.indicators"]})
    assert "declared twice" in r["indicators"][0]["error"]["message"]


def test_check_runs_a_draft_without_storing_it(h):
    h.call("script.remove", {"hub": "H", "name": "indicators"})
    r = h.call("indicator.check", {"hub": "H", "source": INDICATORS, "window": "2026-10"})
    assert r["ok"] is True and r["source"].startswith("script:")
    got = by_name(r)
    assert list(got) == ["H.minutes", "H.person_minutes", "H.active_share"]
    assert values(got["H.person_minutes"]) == [("A", None, 90), ("B", None, 60)]
    assert [d["name"] for d in r["definitions"]] == list(got)
    assert [d["name"] for d in h.call("indicator.list", {"hub": "H"})] == [d["name"] for d in h.call("indicator.list")]
    assert h.call("script.list", {"hub": "H"}) == []
    with pytest.raises(ihub.NotFoundError):
        h.call("indicator.series", {"hub": "H", "name": "H.minutes"})
    bad = h.call("indicator.check", {"hub": "H", "source": BROKEN, "window": "2026-11", "names": ["H.fine", "H.too_big"]})
    assert bad["ok"] is False
    assert [i.get("error", {}).get("status") for i in bad["indicators"]] == [None, "IHUB_CONSTRAINT"]
    syntax = h.call("indicator.check", {"hub": "H", "source": "indicator{"})
    assert syntax["ok"] is False and syntax["indicators"][0]["error"]["status"] == "IHUB_SCRIPT"
    with pytest.raises(ihub.NotFoundError, match="params.hub"):
        h.call("indicator.check", {"hub": "NOPE", "source": INDICATORS})


def test_lua_reaches_the_service_and_a_hub_indicator_reads_the_built_in_set(h):
    builtin = len(h.call("indicator.list"))
    h.call("script.set", {"hub": "H", "name": "indicators", "source": INDICATORS + """
indicator{name = "catalogue", description = "Indicators a hub script sees", level = "hub", type = "count",
          compute = function(ctx) return {{value = #ihub.indicator.list{hub = ctx.hub}}} end}
indicator{name = "own", description = "Reads a hub indicator", level = "hub", type = "count",
          compute = function(ctx) return ihub.indicator.compute{hub = ctx.hub, names = {"H.minutes"}} end}
"""})
    stored = h.eval("""
        local r = ihub.indicator.snapshot{hub = "H", window = "2026-10", names = {"H.minutes", "H.catalogue", "H.own"}}
        local s = ihub.indicator.series{hub = "H", name = "H.minutes"}
        return {r.indicators[1].stored, s.points[1].value, r.indicators[3].error.status}
    """)
    assert stored == [1, 90, "IHUB_SCRIPT"]
    catalogue = h.call("indicator.series", {"hub": "H", "name": "H.catalogue"})["points"]
    assert [p["value"] for p in catalogue] == [builtin]


def test_the_consortium_has_the_built_in_set_and_its_own_series(h):
    r = h.call("indicator.snapshot", {"window": "2026-11"})
    assert r["scope"] == {"consortium": True}
    assert [i["name"] for i in r["indicators"]] == [d["name"] for d in h.call("indicator.list")]
    # Again: each built-in's consortium rows (hub_id NULL) replaced, none added.
    again = h.call("indicator.snapshot", {"window": "2026-11"})
    assert [i.get("replaced") for i in again["indicators"]] == [i.get("stored") for i in r["indicators"]]
    for i in again["indicators"]:
        if "stored" in i:
            assert len(h.call("indicator.series", {"name": i["name"]})["points"]) == i["stored"], i["name"]
    with pytest.raises(ihub.NotFoundError):
        h.call("indicator.series", {"name": "H.minutes"})
    h.call("indicator.snapshot", {"hub": "H", "window": "2026-11", "names": ["H.minutes"]})
    with pytest.raises(ihub.NotFoundError):
        h.call("indicator.series", {"hub": "G", "name": "H.minutes"})


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_the_cli(tmp_path):
    if POSTGRES:
        db, extra = POSTGRES, ["--schema", "cli_" + uuid.uuid4().hex[:12]]
    else:
        db, extra = str(tmp_path / "i.db"), []
    with ihub.open(db, **({"schema": extra[1]} if extra else {})) as h:
        build(h)

    def run(*args):
        done = subprocess.run([cli(), "indicator", *args, "--db", db, *extra], capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    rc, out, _ = run("list", "--hub", "H")
    assert rc == 0 and "H.active_share" in out and "share" in out
    rc, out, _ = run("compute", "--hub", "H", "--window", "2026-11", "--name", "H.person_minutes")
    assert rc == 0 and "H.person_minutes (person, count): 2 rows" in out
    assert "  A" in out and " 15" in out and "  C" in out and " 105" in out
    rc, out, _ = run("snapshot", "--hub", "H", "--window", "2026-11", "--name", "H.minutes", "--name", "H.active_share")
    assert rc == 0 and "1 stored, 0 withheld, 0 replaced" in out
    rc, out, _ = run("snapshot", "--hub", "H", "--window", "2026-12", "--name", "H.active_share")
    assert rc == 0 and "1 stored, 1 withheld, 0 replaced" in out
    rc, out, _ = run("series", "--hub", "H", "--name", "H.minutes")
    assert rc == 0 and "H.minutes (hub): 1 point" in out and "2026-11-01..2026-11-30" in out and "105" in out
    rc, out, _ = run("series", "--hub", "H", "--name", "H.active_share", "--json")
    assert [p["suppressed"] for p in json.loads(out)["points"]] == [False, True]
    rc, out, _ = run("series", "--hub", "H", "--name", "H.active_share")
    assert "withheld" in out and "0.6667" in out
    draft = tmp_path / "draft.lua"
    draft.write_text('indicator{name = "seven", description = "7", level = "hub", type = "count",'
                     ' compute = function() return {{value = 7}} end}')
    rc, out, _ = run("check", "--hub", "H", "--script", str(draft))
    assert rc == 0 and "H.seven (hub, count): 1 row" in out and "ok: every indicator computed" in out
    rc, out, err = run("series", "--hub", "H", "--name", "H.nothing")
    assert rc == 3 and "IHUB_NOTFOUND: params.name" in err


def test_declared_options_take_their_defaults_and_are_checked(h):
    h.call("script.set", {"hub": "H", "name": "indicators", "source": """
indicator{name = "days", description = "The days option", level = "hub", type = "days",
          options = {{name = "days", type = "integer", description = "how many (default 7)", default = 7}},
          compute = function(ctx) return {{value = ctx.options.days}} end}
"""})
    listed = h.call("indicator.list", {"hub": "H"})[-1]
    assert [(o["name"], o["type"], o["doc"]) for o in listed["options"]] == [("days", "integer", "how many (default 7)")]
    compute = lambda options: h.call("indicator.compute", {"hub": "H", "names": ["H.days"], **options})["indicators"][0]
    assert values(compute({})) == [(None, None, 7)]
    assert values(compute({"options": {"H.days": {"days": 3}}})) == [(None, None, 3)]
    with pytest.raises(ihub.InvalidError, match="params.options.H.days.days: expected an integer"):
        compute({"options": {"H.days": {"days": "x"}}})
    with pytest.raises(ihub.InvalidError, match="params.options.H.days.weeks: unknown field"):
        compute({"options": {"H.days": {"weeks": 1}}})
    h.call("script.set", {"hub": "H", "name": "indicators", "source": """
indicator{name = "bad", description = "A default of the wrong type", level = "hub", type = "days",
          options = {{name = "days", type = "integer", default = "soon"}}, compute = function() return {} end}
"""})
    error = h.call("indicator.compute", {"hub": "H", "names": ["H.bad"]})["indicators"][0]["error"]
    assert error["status"] == "IHUB_SCRIPT" and "options[1].default: expected an integer" in error["message"]


def test_windows_and_options_are_checked_before_anything_runs():
    with ihub.open() as h:
        h.hub.add(code="H", name="Hub", country="EE")
        for window in ["-001/00", "0000-01-01..0000-01-31", "+2026-11", "2026/2"]:
            with pytest.raises(ihub.InvalidError, match="params.window"):
                h.indicator.compute(hub="H", window=window)
        with pytest.raises(ihub.InvalidError, match="params.window"):
            h.insight.generate(hub="H", window="cumulative:0000-05-01")
        with pytest.raises(ihub.NotFoundError, match="params.options: no indicator 'nope'"):
            h.indicator.compute(hub="H", options={"nope": {}})
        with pytest.raises(ihub.InvalidError, match=r"params\.options\.risk\.inactive_mentorships"):
            h.indicator.compute(hub="H", options={"risk.inactive_mentorships": {"dayz": 5}})
        with pytest.raises(ihub.InvalidError, match=r"params\.options\.maturity\.change\.instrument"):
            h.indicator.compute(hub="H", options={"maturity.change": {"instrument": 5}})
        days = h.indicator.compute(hub="H", names=["risk.inactive_mentorships"], options={"risk.inactive_mentorships": {"days": 5}})
        assert days["indicators"][0]["rows"] == []
