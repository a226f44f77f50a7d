#!/usr/bin/env python3
"""Writes the generated part of the Python package from the library's own
catalogue (api.describe): ihub/_api.py, one class per namespace with one
method per operation (keyword parameters, docstrings), and ihub/_api.pyi,
its types (parameters from the declared shapes, results as TypedDicts).

    python3 bindings/python/generate.py            rewrite both files
    python3 bindings/python/generate.py --check    fail if they are stale

The library is IHUB_LIBRARY, else the repository's release build.
scripts/test runs --check, so the files always match the library.
"""

import keyword
import os
import re
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PACKAGE = os.path.join(HERE, "ihub")

SCALARS = {"string": "str", "text": "str", "language": "str", "integer": "int", "number": "float",
           "boolean": "bool", "date": "str", "timestamp": "str", "any": "Any"}
# Parameters also take the Python value the binding converts.
PARAM_SCALARS = {**SCALARS, "date": "datetime.date | str", "timestamp": "datetime.datetime | str",
                 "number": "float | decimal.Decimal"}


def catalogue():
    os.environ.setdefault("IHUB_LIBRARY", os.path.join(ROOT, ".build-release", "release", "libihub.so"))
    # The core only, not the package's generated half (which may be stale
    # or missing while this runs): load it by hand from its file.
    import ctypes
    import json
    lib = ctypes.CDLL(os.environ["IHUB_LIBRARY"])
    lib.ihub_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.ihub_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.ihub_close.argtypes = [ctypes.c_void_p]
    lib.ihub_free.argtypes = [ctypes.c_void_p]
    h, out = ctypes.c_void_p(), ctypes.c_void_p()
    if lib.ihub_open(b":memory:", None, ctypes.byref(h)) or lib.ihub_call(h, b"api.describe", None, ctypes.byref(out)):
        sys.exit("generate.py: cannot read api.describe from " + os.environ["IHUB_LIBRARY"])
    methods = json.loads(ctypes.string_at(out).decode())
    lib.ihub_free(out)
    lib.ihub_close(h)
    return methods


def python_name(name):
    return name + "_" if keyword.iskeyword(name) or name in ("self", "params", "page") else name


def class_name(text):
    return "".join(part.capitalize() for part in re.split(r"[._]", text))


def namespaces(methods):
    grouped = {}
    for m in methods:
        ns, _, op = m["name"].partition(".")
        grouped.setdefault(ns, []).append((op, m))
    return grouped


def pages(m):
    names = {p["name"] for p in m["params"]}
    return {"limit", "offset"} <= names


def date_plan(shape):
    """Where a result holds dates: "d", "t", ("[]", plan), ("{}", plan),
    ("o", {field: plan}); None where it holds none."""
    kind = shape["type"]
    if kind == "date":
        return "d"
    if kind == "timestamp":
        return "t"
    if kind == "array":
        inner = date_plan(shape["items"])
        return ("[]", inner) if inner else None
    if kind == "map":
        inner = date_plan(shape["values"])
        return ("{}", inner) if inner else None
    if kind == "object":
        fields = {f["name"]: date_plan(f) for f in shape["fields"]}
        fields = {k: v for k, v in fields.items() if v}
        return ("o", fields) if fields else None
    return None


def type_words(shape):
    kind = shape["type"]
    if kind == "enum":
        return "one of " + ", ".join(shape["values"])
    if kind == "array":
        return "list of " + type_words(shape["items"])
    if kind == "map":
        return "dict of " + type_words(shape["values"])
    return kind


def docstring(m, python_call):
    lines = [m["summary"], ""]
    if m["params"]:
        lines.append("Parameters:")
        for p in m["params"]:
            need = ", required" if p["required"] else ""
            lines.append(f"    {python_name(p['name'])} ({type_words(p)}{need}): {p['doc']}")
        lines.append("")
    result = m.get("result")
    if result:
        lines.append(f"Returns {type_words(result)}" + (":" if result["type"] in ("object", "array") else "."))
        fields = result.get("fields") or (result.get("items") or {}).get("fields") or []
        for f in fields:
            lines.append(f"    {f['name']} ({type_words(f)}): {f['doc']}")
        lines.append("")
    if m.get("errors"):
        lines.append("Raises:")
        for e in m["errors"]:
            lines.append(f"    {e['status']}: {e['when']}")
        lines.append("")
    if m.get("example") is not None:
        lines += ["Example:", f"    {python_call}", ""]
    text = "\n".join(lines).strip()
    wrapped = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        wrapped += textwrap.wrap(line, 96, initial_indent="", subsequent_indent=indent + "    ") or [""]
    body = "\n".join(("        " + w) if w else "" for w in wrapped).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '        """' + body.lstrip() + '\n        """'


def example_call(ns, op, m):
    example = m.get("example") or {}
    attribute = python_name(ns)
    args = ", ".join(f"{python_name(k)}={v!r}" for k, v in example.items())
    return f"h.{attribute}.{op}({args})"


def runtime(methods):
    out = [
        '"""The operations of the method table, generated by bindings/python/generate.py from',
        'api.describe; do not edit by hand. Each namespace is a class and each operation a method',
        'that sends its keyword arguments (None: not sent; ihub.NULL: null) through Handle.call."""',
        "",
        "",
    ]
    grouped = namespaces(methods)
    for ns, ops in grouped.items():
        out += ["", f"class {class_name(ns)}:", f'    """The {ns}.* operations."""', "", '    __slots__ = ("_h",)', "",
                "    def __init__(self, handle):", "        self._h = handle"]
        for op, m in ops:
            names = [p["name"] for p in m["params"]]
            keywords = "".join(f", {python_name(n)}=None" for n in names)
            given = ", ".join(f'"{n}": {python_name(n)}' for n in names)
            star = ", *" if names else ""
            # The dict is built in place: the hot path of every call.
            out += ["", f"    def {python_name(op)}(self, params=None, /{star}{keywords}, **extra):",
                    docstring(m, example_call(ns, op, m)),
                    "        p = {} if params is None else {**params}"]
            for n in names:
                out += [f"        if {python_name(n)} is not None:", f'            p["{n}"] = {python_name(n)}']
            out += ["        if extra:", "            p.update(extra)", f'        return self._h.call("{m["name"]}", p)']
            if pages(m):
                names = [n for n in names if n not in ("limit", "offset")] + ["limit", "offset"]
                keywords = "".join(f", {python_name(n)}=None" for n in names)
                given = ", ".join(f'"{n}": {python_name(n)}' for n in names)
                out += ["", f"    def iter_{op}(self, params=None, /, *, page=500{keywords}, **extra):",
                        f'        """Yields the records of {m["name"]}, fetching `page` of them per call (limit and',
                        '        offset bound the whole walk). Takes the parameters of ' + python_name(op) + '."""',
                        f'        return self._h._pages("{m["name"]}", params, {{{given}}}, extra, page)']
    # Made on each access, not cached on the handle: a cached namespace would
    # refer back to it, and a dropped handle would stay open until the cycle
    # collector ran. A namespace kept apart keeps its handle.
    out += ["", "", "class Namespaces:", '    """The namespaces of a Handle: h.school, h.import_, ..."""', ""]
    for ns in grouped:
        out += ["    @property", f"    def {python_name(ns)}(self):", f"        return {class_name(ns)}(self)", ""]
    plans = {m["name"]: date_plan(m["result"]) for m in methods if m.get("result")}
    out += ["", "# Where results hold dates and timestamps (ihub.open(..., dates=True) converts them).",
            "DATES = {"]
    out += [f"    {name!r}: {plan!r}," for name, plan in plans.items() if plan]
    out += ["}"]
    return "\n".join(out) + "\n"


class Stubs:
    """The .pyi text: parameter annotations and result TypedDicts."""

    def __init__(self):
        self.typed_dicts = []

    def param(self, shape, owner):
        kind = shape["type"]
        if kind == "enum":
            return "Literal[" + ", ".join(repr(v) for v in shape["values"]) + "]"
        if kind == "array":
            return f"Sequence[{self.param(shape['items'], owner)}]"
        if kind == "map":
            return f"Mapping[str, {self.param(shape['values'], owner)}]"
        if kind == "object":
            return self.typed_dict(shape["fields"], owner, params=True)
        return PARAM_SCALARS[kind]

    def result(self, shape, owner):
        kind = shape["type"]
        if kind == "enum":
            return "Literal[" + ", ".join(repr(v) for v in shape["values"]) + "]"
        if kind == "array":
            return f"list[{self.result(shape['items'], owner + 'Item')}]"
        if kind == "map":
            return f"dict[str, {self.result(shape['values'], owner + 'Value')}]"
        if kind == "object":
            return self.typed_dict(shape["fields"], owner, params=False)
        return SCALARS[kind]

    def typed_dict(self, fields, owner, params):
        entries = []
        for f in fields:
            sub = owner + class_name(f["name"])
            t = self.param(f, sub) if params else self.result(f, sub)
            entries.append(f"{f['name']!r}: {t}" if f["required"] else f"{f['name']!r}: NotRequired[{t} | None]")
        self.typed_dicts.append(f"{owner} = TypedDict({owner!r}, {{{', '.join(entries)}}})")
        return owner


def stubs(methods):
    s = Stubs()
    body = []
    grouped = namespaces(methods)
    for ns, ops in grouped.items():
        body += ["", f"class {class_name(ns)}:", "    def __init__(self, handle: Any) -> None: ..."]
        for op, m in ops:
            owner = class_name(m["name"])
            args = []
            for p in m["params"]:
                t = s.param(p, owner + "Param" + class_name(p["name"]))
                if p["required"]:
                    args.append(f"{python_name(p['name'])}: {t} = ...")
                else:
                    args.append(f"{python_name(p['name'])}: {t} | _Null | None = ...")
            keywords = (", *, " + ", ".join(args)) if args else ""
            result = s.result(m["result"], owner + "Result") if m.get("result") else "Any"
            body.append(f"    def {python_name(op)}(self, params: Mapping[str, Any] | None = ..., /{keywords}) -> {result}: ...")
            if pages(m):
                item = result[5:-1] if result.startswith("list[") else "Any"
                rest = [a for a in args if not a.startswith(("limit:", "offset:"))]
                rest += ["limit: int | None = ...", "offset: int | None = ..."]
                body.append(f"    def iter_{op}(self, params: Mapping[str, Any] | None = ..., /, *, page: int = ..., "
                            f"{', '.join(rest)}) -> Iterator[{item}]: ...")
    body += ["", "class Namespaces:"]
    for ns in grouped:
        body += ["    @property", f"    def {python_name(ns)}(self) -> {class_name(ns)}: ..."]
    body += ["", "DATES: dict[str, Any]"]
    head = [
        "# The types of ihub._api, generated by bindings/python/generate.py from api.describe; do not edit.",
        "import datetime",
        "import decimal",
        "from typing import Any, Iterator, Literal, Mapping, Sequence",
        "",
        "from typing_extensions import NotRequired, TypedDict",
        "",
        "from . import _Null",
        "",
    ]
    return "\n".join(head + s.typed_dicts + body) + "\n"


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        sys.exit("usage: generate.py [--check]")
    methods = catalogue()
    files = {"_api.py": runtime(methods), "_api.pyi": stubs(methods)}
    stale = []
    for name, text in files.items():
        path = os.path.join(PACKAGE, name)
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            if check:
                stale.append(name)
            else:
                with open(path, "w") as f:
                    f.write(text)
    if stale:
        sys.exit(f"bindings/python/ihub/{', '.join(stale)}: stale; run python3 bindings/python/generate.py")


if __name__ == "__main__":
    main()
