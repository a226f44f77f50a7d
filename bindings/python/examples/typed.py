"""A typed program against ihub: the type checker run of the test suite
(bindings/python/tests/test_package.py) checks it with mypy --strict."""

import datetime

import ihub


def main() -> None:
    with ihub.open(":memory:") as h:
        hub = h.hub.add(code="EE-ACC", name="Estonian Digital Accelerator", country="EE", languages=["et"])
        h.school.add(hub="EE-ACC", code="EE-0042", name="Tartu School", level="primary", size=420)
        h.round.add(hub="EE-ACC", code="EE-ACC-R1", name="Autumn", start=datetime.date(2026, 9, 1))
        codes: list[str] = [school["code"] for school in h.school.iter_list(hub="EE-ACC", page=100)]
        version: str = h.api.version()["version"]
        limit: int = h.api.limits()["text_bytes"]
        try:
            h.school.get(code="NOPE")
        except ihub.NotFoundError as e:
            print(e.path, e.message)
        print(hub, codes, version, limit)


if __name__ == "__main__":
    main()
