import os
import sys

# The tests run against the package in this repository, not an installed one.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import uuid

# Every result the suite sees is checked against its operation's declared
# shape (api.describe's "result"), by the library itself.
os.environ.setdefault("IHUB_CHECK_RESULTS", "1")

import ihub

# When scripts/test started a PostgreSQL server, a fresh database in a test
# (ihub.open() with no path, i.e. ":memory:") is a new schema of it instead:
# the whole suite then runs on PostgreSQL. Tests of files keep their paths.
TEST_POSTGRES = os.environ.get("IHUB_TEST_POSTGRES")

if TEST_POSTGRES:
    _open = ihub.open

    def _fresh_open(path=":memory:", **options):
        if str(path) == ":memory:":
            options.setdefault("schema", "py_" + uuid.uuid4().hex[:16])
            return _open(TEST_POSTGRES, **options)
        return _open(path, **options)

    ihub.open = _fresh_open
