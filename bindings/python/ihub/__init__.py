"""ihub — the Python binding of libihub (ctypes, no compilation needed).

    import ihub
    with ihub.open("region.db", create=True) as h:
        h.hub.add(code="EE-ACC", name="Digital Accelerator", country="EE")
        h.school.add(hub="EE-ACC", code="EE-0042", name="Tartu School")
        for school in h.school.iter_list(hub="EE-ACC"):   # pages through long lists
            print(school["code"], school["name"])

Every operation of the method table is a method of its namespace
(``h.school.list``, ``h.import_.csv`` for the keyword namespace), generated
from ``api.describe`` with its parameters and documentation; ``h.call(name,
params)`` reaches the same operations by name. Failures raise a subclass of
``ihub.Error`` carrying the status, the message, the place it names (``path``)
and, for a rejected import, every problem. A handle may be shared by threads:
the library serializes calls on it, and each thread reads its own error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as _dt
import decimal as _decimal
import json
import os
import sys
from typing import Any, Iterable, Iterator

from . import _api

__all__ = [
    "open", "Handle", "Error", "InvalidError", "NotFoundError", "ConflictError", "ConstraintError",
    "ScriptError", "LimitError", "NoMemoryError", "IOFailure", "CorruptError", "BusyError",
    "MisuseError", "VersionError", "abi_version", "version", "ABI_VERSION", "NULL", "to_pandas",
]

#: The interface version this binding was written for (IHUB_ABI_VERSION).
ABI_VERSION = 1


class Error(Exception):
    """A failed ihub call.

    ``status`` is the IHUB_* code and ``status_name`` its name, ``message``
    the library's one-line text, ``method`` the operation, ``path`` the place
    the message names (``params.schools[3].code``, ``schools.csv``,
    ``line 4, column 5 (size)``) or None, and ``problems`` the list of every
    problem of a rejected import (each a dict with line, column, field,
    message), else an empty list.
    """

    status = 1
    status_name = "IHUB_ERROR"

    def __init__(self, message: str, status: int | None = None, method: str | None = None,
                 path: str | None = None, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.method = method
        self.path = path
        self.problems = problems or []


class InvalidError(Error, ValueError):
    status, status_name = 2, "IHUB_INVALID"


class NotFoundError(Error, LookupError):
    status, status_name = 3, "IHUB_NOTFOUND"


class ConflictError(Error):
    status, status_name = 4, "IHUB_CONFLICT"


class ConstraintError(Error):
    status, status_name = 5, "IHUB_CONSTRAINT"


class ScriptError(Error):
    status, status_name = 6, "IHUB_SCRIPT"


class LimitError(Error):
    status, status_name = 7, "IHUB_LIMIT"


class NoMemoryError(Error, MemoryError):
    status, status_name = 8, "IHUB_NOMEM"


class IOFailure(Error, OSError):
    status, status_name = 9, "IHUB_IO"


class CorruptError(Error):
    status, status_name = 10, "IHUB_CORRUPT"


class BusyError(Error):
    status, status_name = 11, "IHUB_BUSY"


class MisuseError(Error):
    status, status_name = 12, "IHUB_MISUSE"


class VersionError(Error):
    status, status_name = 13, "IHUB_VERSION"


_ERRORS = {cls.status: cls for cls in (
    InvalidError, NotFoundError, ConflictError, ConstraintError, ScriptError, LimitError,
    NoMemoryError, IOFailure, CorruptError, BusyError, MisuseError, VersionError)}


# --- finding and loading the library -----------------------------------------

def _candidates():
    """Where libihub.so may be, in order, each with why it is looked at."""
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    if os.environ.get("IHUB_LIBRARY"):
        found.append((os.environ["IHUB_LIBRARY"], "IHUB_LIBRARY"))
    found.append((os.path.join(here, "libihub.so"), "beside the package"))
    for prefix in dict.fromkeys((sys.prefix, "/usr/local", "/usr")):
        found.append((os.path.join(prefix, "lib", "libihub.so"), "install prefix"))
    # A checkout: bindings/python/ihub → the repository's release build.
    checkout = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if os.path.exists(os.path.join(checkout, "Package.swift")):
        found.append((os.path.join(checkout, ".build-release", "release", "libihub.so"), "this checkout's release build"))
    system = ctypes.util.find_library("ihub")
    if system:
        found.append((system, "the system's library path"))
    return found


def _load_library():
    tried = []
    for path, why in _candidates():
        if os.path.isabs(path) and not os.path.exists(path):
            tried.append(f"{path} ({why}): no such file")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({why}): {e}")
    raise ImportError("libihub.so not found; build it with scripts/build, install it with scripts/install, "
                      "or set IHUB_LIBRARY. Looked at: " + "; ".join(tried))


_lib = _load_library()

# Every function gets its types: ctypes' default int return truncates pointers.
# Owned strings come back as c_void_p so that they can be given to ihub_free.
_lib.ihub_abi_version.argtypes, _lib.ihub_abi_version.restype = [], ctypes.c_int
_lib.ihub_version.argtypes, _lib.ihub_version.restype = [], ctypes.c_char_p
_lib.ihub_status_name.argtypes, _lib.ihub_status_name.restype = [ctypes.c_int], ctypes.c_char_p
_lib.ihub_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
_lib.ihub_open.restype = ctypes.c_int
_lib.ihub_close.argtypes, _lib.ihub_close.restype = [ctypes.c_void_p], None
_lib.ihub_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
_lib.ihub_call.restype = ctypes.c_int
_lib.ihub_eval.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
_lib.ihub_eval.restype = ctypes.c_int
_lib.ihub_errcode.argtypes, _lib.ihub_errcode.restype = [ctypes.c_void_p], ctypes.c_int
_lib.ihub_errmsg.argtypes, _lib.ihub_errmsg.restype = [ctypes.c_void_p], ctypes.c_char_p
_lib.ihub_last_error.argtypes, _lib.ihub_last_error.restype = [], ctypes.c_char_p
_lib.ihub_last_error_json.argtypes, _lib.ihub_last_error_json.restype = [], ctypes.c_char_p
_lib.ihub_free.argtypes, _lib.ihub_free.restype = [ctypes.c_void_p], None

# The hot path's functions, bound once; json.loads would check its arguments
# on every call before reaching the same decoder.
_decoder = json.JSONDecoder()
_call, _free, _string_at, _byref = _lib.ihub_call, _lib.ihub_free, ctypes.string_at, ctypes.byref

if _lib.ihub_abi_version() != ABI_VERSION:
    raise ImportError(f"libihub has interface version {_lib.ihub_abi_version()}, this binding needs {ABI_VERSION}")


def abi_version() -> int:
    """The interface version of the loaded library."""
    return _lib.ihub_abi_version()


def version() -> str:
    """The release of the loaded library, e.g. "0.1.0"."""
    return _lib.ihub_version().decode()


def _raise(status, method=None):
    # The last error is per thread, so this is right even with other
    # threads calling on the same handle.
    try:
        doc = json.loads(_lib.ihub_last_error_json().decode("utf-8", "replace"))
    except ValueError:
        doc = {"message": _lib.ihub_last_error().decode("utf-8", "replace")}
    raise _ERRORS.get(status, Error)(doc.get("message", ""), status, method, doc.get("path"),
                                     doc.get("problems")) from None


# --- values: Python → JSON ----------------------------------------------------

class _Null:
    """``ihub.NULL`` sends JSON null: a keyword argument left as None is not
    sent at all, so ``h.school.update(code="S1", size=ihub.NULL)`` clears."""

    __slots__ = ()

    def __repr__(self):
        return "ihub.NULL"


NULL = _Null()


class _Unsupported(Exception):
    pass


def _utc(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Unsupported("a naive datetime (give it a timezone, e.g. datetime.timezone.utc)")
    return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _default(value):
    """What json cannot send by itself: dates, moments, decimals, sets."""
    if isinstance(value, _dt.datetime):
        return _utc(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _decimal.Decimal):
        if not value.is_finite():
            raise _Unsupported(f"the Decimal {value}")
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if value is NULL:
        return None
    raise _Unsupported(f"a {type(value).__name__}")


# One encoder for every call: json.dumps would build a new one each time.
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_default).encode


def _where(value, path):
    """The path of the first value `_default` refuses, for the message."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not (k is None or isinstance(k, (str, int, float, bool))):
                return path, f"a {type(k).__name__} key ({k!r})"
            found = _where(v, f"{path}.{k}")
            if found:
                return found
        return None
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=repr)  # the order _default sends
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _where(v, f"{path}[{i}]")
            if found:
                return found
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return None
    try:
        _default(value)
        return None
    except _Unsupported as e:
        return path, str(e)


def _params_text(params, method):
    try:
        return _encode(params).encode("utf-8")
    except (_Unsupported, TypeError):  # TypeError: a key json cannot write
        path, what = _where(params, "params")
        raise InvalidError(f"{path}: cannot send {what} as JSON", 2, method, path) from None
    except UnicodeEncodeError as e:  # before ValueError, its base class
        raise InvalidError(f"params: not encodable as UTF-8 ({e.reason})", 2, method, "params") from None
    except ValueError as e:  # NaN or an infinity
        raise InvalidError(f"params: {e}", 2, method, "params") from None


def _text(value, what):
    """str → UTF-8 bytes; bytes pass through untouched (raw JSON text)."""
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise InvalidError(f"{what}: not encodable as UTF-8 ({e.reason} at index {e.start})", 2) from None
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


# --- values: JSON → Python ----------------------------------------------------

def _date(text):
    return _dt.date.fromisoformat(text)


def _moment(text):
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)


def _convert(value, plan):
    """Turns the date and timestamp fields that `plan` (from the result's
    declared shape, _api.DATES) marks into date and datetime objects."""
    if value is None:
        return None
    if plan == "d":
        return _date(value)
    if plan == "t":
        return _moment(value)
    kind, inner = plan
    if kind == "[]":
        return [_convert(v, inner) for v in value]
    if kind == "{}":
        return {k: _convert(v, inner) for k, v in value.items()}
    for name, sub in inner.items():  # an object: only the fields that hold dates
        if name in value:
            value[name] = _convert(value[name], sub)
    return value


def open(path: str | os.PathLike[str] = ":memory:", *, dates: bool = False, decimal: bool = False,
         **options: Any) -> Handle:
    """Opens (or creates) an ihub database and returns its Handle.

    ``dates=True``: fields the operation declares as dates or timestamps come
    back as ``datetime.date`` / timezone-aware ``datetime.datetime`` instead
    of ISO text. ``decimal=True``: JSON fractions come back as
    ``decimal.Decimal``. Other options are those of ihub_open: create,
    busy_timeout_ms, script_time_ms, script_memory_mb, admin_time_ms,
    admin_memory_mb, schema (PostgreSQL).
    """
    handle = ctypes.c_void_p()
    opts = _text(json.dumps(options), "options") if options else None
    status = _lib.ihub_open(_text(os.fspath(path), "path"), opts, ctypes.byref(handle))
    if status != 0:
        _raise(status)
    return Handle(handle, dates=dates, decimal=decimal)


class _Namespace:
    """``h.school.list(hub="EE-ACC")`` is ``h.call("school.list", {"hub": "EE-ACC"})``.

    The generated namespaces (ihub._api) derive from it; a name the catalogue
    of this binding does not know (a newer library's) still works through
    ``__getattr__``."""

    __slots__ = ("_h", "_prefix")

    def __init__(self, handle, prefix):
        self._h, self._prefix = handle, prefix

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Namespace(self._h, f"{self._prefix}.{name}")

    def __call__(self, params=None, **kwargs):
        return self._h.call(self._prefix, {**(params or {}), **kwargs})

    def __repr__(self):
        return f"<ihub namespace {self._prefix}>"


class Handle(_api.Namespaces):
    """An open ihub database. Use it as a context manager, or close() it."""

    def __init__(self, pointer, dates=False, decimal=False):
        self._h = pointer
        self._dates = dates
        self._decode = (json.JSONDecoder(parse_float=_decimal.Decimal) if decimal else _decoder).decode

    def call(self, method: str | bytes, params: dict[str, Any] | list[Any] | str | bytes | None = None) -> Any:
        """Runs one operation and returns its result as Python objects.

        ``params``: a dict (sent as JSON), or str/bytes holding JSON text.
        """
        if isinstance(params, (dict, list)):
            try:
                params = _encode(params).encode()
            except (ValueError, TypeError, _Unsupported):  # _params_text says which and where
                params = _params_text(params, method)
        elif params is not None:
            params = _text(params, "params")
        if self._h is None:
            raise MisuseError("the handle is closed", 12)
        result = ctypes.c_void_p()
        status = _call(self._h, _text(method, "method"), params, _byref(result))
        if status != 0:
            _raise(status, method)
        try:
            text = _string_at(result)
        finally:
            _free(result)
        value = self._decode(text.decode())
        if self._dates:
            plan = _api.DATES.get(method)
            if plan is not None:
                value = _convert(value, plan)
        return value

    def _pages(self, method, params, given, extra, page):
        """Yields the records of a list operation, `page` per call."""
        if page < 1:
            raise InvalidError(f"page: must be 1 or more, got {page}", 2, method, "page")
        sent = {k: v for k, v in given.items() if v is not None}
        sent = {**(params or {}), **sent, **extra}
        offset = sent.pop("offset", 0) or 0
        left = sent.pop("limit", None)
        while left is None or left > 0:
            size = page if left is None else min(page, left)
            batch = self.call(method, {**sent, "limit": size, "offset": offset})
            yield from batch
            if len(batch) < size:
                return
            offset += len(batch)
            if left is not None:
                left -= len(batch)

    def eval(self, source: str | bytes, output: Any = None) -> Any:
        """Runs trusted admin Lua (it may write through ``ihub.*``).

        Returns the chunk's value (None for none, a tuple for several); what
        the chunk printed goes to ``output`` (default: sys.stdout).
        """
        result = ctypes.c_void_p()
        status = _lib.ihub_eval(self._pointer(), _text(source, "source"), ctypes.byref(result))
        if status != 0:
            _raise(status, "eval")
        try:
            doc = json.loads(ctypes.string_at(result).decode("utf-8"))
        finally:
            _lib.ihub_free(result)
        if doc["output"]:
            (output or sys.stdout).write(doc["output"])
        values = doc["values"]
        return None if not values else values[0] if len(values) == 1 else tuple(values)

    def close(self) -> None:
        """Closes the database. Safe to call twice."""
        if self._h:
            _lib.ihub_close(self._h)
            self._h = None

    @property
    def closed(self) -> bool:
        return self._h is None

    def _pointer(self):
        if self._h is None:
            raise MisuseError("the handle is closed", 12)
        return self._h

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Namespace(self, name)

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self):
        if getattr(self, "_h", None):
            self.close()


def to_pandas(records: Iterable[Any], **options: Any) -> Any:
    """A pandas DataFrame of a list of records (a list result, or an
    iterator such as ``h.school.iter_list(...)``); options go to
    ``pandas.DataFrame.from_records``. pandas is optional: without it this
    raises ImportError saying so."""
    try:
        import pandas
    except ImportError:
        raise ImportError("ihub.to_pandas needs pandas: pip install pandas") from None
    return pandas.DataFrame.from_records(list(records), **options)
