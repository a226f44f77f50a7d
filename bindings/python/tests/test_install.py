"""Installed ihub as a C programmer meets it: `scripts/install PREFIX` puts the
header, the library, ihub.pc, the CLI, the Lua module and the Python package
under PREFIX; bindings/c/example.c builds with pkg-config and runs where no
Swift toolchain is on the library path (in a mount namespace that hides
/opt/swift, when the machine lets us make one); `scripts/package deb` builds a
Debian package whose files give the same."""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SWIFT = "/opt/swift"
RELEASE = ROOT / ".build-release" / "release" / "libihub.so"

pytestmark = pytest.mark.skipif(not RELEASE.exists() or os.environ.get("IHUB_TEST_POSTGRES") is not None,
                                reason="runs once, on the release build (the SQLite pass of scripts/test)")


def bare_environment(prefix):
    """No Swift anywhere: PATH and the library path name the prefix and the
    system only."""
    return {"PATH": f"{prefix}/bin:/usr/bin:/bin", "LD_LIBRARY_PATH": f"{prefix}/lib", "HOME": os.environ.get("HOME", "/")}


def hidden_swift(command):
    """`command` (a list) run with /opt/swift covered by an empty folder, when
    unshare can make a mount namespace here; else as it is."""
    if os.geteuid() == 0 and shutil.which("unshare") and os.path.isdir(SWIFT):
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode == 0:
            script = f'mount -t tmpfs none {SWIFT} && exec "$@"'
            return ["unshare", "-m", "sh", "-c", script, "sh", *command], True
    return command, False


def build_example(prefix, tmp_path, pkgconfig_path, sysroot=None):
    env = {**bare_environment(prefix), "PKG_CONFIG_PATH": pkgconfig_path}
    if sysroot:
        env["PKG_CONFIG_SYSROOT_DIR"] = sysroot
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "ihub"], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    exe = tmp_path / "example"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Werror", str(ROOT / "bindings" / "c" / "example.c"), "-o", str(exe),
                    *flags], env=env, check=True)
    return exe


def expected_example_output():
    """What the example prints when built in the tree (scripts/test builds it there too)."""
    lib = RELEASE.parent
    exe = ROOT / ".build-release" / "tests" / "example-reference"
    exe.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cc", "-std=c99", str(ROOT / "bindings" / "c" / "example.c"), "-o", str(exe), f"-I{ROOT}/include",
                    f"-L{lib}", "-lihub", f"-Wl,-rpath,{lib}"], check=True)
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run([str(ROOT / "scripts" / "install"), str(prefix)], check=True, capture_output=True)
    return prefix


def test_install_puts_every_piece_under_the_prefix(prefix):
    for path in ("include/ihub.h", "lib/libihub.so", "lib/pkgconfig/ihub.pc", "bin/ihub"):
        assert (prefix / path).exists(), path
    pc = (prefix / "lib" / "pkgconfig" / "ihub.pc").read_text()
    assert f"prefix={prefix}\n" in pc and "Libs: -L${libdir} -lihub" in pc
    assert list(prefix.glob("lib/python3*/site-packages/ihub/__init__.py"))
    if (ROOT / ".build-release" / "lua" / "ihub.so").exists():
        assert (prefix / "lib" / "lua" / "5.4" / "ihub.so").exists()
    # Nothing the installed files need comes from the Swift toolchain.
    for binary in ("lib/libihub.so", "bin/ihub"):
        linked = subprocess.run(["ldd", str(prefix / binary)], capture_output=True, text=True, check=True).stdout
        assert SWIFT not in linked and "not found" not in linked, linked


def test_the_c_example_builds_with_pkg_config_and_runs_without_swift(prefix, tmp_path):
    exe = build_example(prefix, tmp_path, str(prefix / "lib" / "pkgconfig"))
    command, hidden = hidden_swift([str(exe)])
    done = subprocess.run(command, env=bare_environment(prefix), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_example_output()
    if not hidden:
        pytest.skip("ran, but /opt/swift could not be hidden here (no mount namespace)")


def test_the_installed_cli_and_python_package_run_without_swift(prefix, tmp_path):
    command, _ = hidden_swift([str(prefix / "bin" / "ihub"), "demo", str(tmp_path / "region.db")])
    done = subprocess.run(command, env=bare_environment(prefix), cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "synthetic region" in done.stdout
    site, = prefix.glob("lib/python3*/site-packages")
    code = "import ihub; h = ihub.open('region.db'); print(len(h.hub.list()))"
    command, _ = hidden_swift(["python3", "-c", code])
    env = {**bare_environment(prefix), "PATH": f"/usr/bin:/bin:{os.path.dirname(shutil.which('python3'))}",
           "PYTHONPATH": str(site)}
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "5", done.stderr


def test_the_debian_package_holds_a_working_install(tmp_path):
    if not shutil.which("dpkg-deb"):
        pytest.skip("dpkg-deb is not installed")
    deb = subprocess.run([str(ROOT / "scripts" / "package"), "deb", str(tmp_path)], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert pathlib.Path(deb).name.startswith("ihub_") and deb.endswith(".deb")
    info = subprocess.run(["dpkg-deb", "--field", deb, "Package", "Version", "Depends"], capture_output=True,
                          text=True, check=True).stdout
    assert "Package: ihub" in info and "libsqlite3" in info and "libpq5" in info and "liblua5.4" in info
    files = subprocess.run(["dpkg-deb", "--contents", deb], capture_output=True, text=True, check=True).stdout
    for path in ("./usr/include/ihub.h", "./usr/lib/libihub.so", "./usr/lib/pkgconfig/ihub.pc", "./usr/bin/ihub",
                 "./usr/lib/python3/dist-packages/ihub/__init__.py"):
        assert path in files, path
    # Unpacked into a scratch root (never the system's), it builds and runs the example.
    unpacked = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", deb, str(unpacked)], check=True)
    pc = unpacked / "usr" / "lib" / "pkgconfig"
    exe = build_example(unpacked / "usr", tmp_path, str(pc), sysroot=str(unpacked))
    command, _ = hidden_swift([str(exe)])
    done = subprocess.run(command, env=bare_environment(unpacked / "usr"), capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == expected_example_output(), done.stderr
