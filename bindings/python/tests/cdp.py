"""A small client of the Chrome DevTools protocol over a pipe, for the tests
that open ihub's pages in headless Chromium: `--remote-debugging-pipe`
makes the browser read commands from its fd 3 and write replies and events
to its fd 4, each a JSON message ended by a NUL byte. No package needed."""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium():
    """The browser's path, or None when none is installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


class Browser:
    """Headless Chromium driven over the pipe: `page()` opens a tab whose
    commands and events go through `Page`."""

    def __init__(self, path=None, timeout=60):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="ihub-cdp-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Out of the way of 3 and 4, which the child's dup2 sets.
        keep_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        keep_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def fds():
            os.dup2(keep_r, 3)
            os.dup2(keep_w, 4)

        args = [path or find_chromium(), "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--disable-dev-shm-usage", "--mute-audio", f"--user-data-dir={self.profile}", "about:blank"]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=fds, close_fds=False)
        os.close(keep_r)
        os.close(keep_w)
        self._buffer = b""
        self._next = 0
        self.events = []

    def send(self, method, params=None, session=None):
        """Sends a command and waits for its reply; events meanwhile are kept."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        while True:
            m = self._read()
            if m.get("id") == self._next:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method, session=None):
        """The first event `method` (of `session`), kept or still to come."""
        for e in self.events:
            if e.get("method") == method and (session is None or e.get("sessionId") == session):
                return e
        while True:
            m = self._read()
            if "id" not in m:
                self.events.append(m)
                if m.get("method") == method and (session is None or m.get("sessionId") == session):
                    return m

    def _read(self):
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError("no message from the browser within %ss" % self.timeout)
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab: Network, Runtime, Log and Page enabled, so its requests,
    console messages, exceptions and log entries are all seen."""

    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def send(self, method, params=None):
        return self.browser.send(method, params, session=self.session)

    def load(self, url):
        self.send("Page.navigate", {"url": url})
        self.browser.wait_for("Page.loadEventFired", session=self.session)
        self.send("Runtime.evaluate", {"expression": "1"})  # drains what the load queued

    def events(self, method):
        return [e["params"] for e in self.browser.events if e.get("sessionId") == self.session and e.get("method") == method]

    def requests(self):
        return [e["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def problems(self):
        """Console errors and warnings, uncaught exceptions and error log entries, as text."""
        out = [json.dumps(e["exceptionDetails"]) for e in self.events("Runtime.exceptionThrown")]
        out += [f"console.{e['type']}: " + " ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                for e in self.events("Runtime.consoleAPICalled") if e["type"] in ("error", "warning", "assert")]
        out += [f"log {e['entry']['level']}: {e['entry'].get('text')} {e['entry'].get('url', '')}"
                for e in self.events("Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
        return out

    def evaluate(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError(json.dumps(r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path
