"""ihub — the Python binding of libihub (ctypes, no compilation needed).

    import ihub
    with ihub.open("region.db") as h:
        h.call("school.add", {"hub": "EE-ACC", "code": "EE-0042", "name": "Tartu School"})
        schools = h.school.list(hub="EE-ACC")      # the same, as attributes
        h.eval("return #ihub.school.list{}")       # trusted admin Lua

Every operation of the method table is reachable through ``Handle.call``;
``h.call("api.describe")`` lists them. Failures raise a subclass of
``ihub.Error`` that carries the status code and the library's one-line
message. A handle may be shared by threads: the library serializes calls on
it, and each thread reads its own error message.
"""

import ctypes
import ctypes.util
import json
import os
import sys

__all__ = [
    "open", "Handle", "Error", "InvalidError", "NotFoundError", "ConflictError", "ConstraintError",
    "ScriptError", "LimitError", "NoMemoryError", "IOFailure", "CorruptError", "BusyError",
    "MisuseError", "VersionError", "abi_version", "version", "ABI_VERSION",
]

#: The interface version this binding was written for (IHUB_ABI_VERSION).
ABI_VERSION = 1


class Error(Exception):
    """A failed ihub call: ``status`` is the IHUB_* code, ``message`` the text."""

    status = 1
    status_name = "IHUB_ERROR"

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


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


# One encoder for every call: json.dumps would build a new one each time.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _find_library():
    """IHUB_LIBRARY, then a copy beside this package, then the repository's
    release build, then the system's library path."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [
        os.environ.get("IHUB_LIBRARY"),
        os.path.join(here, "libihub.so"),
        os.path.join(here, "..", "..", "..", ".build-release", "release", "libihub.so"),
        ctypes.util.find_library("ihub"),
    ]
    for path in candidates:
        if path and (os.path.exists(path) or not os.path.isabs(path)):
            try:
                return ctypes.CDLL(path)
            except OSError:
                continue
    raise ImportError("libihub.so not found: build it with scripts/build or set IHUB_LIBRARY")


_lib = _find_library()

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
_lib.ihub_free.argtypes, _lib.ihub_free.restype = [ctypes.c_void_p], None

if _lib.ihub_abi_version() != ABI_VERSION:
    raise ImportError(f"libihub has interface version {_lib.ihub_abi_version()}, this binding needs {ABI_VERSION}")


def abi_version():
    """The interface version of the loaded library."""
    return _lib.ihub_abi_version()


def version():
    """The release of the loaded library, e.g. "0.1.0"."""
    return _lib.ihub_version().decode()


def _raise(status):
    # ihub_last_error is per thread, so this is right even with other
    # threads calling on the same handle.
    message = _lib.ihub_last_error().decode("utf-8", "replace")
    raise _ERRORS.get(status, Error)(message, status)


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


def _take(pointer):
    """Reads and releases a document the library handed out."""
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        _lib.ihub_free(pointer)


def open(path=":memory:", **options):
    """Opens (or creates) an ihub database and returns its Handle.

    Options are those of ihub_open: create, busy_timeout_ms, script_time_ms,
    script_memory_mb, admin_time_ms, admin_memory_mb.
    """
    handle = ctypes.c_void_p()
    opts = _text(json.dumps(options), "options") if options else None
    status = _lib.ihub_open(_text(os.fspath(path), "path"), opts, ctypes.byref(handle))
    if status != 0:
        _raise(status)
    return Handle(handle)


class _Namespace:
    """``h.school.list(hub="EE-ACC")`` is ``h.call("school.list", {"hub": "EE-ACC"})``."""

    def __init__(self, handle, prefix):
        self._handle, self._prefix = handle, prefix

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Namespace(self._handle, f"{self._prefix}.{name}")

    def __call__(self, params=None, **kwargs):
        return self._handle.call(self._prefix, {**(params or {}), **kwargs})


class Handle:
    """An open ihub database. Use it as a context manager, or close() it."""

    def __init__(self, pointer):
        self._h = pointer

    def call(self, method, params=None):
        """Runs one operation and returns its result as Python objects.

        ``params``: a dict (sent as JSON), or str/bytes holding JSON text.
        """
        if isinstance(params, (dict, list)):
            params = _encode(params)
        result = ctypes.c_void_p()
        status = _lib.ihub_call(self._pointer(), _text(method, "method"), _text(params, "params"),
                                ctypes.byref(result))
        if status != 0:
            _raise(status)
        return json.loads(_take(result))

    def eval(self, source, output=None):
        """Runs trusted admin Lua (it may write through ``ihub.*``).

        Returns the chunk's value (None for none, a tuple for several); what
        the chunk printed goes to ``output`` (default: sys.stdout).
        """
        result = ctypes.c_void_p()
        status = _lib.ihub_eval(self._pointer(), _text(source, "source"), ctypes.byref(result))
        if status != 0:
            _raise(status)
        doc = json.loads(_take(result))
        if doc["output"]:
            (output or sys.stdout).write(doc["output"])
        values = doc["values"]
        return None if not values else values[0] if len(values) == 1 else tuple(values)

    def close(self):
        """Closes the database. Safe to call twice."""
        if self._h:
            _lib.ihub_close(self._h)
            self._h = None

    @property
    def closed(self):
        return self._h is None

    def _pointer(self):
        if self._h is None:
            raise MisuseError("the handle is closed", 12)
        return self._h

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Namespace(self, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()
