"""Smoke-test the built bundle offscreen: it starts, runs the pipeline, and exits cleanly.

    python packaging/smoke_test.py [--exe PATH] [--timeout S] [--starts N] [--drop-caches]

Runs the bundled executable with ``QT_QPA_PLATFORM=offscreen`` (and temporary config, data and
log folders, so the user's own are never touched):

1. ``--self-test``: the GUI pipeline on a generated scene; needs ``self-test: OK`` on stdout;
2. ``--headless --source demo:// --duration 10``: needs at least one JSON description line;

each under a timeout, each needing exit code 0 and the "startup complete" log line, and
failing on ``Traceback``, ``ModuleNotFoundError``, PyInstaller's "Failed to
execute script", or any Qt platform-plugin complaint. Then it measures the start-up time
(process spawn → "startup complete" on stderr) of the headless mode and of the window, ``N``
times each, and prints the numbers and a JSON summary line. The first start after a build is
the coldest this script can make without ``--drop-caches`` (root on Linux: drops the page
cache before the first start). Exit status 0 only if every check passed.

Needs nothing but the standard library, so it runs with any Python 3.9+.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "intelivision-desktop"
STARTUP_LINE = "startup complete"  # intelivision_desktop.app.logs.STARTUP_LINE
SELF_TEST_OK = "self-test: OK"

FATAL = [
    (re.compile(r"Traceback \(most recent call last\)"), "a Python traceback"),
    (re.compile(r"ModuleNotFoundError"), "a missing module"),
    (re.compile(r"Failed to execute script|\[PYI-\d+:ERROR\]"), "PyInstaller's bootloader error"),
    (
        re.compile(
            r"Could not (find|load) the Qt platform plugin|no Qt platform plugin could be "
            r"initialized|qt\.qpa\.plugin: Could not",
            re.I,
        ),
        "a missing Qt platform plugin",
    ),
    (re.compile(r"cannot load library|Cannot load library", re.I), "a library Qt cannot load"),
    (re.compile(r"Fatal Python error"), "a crash of the interpreter"),
]


def default_exe() -> Path:
    dist = ROOT / "dist"
    if sys.platform == "darwin":
        return dist / "InteliVision Desktop.app" / "Contents" / "MacOS" / APP_NAME
    return dist / APP_NAME / (APP_NAME + (".exe" if sys.platform == "win32" else ""))


def say(msg: str) -> None:
    sys.stdout.write(f"[smoke] {msg}\n")
    sys.stdout.flush()


class Run:
    """One run of the executable: output captured, time to the start-up line measured."""

    def __init__(self, exe: Path, args: list[str], env: dict[str, str], timeout: float) -> None:
        self.args = args
        self.stdout = ""
        self.stderr_lines: list[str] = []
        self.startup_s: float | None = None
        self.timed_out = False
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(exe), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        err, out = proc.stderr, proc.stdout
        chunks: list[str] = []

        def read_stderr() -> None:
            for line in err:
                if self.startup_s is None and STARTUP_LINE in line:
                    self.startup_s = time.perf_counter() - t0
                self.stderr_lines.append(line)

        def read_stdout() -> None:
            chunks.append(out.read())

        readers = [threading.Thread(target=read_stderr), threading.Thread(target=read_stdout)]
        for r in readers:
            r.daemon = True
            r.start()
        try:
            self.returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.timed_out = True
            proc.kill()
            self.returncode = proc.wait()
        for r in readers:
            r.join(timeout=5)
        self.wall_s = time.perf_counter() - t0
        self.stdout = "".join(chunks)

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def problems(self) -> list[str]:
        found = []
        if self.timed_out:
            found.append(f"did not finish within the timeout ({self.wall_s:.0f} s)")
        elif self.returncode != 0:
            found.append(f"exit code {self.returncode}")
        both = self.stdout + "\n" + self.stderr
        for pattern, what in FATAL:
            m = pattern.search(both)
            if m:
                line = both[both.rfind("\n", 0, m.start()) + 1 : both.find("\n", m.end())]
                found.append(f"{what}: {line.strip()[:200]}")
        if self.startup_s is None:
            found.append(f"no {STARTUP_LINE!r} line on stderr")
        return found

    def tail(self, n: int = 25) -> str:
        lines = (self.stderr + self.stdout).splitlines()
        return "\n".join("    " + x for x in lines[-n:])


def make_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["INTELIVISION_LOG_DIR"] = str(home / "log")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    if sys.platform == "win32":
        env["APPDATA"] = str(home / "appdata")
        env["LOCALAPPDATA"] = str(home / "localappdata")
    for var in ("AWS_BEARER_TOKEN_BEDROCK", "AGGREGATION_WINDOW_MS", "MAX_AGGREGATION_SIZE"):
        env.pop(var, None)
    env.pop("PYTHONPATH", None)  # the bundle must not lean on a source tree
    env.pop("PYTHONHOME", None)
    return env


def drop_caches() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def check(name: str, run: Run, extra: list[str]) -> bool:
    problems = run.problems() + extra
    startup = f"{run.startup_s:.2f} s" if run.startup_s is not None else "—"
    if problems:
        say(f"FAIL {name} (exit {run.returncode}, {run.wall_s:.1f} s, start-up {startup}):")
        for p in problems:
            say(f"    - {p}")
        say("  last output:\n" + run.tail())
        return False
    say(f"ok   {name}: exit 0 in {run.wall_s:.1f} s, start-up line after {startup}")
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exe", type=Path, default=default_exe(), help="default: %(default)s")
    ap.add_argument("--timeout", type=float, default=120.0, help="per run, seconds")
    ap.add_argument(
        "--starts", type=int, default=3, help="start-up measurements per mode (default 3)"
    )
    ap.add_argument(
        "--drop-caches", action="store_true", help="drop the page cache before the first start"
    )
    args = ap.parse_args()
    exe: Path = args.exe
    if not exe.is_file():
        say(f"no executable at {exe}; build it first: python packaging/build.py")
        return 2

    home = Path(tempfile.mkdtemp(prefix="iv-smoke-"))
    env = make_env(home)
    ok = True
    tally = {True: 0, False: 0}
    results: dict[str, object] = {"exe": str(exe)}
    try:
        if args.drop_caches:
            results["caches_dropped"] = drop_caches()
            say(f"page cache dropped: {results['caches_dropped']}")

        # 1. the window's self-test (first start after the build: the coldest one)
        st = Run(exe, ["--self-test"], env, args.timeout)
        extra = [] if SELF_TEST_OK in st.stdout else [f"no {SELF_TEST_OK!r} line on stdout"]
        passed = check("--self-test", st, extra)
        tally[passed] += 1
        ok &= passed
        line = next((x for x in st.stdout.splitlines() if x.startswith("self-test:")), "")
        if line:
            say(f"     {line}")
        results["first_start_s"] = st.startup_s

        # 2. headless on the demo for 10 s
        hl = Run(exe, ["--headless", "--source", "demo://", "--duration", "10"], env, args.timeout)
        lines = [x for x in hl.stdout.splitlines() if x.strip()]
        extra = []
        try:
            descriptions = [json.loads(x) for x in lines]
        except json.JSONDecodeError as exc:
            descriptions = []
            extra.append(f"stdout is not JSON lines: {exc}")
        if not descriptions:
            extra.append("no description printed in 10 s of the demo")
        elif not all(isinstance(d, dict) and d.get("text") for d in descriptions):
            extra.append("a description line without text")
        passed = check("--headless --source demo:// --duration 10", hl, extra)
        tally[passed] += 1
        ok &= passed
        say(f"     {len(descriptions)} descriptions, first: {lines[0] if lines else '—'}")
        results["headless_descriptions"] = len(descriptions)

        # 3. start-up time, warm: headless (no Qt window) and the window (screenshot mode)
        for mode, argv in (
            ("headless", ["--headless", "--source", "demo://", "--duration", "0.5"]),
            (
                "window",
                [
                    "--screenshot",
                    str(home / "shot.png"),
                    "--duration",
                    "0.5",
                    "--source",
                    "demo://",
                ],
            ),
        ):
            times = []
            for _ in range(max(0, args.starts)):
                r = Run(exe, argv, env, args.timeout)
                if r.problems():
                    check(f"start-up ({mode})", r, [])
                    ok = False
                    break
                assert r.startup_s is not None
                times.append(r.startup_s)
            if args.starts > 0:
                tally[len(times) == args.starts] += 1
            if times:
                results[f"{mode}_start_s"] = {
                    "min": round(min(times), 3),
                    "median": round(statistics.median(times), 3),
                    "max": round(max(times), 3),
                    "n": len(times),
                }
                say(
                    f"start-up to {STARTUP_LINE!r} ({mode}, warm, n={len(times)}): "
                    f"median {statistics.median(times):.2f} s, min {min(times):.2f} s"
                )
        if results.get("first_start_s") is not None:
            say(f"first start after the build (window): {results['first_start_s']:.2f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)

    results["ok"] = bool(ok)
    sys.stdout.write(json.dumps(results) + "\n")
    say("PASSED" if ok else "FAILED")
    # the plain closing line CI reads, whichever runner ran last
    sys.stdout.write(f"smoke: {tally[True]} passed, {tally[False]} failed\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
