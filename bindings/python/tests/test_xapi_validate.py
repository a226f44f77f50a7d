"""xapi.validate: xAPI 1.0.3 statements checked offline, through ihub_call,
the admin Lua context and `ihub xapi validate` (NDJSON and JSON arrays,
every problem by index or line and property path)."""
import json
import os
import subprocess

import pytest

import ihub

GOOD = {
    "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": {"objectType": "Agent", "name": "Mari", "mbox": "mailto:mari@example.ee"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"et": "osales", "en-US": "attended"}},
    "object": {"id": "https://hub.example.ee/activities/workshop-7",
               "definition": {"name": {"en": "Digipeda workshop"},
                              "type": "http://adlnet.gov/expapi/activities/meeting"}},
    "context": {"contextActivities": {"parent": [{"id": "https://hub.example.ee/processes/3"}]}, "platform": "ihub"},
    "timestamp": "2026-03-02T09:00:00.000Z",
}


def with_(**changes):
    s = json.loads(json.dumps(GOOD))
    s.update(changes)
    return s


BAD_MBOX = with_(actor={"mbox": "mari@example.ee"})
BAD_PARENT = with_(context={"contextActivities": {"parent": [{"id": "workshop 7"}]}})


def paths(result):
    return [e["path"] for e in result["errors"]]


@pytest.fixture
def h():
    with ihub.open() as handle:
        yield handle


def test_statements_counted_and_problems_listed_by_index_and_path(h):
    r = h.xapi.validate(statements=[GOOD, BAD_MBOX, GOOD, BAD_PARENT])
    assert (r["valid"], r["invalid"], r["truncated"]) == (2, 2, False)
    assert [x["index"] for x in r["results"]] == [1, 3]
    assert paths(r["results"][0]) == ["actor.mbox"] and not r["results"][0]["valid"]
    assert "mailto:" in r["results"][0]["errors"][0]["message"]
    assert paths(r["results"][1]) == ["context.contextActivities.parent[0].id"]
    everything = h.xapi.validate(statements=[GOOD, BAD_MBOX], all=True)["results"]
    assert [x["valid"] for x in everything] == [True, False] and "line" not in everything[0]


def test_should_rules_are_warnings_and_the_statement_stays_valid(h):
    r = h.xapi.validate(statements=[with_(timestamp="2026-03-02T11:00:00+02:00")])
    assert (r["valid"], r["invalid"], r["with_warnings"]) == (1, 0, 1)
    assert r["results"][0]["errors"] == [] and [w["path"] for w in r["results"][0]["warnings"]] == ["timestamp"]
    assert h.xapi.validate(statements=[with_(timestamp="2026-03-02T11:00:00+02:00")], warnings=False)["results"] == []


def test_ndjson_text_reports_lines_and_lines_that_are_not_json(h):
    text = "\n".join([json.dumps(GOOD), "", json.dumps(BAD_MBOX), "{not json", json.dumps(GOOD)]) + "\n"
    r = h.xapi.validate(text=text)
    assert (r["valid"], r["invalid"]) == (2, 2)
    assert [(x["index"], x["line"]) for x in r["results"]] == [(1, 3), (2, 4)]
    assert r["results"][1]["errors"][0]["path"] == "" and r["results"][1]["errors"][0]["message"].startswith("not JSON")
    array = h.xapi.validate(text=json.dumps([GOOD, BAD_PARENT]))
    assert (array["valid"], array["invalid"]) == (1, 1) and "line" not in array["results"][0]


def test_a_file_of_many_statements_is_streamed(h, tmp_path):
    path = tmp_path / "statements.ndjson"
    line = json.dumps(GOOD)
    with open(path, "w") as f:
        for i in range(20000):
            f.write((json.dumps(BAD_MBOX) if i == 12345 else line) + "\n")
    r = h.xapi.validate(path=str(path))
    assert (r["valid"], r["invalid"]) == (19999, 1)
    assert [(x["index"], x["line"]) for x in r["results"]] == [(12345, 12346)]
    with pytest.raises(ihub.NotFoundError):
        h.xapi.validate(path=str(tmp_path / "missing.ndjson"))
    with pytest.raises(ihub.InvalidError):
        h.xapi.validate(statements=[GOOD], text=line)


def test_every_object_type_and_the_rules_that_limit_them(h):
    agent = {"objectType": "Agent", "mbox": "mailto:a@example.ee"}
    sub = {"objectType": "SubStatement", "actor": agent, "verb": {"id": "urn:x:plan"},
           "object": {"id": "urn:x:goal"}}
    ok = [with_(object=agent, context={}),
          with_(object={"objectType": "Group", "member": [agent]}, context={}),
          with_(object={"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}, context={}),
          with_(object=sub, context={})]
    assert h.xapi.validate(statements=ok, warnings=False)["invalid"] == 0
    bad = [with_(object=agent),  # platform with an Agent object
           with_(object=dict(sub, id="6690e6c9-3ef0-4ed3-8b37-7f3964730bee"), context={}),
           with_(verb={"id": "http://adlnet.gov/expapi/verbs/voided"}),
           with_(result={"score": {"scaled": 2}}),
           with_(extra=1)]
    r = h.xapi.validate(statements=bad)
    assert [paths(x) for x in r["results"]] == [["context.platform"], ["object.id"], ["object"],
                                                 ["result.score.scaled"], ["extra"]]


def test_lua_reaches_the_validator(h):
    n = h.eval("""
        local r = ihub.xapi.validate{statements = {
            {actor = {mbox = "mailto:a@b.ee"}, verb = {id = "urn:x:v"}, object = {id = "urn:x:o"}},
            {actor = {mbox = "a@b.ee"}, verb = {id = "urn:x:v"}, object = {id = "urn:x:o"}}}}
        return r.valid, r.invalid, r.results[1].errors[1].path
    """)
    assert n == (1, 1, "actor.mbox")
    # Hub scripts must not read files: the path parameter is refused to Lua.
    with pytest.raises(ihub.Error):
        h.eval('return ihub.xapi.validate{path = "/etc/passwd"}')


def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_cli_prints_each_problem_by_line_and_fails_on_invalid(tmp_path):
    path = tmp_path / "s.ndjson"
    path.write_text("\n".join(json.dumps(s) for s in [GOOD, GOOD, BAD_MBOX]) + "\n")
    done = subprocess.run([cli(), "xapi", "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "3 statements: 2 valid, 1 invalid"
    assert lines[1].startswith("line 3: actor.mbox: ")
    good = subprocess.run([cli(), "xapi", "validate", "-"], input=json.dumps([GOOD]), capture_output=True,
                          text=True, timeout=60)
    assert good.returncode == 0 and good.stdout.startswith("1 statement: 1 valid, 0 invalid"), good.stdout + good.stderr
    missing = subprocess.run([cli(), "xapi", "validate", str(tmp_path / "nope")], capture_output=True, text=True, timeout=60)
    assert missing.returncode != 0 and "cannot open" in missing.stderr
