import os
import sys

# The tests run against the package in this repository, not an installed one.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
