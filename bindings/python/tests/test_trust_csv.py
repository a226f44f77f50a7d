"""A bad-CSV catalogue: spreadsheets as coordinators make them in Estonian, Lithuanian and
Georgian settings (BOM, CRLF, `;`, tabs, decimal commas, day-first dates, codes that lost
their zeros), and the rule that a rejected file reports every problem in one run and
changes nothing."""
import csv
import io
import os
import subprocess

import pytest

import ihub


def region(handle):
    """Three hubs, a school each (one with a code of leading zeros) and a round."""
    handle.call("hub.add", {"code": "EE-HUB", "name": "Eesti", "country": "EE"})
    handle.call("hub.add", {"code": "LT-HUB", "name": "Lietuva", "country": "LT"})
    handle.call("hub.add", {"code": "GE-HUB", "name": "საქართველო", "country": "GE"})
    handle.call("school.add_many", {"schools": [
        {"hub": "EE-HUB", "code": "0042", "name": "Tõravere Kool", "size": 310, "latitude": 58.26},
        {"hub": "LT-HUB", "code": "LT-01", "name": "Žemaitės gimnazija", "municipality": "Šiaulių"},
        {"hub": "GE-HUB", "code": "GE-01", "name": "თბილისის სკოლა"},
    ]})
    handle.call("round.add", {"hub": "EE-HUB", "code": "R1", "name": "Voor 1", "start": "2026-01-05"})


@pytest.fixture
def h():
    with ihub.open() as handle:
        region(handle)
        yield handle


def everything(h):
    """What an export says the database holds: compared before and after a refused file."""
    return {kind: h.call("export.csv", {"kind": kind})["csv"]
            for kind in ("hubs", "schools", "people", "rounds", "responses")}


def refused(h, kind, text, error=ihub.InvalidError, **params):
    """Imports a file that must be refused; returns the dry run's problems and the error."""
    before = everything(h)
    with pytest.raises(error) as e:
        h.call("import.csv", {"kind": kind, "text": text, **params})
    report = h.call("import.csv", {"kind": kind, "text": text, "dry_run": True, **params})
    assert report["valid"] is False and report["problem_count"] == len(report["problems"])
    assert everything(h) == before, "a refused file changed the database"
    return report["problems"], e.value.message


def places(problems):
    return [(p["line"], p["column"], p["field"]) for p in problems]


# --- one pass reports every problem ------------------------------------------------------

BAD_PEOPLE = (
    "hub,code,name,schools,roles\r\n"
    "EE-HUB,P1,Tõnu Õun,0042,teacher\r\n"
    "EE-HUB,P2,Mari Mägi,NOPE,teacher\r\n"          # unknown school
    "XX,P3,Žemaitė Šiaulių,LT-01,teacher\r\n"       # unknown hub
    "EE-HUB,P1,Tõnu Teine,0042,captain\r\n"         # duplicate code, unknown role
    "GE-HUB,P4,ნინო ბერიძე,NOPE|GE-01,teacher\r\n"   # the same unknown school again
    "XX,P5,Jonas,LT-01,teacher\r\n"                 # the same unknown hub again
)


def test_a_rejected_file_reports_every_problem_sorted_with_its_column(h):
    problems, message = refused(h, "people", BAD_PEOPLE, error=ihub.NotFoundError)
    assert places(problems) == [
        (3, 4, "schools"), (4, 1, "hub"), (5, 2, "code"), (5, 5, "roles"), (6, 4, "schools"), (7, 1, "hub"),
    ]
    # The cross-checks are told on every row, not once per run.
    assert [p["message"] for p in problems if p["status"] == "IHUB_NOTFOUND"] == [
        "no school with code 'NOPE'", "no hub with code 'XX'", "no school with code 'NOPE'", "no hub with code 'XX'"]
    assert message.startswith("text: 6 problems: line 3, column 4 (schools): no school with code 'NOPE'; ")
    assert message.endswith("; and 1 more (a dry run or problems_out lists them all)") and "\n" not in message


def test_problems_out_writes_them_all_as_csv(h, tmp_path):
    out = tmp_path / "problems.csv"
    with pytest.raises(ihub.NotFoundError):
        h.call("import.csv", {"kind": "people", "text": BAD_PEOPLE, "problems_out": str(out)})
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == ["line", "column", "field", "message"]
    assert len(rows) == 7 and rows[1] == ["3", "4", "schools", "no school with code 'NOPE'"]
    assert rows[3][:3] == ["5", "2", "code"] and "duplicate code 'P1' (also on line 2)" in rows[3][3]


def test_problems_out_is_refused_to_lua(h, tmp_path):
    target = tmp_path / "problems.csv"
    with pytest.raises(ihub.MisuseError, match=r"params.problems_out: Lua scripts may not read or write files"):
        h.eval(f"return ihub.import.csv{{kind = 'people', text = 'hub,code,name\\nXX,P1,A\\n', problems_out = '{target}'}}")
    assert not target.exists()


def test_many_problems_are_all_counted(h):
    text = "hub,code,name,size\n" + "".join(f"EE-HUB,S{i},Kool {i},suur\n" for i in range(1, 301))
    problems, message = refused(h, "schools", text)
    assert len(problems) == 300 and [p["line"] for p in problems] == list(range(2, 302))
    assert message.startswith("text: 300 problems: line 2, column 4 (size)")


def test_problems_quote_user_input_cut_short(h):
    long_name, long_value = "Märkused" * 1000, "suur" * 5000
    problems, message = refused(h, "schools", f"hub,code,name,size,{long_name}\nEE-HUB,S1,Tõnu,{long_value},x\n")
    assert len(message) < 2000 and len(problems[0]["field"]) < 100 and problems[1]["message"].endswith('…"')


# --- headers ------------------------------------------------------------------------------

def test_headers_match_whatever_their_case_and_accents(h):
    report = h.call("import.csv", {"kind": "schools", "text": "HUB,Códe,NAME,Size\nEE-HUB,S7,Tõnu Õun kool,12\n"})
    assert report["inserted"] == 1 and h.call("school.get", {"code": "S7"})["size"] == 12
    # A Cyrillic м is not an m: "naмe" is not "name".
    problems, _ = refused(h, "schools", "hub,code,naмe\nEE-HUB,S8,X\n")
    assert (1, 3, "naмe") in places(problems)


def test_a_near_miss_gets_a_did_you_mean(h):
    problems, message = refused(h, "schools", "hub,code,nmae,muncipality\nEE-HUB,S8,Elva,Elva vald\n")
    assert places(problems)[:2] == [(1, 3, "nmae"), (1, 4, "muncipality")]
    assert problems[0]["message"].startswith("unknown column (did you mean 'name'?")
    assert problems[1]["message"].startswith("unknown column (did you mean 'municipality'?")


def test_ignore_unknown_columns_keeps_the_coordinators_own_columns_out_of_the_way(h):
    text = "hub,code,name,Märkused,kontakt\nEE-HUB,S8,Elva Gümnaasium,helistada,Tõnu\n"
    problems, _ = refused(h, "schools", text)
    assert places(problems) == [(1, 4, "Märkused"), (1, 5, "kontakt")]
    report = h.call("import.csv", {"kind": "schools", "text": text, "ignore_unknown_columns": True})
    assert report["inserted"] == 1 and report["ignored_columns"] == ["Märkused", "kontakt"]


def test_tab_separated_files_are_read(h, tmp_path):
    path = tmp_path / "koolid.tsv"
    path.write_bytes("\ufeffhub\tcode\tname\tmunicipality\tsize\r\nGE-HUB\tGE-02\tნინო ბერიძე\t\t25\r\n".encode("utf-8"))
    report = h.call("import.csv", {"kind": "schools", "path": str(path)})
    assert report["delimiter"] == "\t" and report["inserted"] == 1
    school = h.call("school.get", {"code": "GE-02"})
    assert school["name"] == "ნინო ბერიძე" and school["municipality"] is None and school["size"] == 25


# --- numbers and dates --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    'hub,code,name,latitude\nEE-HUB,S9,Tartu Kool,"58,38"\n',
    "hub;code;name;latitude\r\nEE-HUB;S9;Tartu Kool;58,38\r\n",
    "hub\tcode\tname\tlatitude\nEE-HUB\tS9\tTartu Kool\t58,38\n",
])
def test_a_decimal_comma_reads_the_same_whatever_the_separator(h, text):
    h.call("import.csv", {"kind": "schools", "text": text})
    assert h.call("school.get", {"code": "S9"})["latitude"] == 58.38


def test_an_unquoted_decimal_comma_in_a_comma_file_says_to_quote_it(h):
    problems, _ = refused(h, "schools", "hub,code,name,latitude\nEE-HUB,S9,Tartu Kool,58,38\n")
    assert places(problems) == [(2, 5, None)]
    assert problems[0]["message"] == '5 fields where the header has 4 (a decimal comma or a comma in a name? quote that cell: "3,5")'


def test_day_first_dates_are_read_only_when_asked(h):
    text = "hub;code;name;start;end\nLT-HUB;LT-R1;Žiemos ratas;03.02.2026;30.06.2026\n"
    problems, _ = refused(h, "rounds", text)
    assert places(problems) == [(2, 4, "start"), (2, 5, "end")]
    assert "give date_format DD.MM.YYYY" in problems[0]["message"]
    h.call("import.csv", {"kind": "rounds", "text": text, "date_format": "DD.MM.YYYY"})
    assert h.call("round.get", {"code": "LT-R1"})["start"] == "2026-02-03"
    h.call("import.csv", {"kind": "rounds", "text": "hub,code,name,start\nGE-HUB,GE-R1,რაუნდი,5/9/2026\n",
                          "date_format": "DD/MM/YYYY"})
    assert h.call("round.get", {"code": "GE-R1"})["start"] == "2026-09-05"


def test_a_date_the_calendar_lacks_says_no_such_date(h):
    problems, _ = refused(h, "rounds", "hub,code,name,start\nEE-HUB,R2,Voor 2,2026-02-30\nEE-HUB,R3,Voor 3,2026-13-01\n")
    assert [p["message"] for p in problems] == ['no such date: "2026-02-30"', 'no such date: "2026-13-01"']
    problems, _ = refused(h, "rounds", "hub,code,name,start\nEE-HUB,R2,Voor 2,29.02.2027\n", date_format="DD.MM.YYYY")
    assert problems[0]["message"] == 'no such date: "29.02.2027"'


# --- partial updates ----------------------------------------------------------------------

def test_a_file_of_code_and_some_columns_updates_just_those(h):
    report = h.call("import.csv", {"kind": "schools", "text": "code;size\r\n0042;420\r\nLT-01;\r\n"})
    assert (report["updated"], report["unchanged"]) == (1, 1)
    school = h.call("school.get", {"code": "0042"})
    assert (school["name"], school["size"], school["latitude"], school["hub"]) == ("Tõravere Kool", 420, 58.26, "EE-HUB")
    # A blank cell keeps the stored value; a cell "-" empties the field.
    h.call("import.csv", {"kind": "schools", "text": "code,size,latitude,municipality\n0042,,-,\nLT-01,,,-\n"})
    school = h.call("school.get", {"code": "0042"})
    assert (school["size"], school["latitude"]) == (420, None)
    assert h.call("school.get", {"code": "LT-01"})["municipality"] is None


def test_a_clear_marker_empties_lists_and_refuses_required_fields(h):
    h.call("person.add", {"hub": "EE-HUB", "code": "P1", "name": "Tõnu Õun", "roles": ["teacher"], "schools": ["0042"],
                          "languages": ["et"]})
    h.call("import.csv", {"kind": "people", "text": "code,languages,schools\nP1,-,-\n"})
    person = h.call("person.get", {"code": "P1"})
    assert person["languages"] == [] and person["memberships"] == [] and person["roles"] == ["teacher"]
    problems, _ = refused(h, "people", "code,name\nP1,-\n")
    assert places(problems) == [(2, 2, "name")] and "must keep its name" in problems[0]["message"]
    # Neither the hub of a record nor the required fields of a new one can be "-".
    problems, _ = refused(h, "people", "hub,code,name\n-,P1,Tõnu\nEE-HUB,P9,-\n-,P8,-\n")
    assert places(problems) == [(2, 1, "hub"), (3, 3, "name"), (4, 1, "hub")]
    assert problems[0]["message"] == "a record's hub cannot be emptied (a blank cell keeps it)"


def test_a_new_record_in_a_partial_file_is_told_what_it_lacks(h):
    problems, _ = refused(h, "schools", "code,name,size\n0042,,5\nS-NEW,,7\n")
    assert places(problems) == [(3, None, None), (3, 2, "name")]
    assert problems[0]["message"] == "'S-NEW' is a new school: it needs hub, which the file has no column for"


# --- Excel -----------------------------------------------------------------------------------

def test_excel_export_is_bom_semicolons_crlf_and_decimal_commas(h, tmp_path):
    out = tmp_path / "koolid.csv"
    h.call("export.csv", {"kind": "schools", "excel": True, "path": str(out)})
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfhub;code;name;level;size;municipality;latitude;longitude;languages\r\n")
    assert "EE-HUB;0042;Tõravere Kool;;310;;58,26;;\r\n".encode() in data
    assert "LT-HUB;LT-01;Žemaitės gimnazija;;;Šiaulių;;;\r\n".encode() in data
    # What Excel saves back in those settings imports unchanged.
    before = everything(h)
    report = h.call("import.csv", {"kind": "schools", "path": str(out)})
    assert report["delimiter"] == ";" and report["unchanged"] == 3 and everything(h) == before
    assert h.call("export.csv", {"kind": "schools", "bom": True, "delimiter": ";"})["csv"].startswith("\ufeffhub;code")


def test_codes_that_lost_their_leading_zeros_say_so(h):
    problems, _ = refused(h, "schools", "hub;code;name;size\r\nEE-HUB;42;Tõravere Kool;310\r\n", error=ihub.ConflictError)
    assert places(problems) == [(2, 2, "code")]
    assert "'0042' exists: the file lost the code's leading zeros" in problems[0]["message"]
    problems, _ = refused(h, "people", "hub,code,name,schools\nEE-HUB,P1,Tõnu Õun,42\nEE-HUB,P2,Mari,42\n",
                          error=ihub.NotFoundError)
    assert places(problems) == [(2, 4, "schools"), (3, 4, "schools")]
    assert all("'0042' exists" in p["message"] for p in problems)


# --- codes are unique in a database ---------------------------------------------------------

def test_a_code_of_another_hub_says_so(h):
    with pytest.raises(ihub.ConflictError) as e:
        h.call("school.add", {"hub": "LT-HUB", "code": "0042", "name": "Žemaitė Šiaulių"})
    assert e.value.message == ("params.code: code '0042' is already used by school 'Tõravere Kool' of hub 'EE-HUB'; "
                               "codes are unique in a database")
    problems, _ = refused(h, "schools", "hub,code,name\nLT-HUB,0042,Žemaitė Šiaulių\n", error=ihub.ConstraintError)
    assert places(problems) == [(2, 2, "code")]
    assert problems[0]["message"] == ("code '0042' is already used by school 'Tõravere Kool' of hub 'EE-HUB'; "
                                      "codes are unique in a database")


# --- wide survey files ----------------------------------------------------------------------

def selfie_items(h):
    return [i["code"] for a in h.call("instrument.get", {"code": "selfie"})["definition"]["areas"] for i in a["items"]]


def test_wide_files_load_one_row_per_respondent(h):
    items = selfie_items(h)
    header = "round;instrument;respondent;school;group;" + ";".join(items)
    answers = [[str(1 + (k + j) % 5) for j in range(len(items))] for k in range(3)]
    answers[1][0] = "na"
    rows = [f"R1;selfie;T{k};0042;teachers;" + ";".join(answers[k]) for k in range(3)]
    report = h.call("import.csv", {"kind": "responses_wide", "text": "\ufeff" + "\r\n".join([header] + rows) + "\r\n"})
    assert (report["responses"], report["answers"]) == (3, 3 * len(items))
    long = h.call("export.csv", {"kind": "responses"})["csv"].splitlines()
    assert len(long) == 1 + 3 * len(items) and "R1,selfie,T1,0042,,teachers,A1,na" in long
    wide = h.call("export.csv", {"kind": "responses_wide"})["csv"]
    assert wide.splitlines()[0] == "round,instrument,respondent,school,person,group," + ",".join(items)
    # The wide export imports back unchanged.
    h.call("import.csv", {"kind": "responses_wide", "text": wide})
    assert h.call("export.csv", {"kind": "responses"})["csv"].splitlines() == long


def test_a_bad_wide_file_reports_every_problem_and_stores_nothing(h):
    items = selfie_items(h)[:3]
    text = ("round,respondent,school,group," + ",".join(items) + ",A9,Märkused\n"
            "R1,T1,0042,teachers,1,2,7,,hea\n"          # 7 is off the scale
            "R1,T2,NOPE,teachers,1,2,3,,\n"            # unknown school
            "R1,T1,0042,teachers,1,,,,\n"              # the same respondent twice
            "R1,T3,0042,teachers,x,2,3,,\n")           # not an answer
    problems, message = refused(h, "responses_wide", text, error=ihub.InvalidError, instrument="selfie")
    assert places(problems) == [(1, 8, "A9"), (1, 9, "Märkused"), (2, 7, items[2]), (3, 3, "school"),
                                (4, 2, "respondent"), (5, 5, items[0])]
    assert problems[0]["message"].startswith("unknown item 'A9' (did you mean 'A1'?")
    assert message.startswith("text: 6 problems: line 1, column 8 (A9): unknown item 'A9'")


def test_a_bad_long_file_names_the_item_column_and_every_unknown_round(h):
    text = ("round,instrument,respondent,school,person,group,item,answer\r\n"
            "R1,selfie,T1,0042,,teachers,A1,3\r\n"
            "R1,selfie,T1,0042,,teachers,Z9,3\r\n"       # unknown item: the item column
            "R9,selfie,T2,0042,,teachers,A1,3\r\n"       # unknown round
            "R9,selfie,T2,0042,,teachers,A2,3\r\n"       # and again
            "R1,selfie,T3,42,,teachers,A1,3\r\n")        # a school code that lost its zeros
    problems, _ = refused(h, "responses", text, error=ihub.InvalidError)
    assert places(problems) == [(3, 7, "item"), (4, 1, "round"), (5, 1, "round"), (6, 4, "school")]
    assert problems[0]["message"].startswith("unknown item 'Z9'")
    assert "'0042' exists" in problems[3]["message"]


def test_a_wide_file_needs_its_instrument(h):
    problems, message = refused(h, "responses_wide", "round,respondent,school,group,A1\nR1,T1,0042,teachers,3\n")
    assert message == "text: line 1: no instrument column: give the instrument of the file (params.instrument, --instrument)"


# --- the command line -----------------------------------------------------------------------

def cli():
    library = os.environ.get("IHUB_LIBRARY", "")
    path = os.path.join(os.path.dirname(library), "ihub-cli")
    if not os.path.exists(path):
        pytest.skip("ihub-cli is not beside IHUB_LIBRARY")
    return path


def test_the_cli_prints_one_problem_per_line_and_writes_them_with_problems(tmp_path):
    ihub_cli = cli()
    db = tmp_path / "region.db"
    with ihub.open(str(db)) as h:
        region(h)
    bad = tmp_path / "inimesed.csv"
    bad.write_text(BAD_PEOPLE, encoding="utf-8")
    out = tmp_path / "problems.csv"
    for dry in ([], ["--dry-run"]):
        run = subprocess.run([ihub_cli, "import", str(bad), "--kind", "people", "--db", str(db), "--problems", str(out), "--force"] + dry,
                             capture_output=True, text=True)
        assert run.returncode != 0
        lines = run.stderr.splitlines()
        assert lines[0].startswith("ihub: IHUB_")
        assert lines[1:] == [
            "  line 3, column 4 (schools): no school with code 'NOPE'",
            "  line 4, column 1 (hub): no hub with code 'XX'",
            "  line 5, column 2 (code): duplicate code 'P1' (also on line 2)",
            lines[4],
            "  line 6, column 4 (schools): no school with code 'NOPE'",
            "  line 7, column 1 (hub): no hub with code 'XX'",
        ] and lines[4].startswith("  line 5, column 5 (roles): ")
        assert len(out.read_text(encoding="utf-8").splitlines()) == 7
    good = tmp_path / "koolid.csv"
    good.write_text("HUB\tCODE\tName\tKontakt\nEE-HUB\tS2\tTõnu Õun kool\tx\n", encoding="utf-8")
    run = subprocess.run([ihub_cli, "import", str(good), "--kind", "schools", "--db", str(db), "--ignore-columns"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "1 inserted" in run.stdout and "columns left out: Kontakt" in run.stdout
    excel = tmp_path / "excel.csv"
    run = subprocess.run([ihub_cli, "export", "--kind", "schools", "--excel", "--out", str(excel), "--db", str(db)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert excel.read_bytes().startswith(b"\xef\xbb\xbfhub;code;name")


# --- follow-ups of the review --------------------------------------------------------------

@pytest.mark.parametrize("cell,size", [("7", 7), ("7.0", 7), ("\"7,0\"", 7), ("1e18", 10**18), ("+1e3", 1000),
                                       ("9007199254740993.0", 9007199254740993)])
def test_a_whole_number_cell_reads_as_json_would(h, cell, size):
    """CSV cells take the integers a JSON parameter takes (issue 7: integers, consistently)."""
    h.call("import.csv", {"kind": "schools", "text": f"code,size\n0042,{cell}\n"})
    assert h.call("school.get", {"code": "0042"})["size"] == size


@pytest.mark.parametrize("cell", ["1.5", "1e19", "1e-3", "+"])
def test_a_cell_that_is_no_whole_number_is_refused(h, cell):
    problems, _ = refused(h, "schools", f"code,size\n0042,{cell}\n")
    assert places(problems) == [(2, 2, "size")] and "expected a whole number" in problems[0]["message"]


def test_the_clear_marker_cannot_empty_a_code(h):
    problems, _ = refused(h, "schools", "hub,code,name\nEE-HUB,-,Kool\n")
    assert places(problems) == [(2, 2, "code")] and "code cannot be emptied" in problems[0]["message"]


def test_a_wide_row_with_no_answer_stores_no_response(h):
    items = selfie_items(h)[:2]
    text = "round,respondent,school,group," + ",".join(items) + "\nR1,T1,0042,teachers,3,4\nR1,T2,0042,teachers,,\n"
    report = h.call("import.csv", {"kind": "responses_wide", "text": text, "instrument": "selfie"})
    assert (report["responses"], report["answers"]) == (1, 2)
    assert [line.split(",")[2] for line in h.call("export.csv", {"kind": "responses"})["csv"].splitlines()[1:]] == ["T1", "T1"]
