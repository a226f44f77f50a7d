"""The example hubs of scripts/hubs: each package runs the demo cycle of
the hub it is modelled on (classification of both rounds, school pairs,
then teacher pairs) and gives visibly different pairs from the default
policy, in the way its design says. Each test runs the cycle twice on the
same synthetic region (seed 1): with the package and without it."""

import math
import os
import subprocess

import pytest

import ihub

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HUBS = os.path.join(ROOT, "scripts", "hubs")
HOOKS = {"rules.lua": "classify", "pairing.lua": "pairing", "process.lua": "process",
         "indicators.lua": "indicators", "insights.lua": "insights"}
PACKAGES = {"accelerator": "EE-ACC", "school-pairs": "FI-TRE", "ct-network": "LT-CTA", "collegial-region": "GE-IMR"}


def package_files(name):
    """The methodology files of a package folder (hooks, instruments/)."""
    folder = os.path.join(HUBS, name)
    files = {}
    for entry in sorted(os.listdir(folder)):
        if entry in HOOKS:
            with open(os.path.join(folder, entry), encoding="utf-8") as f:
                files[entry] = f.read()
    return files


def has_method(h, name):
    return any(m["name"] == name for m in h.call("api.describe"))


def load(h, hub, name):
    """Puts the package in force: methodology.load when this build has it,
    else each hook stored as the hub's script (what the load does)."""
    files = package_files(name)
    if has_method(h, "methodology.load"):
        return h.call("methodology.load", {"hub": hub, "files": files})["version"]
    for hook, script in HOOKS.items():
        if hook in files:
            h.call("script.set", {"hub": hub, "name": script, "source": files[hook]})
        elif h.call("script.list", {"hub": hub}) and any(s["name"] == script for s in h.call("script.list", {"hub": hub})):
            h.call("script.remove", {"hub": hub, "name": script})
    return None


def cycle(hub, package=None):
    """The demo's cycle for `hub` in a fresh region: the package (or the
    demo's default: one mentee per teacher mentor), both rounds classified,
    the second round paired and confirmed at school then teacher level."""
    with ihub.open() as h:
        h.call("demo.populate", {"seed": 1})
        if package:
            load(h, hub, package)
        for r in ("R1", "R2"):
            for subject in ("school", "teacher"):
                h.call("classification.run", {"hub": hub, "round": f"{hub}-{r}", "subject": subject})
        round_ = f"{hub}-R2"
        schools = h.call("pairing.propose", {"hub": hub, "round": round_, "level": "school"})
        h.call("pairing.confirm", {"run": schools["run"], "start": "2025-09-15"})
        if not package:
            h.call("script.set", {"hub": hub, "name": "pairing", "source": "capacity.teacher.mentor_max = 1"})
        teachers = h.call("pairing.propose", {"hub": hub, "round": round_, "level": "teacher"})
        classes = {c["code"]: c["class"] for subject in ("school", "teacher")
                   for c in h.call("classification.list", {"round": round_, "subject": subject})}
        places = {s["code"]: (s["latitude"], s["longitude"]) for s in h.call("school.list", {"hub": hub})}
        school_of = {}
        for p in h.call("person.list", {"hub": hub, "role": "teacher", "limit": 10000}):
            if p["memberships"]:
                school_of[p["code"]] = p["memberships"][0]["school"]
        first = (schools["pairs"] or [None])[0]
        explained = first and h.call("pairing.explain", {"run": schools["run"], "mentee": first["mentee"], "mentor": first["mentor"]})
        return {"schools": pairs(schools), "teachers": pairs(teachers), "classes": classes, "places": places,
                "school_explained": explained,
                "school_of": school_of, "school_run": schools, "teacher_run": teachers}


def pairs(run):
    return sorted((p["mentee"], p["mentor"]) for p in run["pairs"])


def km(a, b):
    r = math.pi / 180
    h = math.sin((b[0] - a[0]) * r / 2) ** 2 + math.cos(a[0] * r) * math.cos(b[0] * r) * math.sin((b[1] - a[1]) * r / 2) ** 2
    return 12742 * math.asin(min(1, math.sqrt(h)))


def loads(ps):
    n = {}
    for _, mentor in ps:
        n[mentor] = n.get(mentor, 0) + 1
    return n


@pytest.fixture(scope="module")
def cycles():
    """Each hub's cycle with and without its package, run once per module."""
    return {name: (cycle(hub, name), cycle(hub)) for name, hub in PACKAGES.items()}


def test_every_package_reads_as_a_package_and_stores_its_hooks():
    with ihub.open() as h:
        h.call("demo.populate", {"seed": 1, "assessments": False})
        for name, hub in PACKAGES.items():
            load(h, hub, name)
            stored = {s["name"] for s in h.call("script.list", {"hub": hub})}
            assert stored == {HOOKS[f] for f in package_files(name)}, name


def test_accelerator_pairs_teachers_inside_their_school_and_more_of_them(cycles):
    own, default = cycles["accelerator"]
    of = own["school_of"]
    # The default pairs teachers across the paired schools too; the accelerator never does.
    assert own["teachers"] and all(of[a] == of[b] for a, b in own["teachers"])
    # Up to four colleagues per change agent, where the demo's default allows one.
    assert max(loads(own["teachers"]).values()) > 1 >= max(loads(default["teachers"]).values(), default=0)
    assert max(loads(own["teachers"]).values()) <= 4
    # The cohort's own bar: the default finds no advanced school, hence no school pair.
    assert default["schools"] == [] and own["schools"]
    assert all(own["classes"][m] == "advanced" for _, m in own["schools"])
    assert max(loads(own["schools"]).values()) <= 3


def test_school_pairs_are_one_to_one_and_near(cycles):
    own, default = cycles["school-pairs"]
    places = own["places"]
    assert own["schools"], own["school_run"]["unmatched"]
    assert all(n == 1 for n in loads(own["schools"]).values())
    assert all(km(places[a], places[b]) <= 25 for a, b in own["schools"])
    # The default pairs a school with one 66 km away, and gives a mentor school two.
    assert any(km(places[a], places[b]) > 25 for a, b in default["schools"])
    assert max(loads(default["schools"]).values()) == 2
    # Teachers are paired across the school pair only, never in one staff room.
    paired = {frozenset(p) for p in own["schools"]}
    of = own["school_of"]
    assert own["teachers"] and all(frozenset((of[a], of[b])) in paired for a, b in own["teachers"])
    assert any(of[a] == of[b] for a, b in default["teachers"])


def test_ct_network_gives_few_mentors_many_teachers_across_schools(cycles):
    own, default = cycles["ct-network"]
    per_mentor = loads(own["teachers"])
    # Few mentors for many teachers: up to eight each, where the demo's default allows one.
    assert max(per_mentor.values()) == 8 and max(loads(default["teachers"]).values()) == 1
    assert len(own["teachers"]) / len(per_mentor) >= 5
    assert len(per_mentor) < len(loads(default["teachers"])) / 2
    of = own["school_of"]
    # A network across schools: most pairs join schools that are not a school pair.
    paired = {frozenset(p) for p in own["schools"]}
    across = [p for p in own["teachers"] if of[p[0]] != of[p[1]] and frozenset((of[p[0]], of[p[1]])) not in paired]
    assert len(across) > len(own["teachers"]) / 2
    # The default pairs teachers of one school or of a school pair only.
    paired = {frozenset(p) for p in default["schools"]}
    assert all(of[a] == of[b] or frozenset((of[a], of[b])) in paired for a, b in default["teachers"])
    assert all(own["classes"][m] == "advanced" for _, m in own["teachers"])


def test_collegial_region_pairs_cross_achievement_levels(cycles):
    own, default = cycles["collegial-region"]
    order = {"beginning": 1, "developing": 2, "advanced": 3}
    cls = own["classes"]
    # The hub's earlier classify script finds no advanced school, so the default
    # policy has no mentor; the package's levels give pairs, each crossing levels.
    assert default["schools"] == []
    assert own["schools"] and all(order[cls[mentor]] > order[cls[mentee]] for mentee, mentor in own["schools"])
    assert own["teachers"] and all(order[cls[mentor]] > order[cls[mentee]] for mentee, mentor in own["teachers"])
    # Up to three colleagues each, by the collegial method, where the demo's default allows one.
    assert max(loads(own["teachers"]).values()) == 3
    # Schools from different parts of the region: the run scores how far apart they are.
    criteria = {c["criterion"] for c in own["school_explained"]["criteria"]}
    assert {"apart", "level_step", "complementarity"} <= criteria and "distance" not in criteria

def cli():
    path = os.path.join(os.path.dirname(os.environ.get("IHUB_LIBRARY", "")), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_passes_its_own_tests(name):
    with ihub.open() as h:
        if not has_method(h, "methodology.test"):
            pytest.skip("this build has no methodology.test")
        r = h.call("methodology.test", {"path": os.path.join(HUBS, name)})
    failed = [(t["file"], t["name"], t["failures"]) for t in r["tests"] if not t["ok"]]
    assert failed == [] and r["failed"] == 0
    assert r["passed"] == len(r["tests"]) >= 3


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_ihub_demo_runs_the_cycle_with_the_package(name):
    hub = PACKAGES[name]
    with ihub.open() as h:
        if not has_method(h, "methodology.load"):
            pytest.skip("this build has no methodology.load")
    done = subprocess.run([cli(), "demo", "--methodology", os.path.join(HUBS, name), "--hub", hub],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"{hub}'s methodology (methodology.load): {os.path.join(HUBS, name)}, version " in out
    assert f"Pairing {hub} in {hub}-R2 with its methodology package" in out
    assert f"The mentoring process of {hub}'s school pairs" in out


def test_ihub_demo_refuses_a_hub_not_in_the_region():
    done = subprocess.run([cli(), "demo", "--methodology", os.path.join(HUBS, "accelerator"), "--hub", "XX-NONE"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "--hub: no hub 'XX-NONE' in the demo region (EE-ACC, FI-TRE, LT-CTA, GE-IMR, NO-TRD)" in done.stderr


def test_a_packages_folder_loads_with_its_readme_left_out():
    with ihub.open() as h:
        if not has_method(h, "methodology.load"):
            pytest.skip("this build has no methodology.load")
        h.call("demo.populate", {"seed": 1, "assessments": False})
        folder = os.path.join(HUBS, "collegial-region")
        assert os.path.exists(os.path.join(folder, "README.md"))
        loaded = h.call("methodology.load", {"hub": "GE-IMR", "path": folder})
        assert [f["name"] for f in loaded["files"]] == ["pairing.lua", "process.lua", "rules.lua"]
        # The same version as the files given one by one: the README is no part of it.
        again = h.call("methodology.load", {"hub": "GE-IMR", "files": package_files("collegial-region")})
        assert (again["version"], again["new"]) == (loaded["version"], False)


def test_the_decisions_of_a_packages_cycle_refer_to_its_version():
    with ihub.open() as h:
        if not has_method(h, "decision.list"):
            pytest.skip("this build has no decision log")
        h.call("demo.populate", {"seed": 1})
        version = load(h, "LT-CTA", "ct-network")
        h.call("classification.run", {"hub": "LT-CTA", "round": "LT-CTA-R2", "subject": "teacher"})
        run = h.call("pairing.propose", {"hub": "LT-CTA", "round": "LT-CTA-R2", "level": "teacher"})
        pairing = h.call("decision.list", {"hub": "LT-CTA", "kind": "pairing"})
        assert [(d["subject"], d["methodology"]) for d in pairing] == [({"kind": "run", "id": run["run"]}, version)]
        assert "remote" in {c["criterion"] for c in pairing[0]["detail"]["pairs"][0]["criteria"]}
        classified = h.call("decision.list", {"hub": "LT-CTA", "kind": "classification", "limit": 500})
        assert classified and {d["methodology"] for d in classified} == {version}
        assert any("the network's mentors: B2 and up" in d["reason"] for d in classified)


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_checks_clean_for_its_hub(name):
    with ihub.open() as h:
        if not has_method(h, "methodology.check"):
            pytest.skip("this build has no methodology.check")
        # On a database of the demo region: the hooks run for the hub, and nothing is written.
        h.call("demo.populate", {"seed": 1})
        before = h.call("script.list", {"hub": PACKAGES[name]})
        r = h.call("methodology.check", {"path": os.path.join(HUBS, name), "hub": PACKAGES[name]})
        assert r["ok"] and [f for f in r["findings"] if f["severity"] == "error"] == []
        assert h.call("script.list", {"hub": PACKAGES[name]}) == before
