"""`make run` in a pseudo-terminal, as a person runs it: it serves, its links follow the port, and
one Ctrl-C (or one SIGTERM to make) stops web, worker and beat within seconds, leaving nothing behind.

Every process of the run inherits a marker in its environment; /proc tells which are still alive.
The run uses the embedded defaults (SQLite, file broker) in a temporary ITA_VAR_DIR.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN = 10.0  # seconds from the signal until no process of the run is left


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_with(marker: str) -> dict[int, dict[str, str]]:
    """pid → environment of every live process whose environment holds ``marker``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z" or marker.encode() not in raw:
            continue
        env = dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)
        if env.get("ITA_RUN_MARKER") == marker:
            found[int(entry.name)] = env
    return found


class MakeRun:
    """`make run PORT=…` on a pty; the output is collected in a thread."""

    def __init__(self, var_dir: Path):
        self.port = free_port()
        self.marker = uuid.uuid4().hex
        self.output = bytearray()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL", "DEBUG")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("MAKEFLAGS", None)
        env.update(ITA_VAR_DIR=str(var_dir), ITA_RUN_MARKER=self.marker, TERM="dumb")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: make, with the pty as its controlling terminal
            os.chdir(ROOT)
            os.execvpe("make", ["make", "--no-print-directory", "run", f"PORT={self.port}"], env)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.5)
                if ready:
                    chunk = os.read(self.fd, 65536)
                    if not chunk:
                        return
                    self.output += chunk
            except OSError:
                return

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")

    def wait_until_serving(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/login/"
        while time.monotonic() < deadline:
            if "ready." in self.text and "beat: Starting" in self.text:
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                pytest.fail(f"make run ended early:\n{self.text[-4000:]}")
            time.sleep(1)
        pytest.fail(f"make run did not serve within {timeout} s:\n{self.text[-4000:]}")

    def wait_until_gone(self) -> float:
        """Seconds until make has exited and no process of the run is left (fails after STOP_WITHIN)."""
        started = time.monotonic()
        while time.monotonic() - started < STOP_WITHIN:
            try:
                done = os.waitpid(self.pid, os.WNOHANG)[0] != 0
            except ChildProcessError:
                done = True
            if done and not processes_with(self.marker):
                return time.monotonic() - started
            time.sleep(0.2)
        left = processes_with(self.marker)
        self.kill_leftovers()
        pytest.fail(f"still running {STOP_WITHIN} s after the signal: {sorted(left)}\n{self.text[-4000:]}")

    def kill_leftovers(self) -> None:
        for pid in processes_with(self.marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def make_run(tmp_path_factory):
    runs: list[MakeRun] = []
    var_dir = tmp_path_factory.mktemp("make-run-var")

    def start() -> MakeRun:
        run = MakeRun(var_dir)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill_leftovers()
        os.close(run.fd)


def assert_started_all_three(run: MakeRun) -> None:
    portal = {}
    for pid, env in processes_with(run.marker).items():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "manage.py runserver" in command or "celery" in command:
            portal[command] = env
    assert any("runserver" in c for c in portal), list(portal)
    assert any(" worker " in c for c in portal), list(portal)
    assert any(" beat " in c for c in portal), list(portal)
    # SITE_URL (links in e-mails and .ics events) follows the port actually served, in every process.
    assert {env.get("SITE_URL") for env in portal.values()} == {f"http://127.0.0.1:{run.port}"}


def assert_clean_stop(run: MakeRun, seconds: float) -> None:
    text = run.text
    print(f"make run stopped in {seconds:.1f} s")
    assert text.count("Warm shutdown") <= 1, text[-4000:]
    assert "Segmentation fault" not in text and "Traceback" not in text, text[-4000:]
    assert seconds < STOP_WITHIN


@pytest.mark.slow
def test_make_run_serves_and_one_ctrl_c_stops_everything(make_run):
    run = make_run()
    run.wait_until_serving()
    assert_started_all_three(run)
    os.write(run.fd, b"\x03")  # Ctrl-C typed on the terminal: SIGINT to the foreground process group
    assert_clean_stop(run, run.wait_until_gone())


@pytest.mark.slow
def test_make_run_stops_everything_on_one_sigterm(make_run):
    run = make_run()
    run.wait_until_serving()
    os.kill(run.pid, signal.SIGTERM)  # as a service manager or `kill PID` stops make
    assert_clean_stop(run, run.wait_until_gone())
