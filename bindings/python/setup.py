"""Only for a wheel that carries the library: IHUB_BUNDLE_LIBRARY=/path/libihub.so
pip wheel ./bindings/python puts libihub.so into the package (found there
first at import) and tags the wheel for this platform. Everything else is in
pyproject.toml."""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools before 70 has it from the wheel package, if at all
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:
        bdist_wheel = None

LIBRARY = os.environ.get("IHUB_BUNDLE_LIBRARY")


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        if LIBRARY:
            shutil.copy(LIBRARY, os.path.join(self.build_lib, "ihub", "libihub.so"))


commands = {"build_py": BuildWithLibrary}
if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = not LIBRARY

        def get_tag(self):
            # The library is C: any Python 3 on this platform can load it.
            python, abi, platform = super().get_tag()
            return ("py3", "none", platform) if LIBRARY else (python, abi, platform)

    commands["bdist_wheel"] = PlatformWheel

setup(cmdclass=commands)
