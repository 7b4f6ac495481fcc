"""Spoken descriptions (ui/speech.py), against real processes.

The speech commands here are small Python scripts named like the real ones (``spd-say``,
``espeak-ng``, ``say``, ``powershell``) in a temporary folder given to the Speaker as its PATH:
each one records its arguments, stdin and environment in a JSON Lines file, then takes a
while "speaking". No test depends on speech software installed on the machine.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QProcess
from pytestqt.qtbot import QtBot

from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.speech import TEXT_ENV, Speaker, pick_locale, pick_say_voice

NASTY = "\"; rm -rf ~ $(x) `y` 'z' | & > /tmp/f\n-w --help"

FAKE = """#!{python}
import json, os, sys, time
args = sys.argv[1:]
if args == ["-v", "?"]:
    print("Alex                en_US    # Most people recognize me by my voice.")
    print("Jorge               es_ES    # Hola, me llamo Jorge.")
    print("Mónica              es_ES    # Hola, me llamo Mónica.")
    print("Paulina             es_MX    # Hola, me llamo Paulina.")
    sys.exit(0)
stdin = sys.stdin.read()
text = args[-1] if args else ""
record = {{"name": {name!r}, "argv": args, "stdin": stdin, "env": os.environ.get({env!r}),
          "pid": os.getpid()}}
with open({log!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps(record) + "\\n")
time.sleep({sleep})
if {fail!r} == "always" or ({fail!r} and {fail!r} in text + stdin):
    print("Traceback-free line\\nno hay audio", file=sys.stderr)
    sys.exit(3)
with open({log!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps({{"done": text or stdin, "pid": os.getpid()}}) + "\\n")
"""


class Bin:
    """A folder of fake speech commands and the file they record into."""

    def __init__(self, root: Path) -> None:
        self.dir = root / "bin"
        self.dir.mkdir()
        self.log = root / "spoken.jsonl"

    def add(self, name: str, sleep: float = 0.3, fail: str = "") -> Path:
        script = self.dir / name
        script.write_text(
            FAKE.format(
                python=sys.executable,
                name=name,
                env=TEXT_ENV,
                log=str(self.log),
                sleep=sleep,
                fail=fail,
            ),
            encoding="utf-8",
        )
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return script

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def started(self) -> list[dict[str, Any]]:
        return [r for r in self.records() if "argv" in r]


@pytest.fixture
def fake_bin(tmp_path: Path) -> Bin:
    return Bin(tmp_path)


@pytest.fixture
def make_speaker(qtbot: QtBot) -> Iterator[Callable[..., Speaker]]:
    made: list[Speaker] = []

    def make(**kwargs: Any) -> Speaker:
        sp = Speaker(**kwargs)
        made.append(sp)
        return sp

    yield make
    for sp in made:
        sp.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        running = [
            p.program()
            for p in sp.findChildren(QProcess)
            if p.state() != QProcess.ProcessState.NotRunning
        ]
        assert not running, f"speech processes left running: {running}"
        assert not sp.speaking


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def quiet(sp: Speaker) -> Callable[[], bool]:
    return lambda: not sp.speaking and sp.pending is None


# -- no speech at all ---------------------------------------------------------------------------


def test_project_environment_has_no_qt_text_to_speech() -> None:
    # The bundle's size budget assumes PySide6-Addons is absent (it is the optional
    # "speech" extra), so the Qt backend is unavailable here; the tests below rely on it.
    assert importlib.util.find_spec("PySide6.QtTextToSpeech") is None


@pytest.mark.qt_log_ignore("pipewire")  # QtMultimedia's, where the speech extra is installed
@pytest.mark.parametrize("backends", [("qt", "command"), ("command",)])
def test_without_qt_module_or_command_speech_is_unavailable_and_says_how_to_enable_it(
    make_speaker: Callable[..., Speaker],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    backends: tuple[str, ...],
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    caplog.set_level(logging.DEBUG)
    sp = make_speaker(backends=backends, path=str(empty), platform="linux")
    assert not sp.available
    assert sp.backend_name == "none"
    assert "uv sync --extra speech" in sp.reason
    assert "PySide6-Addons" in sp.reason
    assert "espeak-ng" in sp.reason
    assert "speech-dispatcher" in sp.reason
    assert "spd-say, espeak-ng, espeak" in sp.reason  # what was looked for
    if "qt" in backends and importlib.util.find_spec("PySide6.QtTextToSpeech") is None:
        assert "TextToSpeech module is not installed" in sp.reason
        assert "Qt TextToSpeech module is not installed (PySide6-Addons)" in caplog.text
    changes: list[bool] = []
    sp.enabled_changed.connect(changes.append)
    sp.enabled = True
    assert sp.enabled is False
    assert changes == []
    spoken: list[str] = []
    sp.spoken.connect(spoken.append)
    sp.say("persona al frente")
    sp.speak_description(Description("demo", "coche izquierda", 0.0, "rules"))
    assert spoken == []
    assert not sp.speaking
    assert sp.utterances == 0
    assert sp.findChildren(QProcess) == []
    assert "ModuleNotFoundError" not in caplog.text
    assert "Traceback" not in caplog.text


def test_reason_names_the_platform_fix(
    make_speaker: Callable[..., Speaker], tmp_path: Path
) -> None:
    win = make_speaker(backends=("command",), path=str(tmp_path), platform="win32")
    assert "powershell" in win.reason
    assert "PySide6-Addons" in win.reason
    mac = make_speaker(backends=("command",), path=str(tmp_path), platform="darwin")
    assert "say" in mac.reason
    assert "apt-get" not in mac.reason


# -- a real command backend ---------------------------------------------------------------------


def test_latest_text_wins_and_text_arrives_verbatim_as_one_argument(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=0.3)
    fake_bin.add("espeak-ng")  # second choice: not used while spd-say works
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    assert sp.available
    assert sp.backend_name == "spd-say command"
    spoken: list[str] = []
    states: list[bool] = []
    sp.spoken.connect(spoken.append)
    sp.speaking_changed.connect(states.append)
    sp.enabled = True

    sp.say("a")
    sp.say("b")
    sp.say("c")
    assert sp.dropped == 1
    assert sp.pending == "c"
    qtbot.waitUntil(quiet(sp), timeout=10000)
    records = fake_bin.records()
    started = [r["argv"][-1] for r in fake_bin.started()]
    assert started == ["a", "c"]
    # "a" was not cut off: it finished before "c" started
    assert [r.get("done") or r["argv"][-1] for r in records] == ["a", "a", "c", "c"]
    assert spoken == ["a", "c"]
    assert sp.utterances == 2
    assert sp.errors == 0
    assert states == [True, False]  # one stretch of speech
    argv = fake_bin.started()[0]["argv"]
    assert argv[:3] == ["-l", "es", "-w"]
    assert argv[-2] == "--"  # a text starting with "-" is not an option
    assert {r["name"] for r in fake_bin.started()} == {"spd-say"}

    sp.say(NASTY)
    qtbot.waitUntil(quiet(sp), timeout=10000)
    last = fake_bin.started()[-1]["argv"]
    assert last[-1] == NASTY.strip()
    assert len(last) == len(argv)  # one argument, nothing split or expanded


def test_espeak_gets_spanish_voice_rate_and_volume(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("espeak-ng", sleep=0.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    assert sp.backend_name == "espeak-ng command"
    sp.enabled = True
    sp.rate = 5.0  # clamped to 1
    sp.volume = 0.5
    assert sp.rate == 1.0
    sp.speak_description(
        Description("demo", "  coche rápido izquierda ", 0.0, "rules", fallback=True)
    )
    qtbot.waitUntil(quiet(sp), timeout=10000)
    argv = fake_bin.started()[0]["argv"]
    assert argv == ["-v", "es", "-s", "350", "-a", "50", "--", "coche rápido izquierda"]


def test_macos_say_uses_a_spanish_voice_and_reads_the_text_on_stdin(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("say", sleep=0.0)
    sp = make_speaker(
        backends=("command",), path=str(fake_bin.dir), platform="darwin", preferred_locale="es_MX"
    )
    sp.enabled = True
    sp.say(NASTY)
    qtbot.waitUntil(quiet(sp), timeout=10000)
    sp.volume = 0.25
    sp.say("perro")
    qtbot.waitUntil(quiet(sp), timeout=10000)
    first, second = fake_bin.started()
    assert first["argv"] == ["-r", "175", "-v", "Paulina"]
    assert first["stdin"] == NASTY.strip()
    assert second["argv"] == ["-r", "175", "-v", "Paulina"]  # voice probed once
    assert second["stdin"] == "[[volm 0.25]] perro"
    assert sp.voice == "Paulina"
    assert sp.errors == 0


def test_windows_powershell_gets_the_text_in_the_environment_not_the_command_line(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("powershell", sleep=0.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="win32")
    sp.enabled = True
    sp.rate = -0.5
    sp.say(NASTY)
    qtbot.waitUntil(quiet(sp), timeout=10000)
    rec = fake_bin.started()[0]
    assert rec["env"] == NASTY.strip()
    assert not any("rm -rf" in a for a in rec["argv"])
    assert rec["argv"][:3] == ["-NoProfile", "-NonInteractive", "-EncodedCommand"]
    script = base64.b64decode(rec["argv"][3]).decode("utf-16-le")
    assert f"$s.Speak($env:{TEXT_ENV})" in script
    assert "TwoLetterISOLanguageName -eq 'es'" in script
    assert "$s.Rate = -5" in script
    assert "$s.Volume = 100" in script


# -- failures -----------------------------------------------------------------------------------


def test_a_failing_utterance_reports_one_error_and_speech_goes_on(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=0.0, fail="falla")
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    errors: list[str] = []
    sp.error.connect(errors.append)
    sp.enabled = True
    sp.say("falla el audio")
    qtbot.waitUntil(quiet(sp), timeout=10000)
    assert len(errors) == 1
    assert sp.errors == 1
    assert "spd-say exited with status 3" in errors[0]
    assert "no hay audio" in errors[0]
    sp.say("bien")
    qtbot.waitUntil(lambda: any(r.get("done") == "bien" for r in fake_bin.records()), timeout=10000)
    qtbot.waitUntil(quiet(sp), timeout=10000)
    assert len(errors) == 1
    assert sp.enabled
    assert sp.available


def test_a_command_that_keeps_failing_gives_way_to_the_next(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=0.0, fail="always")
    fake_bin.add("espeak-ng", sleep=0.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    statuses: list[None] = []
    sp.status_changed.connect(lambda: statuses.append(None))
    sp.enabled = True
    for i in range(3):
        sp.say(f"uno {i}")
        qtbot.waitUntil(quiet(sp), timeout=10000)
    assert sp.errors == 3
    assert sp.backend_name == "espeak-ng command"
    assert "spd-say command failed 3 times in a row" in sp.reason
    assert statuses
    sp.say("dos")
    qtbot.waitUntil(quiet(sp), timeout=10000)
    assert [(r["name"], r["argv"][-1]) for r in fake_bin.started()][-1] == ("espeak-ng", "dos")
    assert sp.errors == 3
    assert sp.enabled


def test_the_last_command_failing_again_and_again_turns_speech_off(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("espeak-ng", sleep=0.0, fail="always")
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    sp.enabled = True
    for i in range(3):
        sp.say(f"uno {i}")
        qtbot.waitUntil(quiet(sp), timeout=10000)
    assert not sp.enabled
    assert sp.available
    assert "turned off after 3 failures in a row" in sp.reason
    sp.enabled = True  # the operator retries
    assert sp.enabled
    assert "turned off" not in sp.reason


def test_a_command_gone_since_start_up_makes_speech_unavailable(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    script = fake_bin.add("spd-say")
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    errors: list[str] = []
    sp.error.connect(errors.append)
    sp.enabled = True
    script.unlink()
    sp.say("hola")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    qtbot.waitUntil(quiet(sp), timeout=10000)
    assert len(errors) == 1
    assert "spd-say could not be started" in errors[0]
    assert not sp.available
    assert not sp.enabled
    assert "no longer on PATH" in sp.reason
    assert "uv sync --extra speech" in sp.reason


def test_an_utterance_that_hangs_is_stopped(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=30.0)
    sp = make_speaker(
        backends=("command",), path=str(fake_bin.dir), platform="linux", max_utterance_s=0.5
    )
    errors: list[str] = []
    sp.error.connect(errors.append)
    sp.enabled = True
    sp.say("colgado")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "took longer than 0.5 s" in errors[0]
    pid = fake_bin.started()[0]["pid"]
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)


# -- stopping -----------------------------------------------------------------------------------


def test_stop_kills_the_utterance_and_forgets_the_waiting_text(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=30.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    errors: list[str] = []
    sp.error.connect(errors.append)
    sp.enabled = True
    sp.say("largo")
    sp.say("siguiente")
    qtbot.waitUntil(lambda: bool(fake_bin.started()), timeout=10000)
    pid = fake_bin.started()[0]["pid"]
    sp.stop()
    assert not sp.speaking
    assert sp.pending is None
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)
    qtbot.wait(200)
    assert errors == []
    assert len(fake_bin.started()) == 1


def test_turning_speech_off_silences_it_at_once(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("espeak-ng", sleep=30.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    sp.enabled = True
    sp.say("largo")
    sp.say("siguiente")
    qtbot.waitUntil(lambda: bool(fake_bin.started()), timeout=10000)
    pid = fake_bin.started()[0]["pid"]
    sp.enabled = False
    assert not sp.speaking
    assert sp.pending is None
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)
    sp.say("apagado")
    qtbot.wait(200)
    assert len(fake_bin.started()) == 1


def test_close_while_speaking_leaves_no_process(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    fake_bin.add("spd-say", sleep=30.0)
    sp = make_speaker(backends=("command",), path=str(fake_bin.dir), platform="linux")
    sp.enabled = True
    sp.say("largo")
    qtbot.waitUntil(lambda: bool(fake_bin.started()), timeout=10000)
    pid = fake_bin.started()[0]["pid"]
    assert alive(pid)
    assert sp.speaking
    sp.close()
    assert not alive(pid)  # killed and reaped before close() returned
    assert not sp.speaking
    assert not sp.enabled
    assert all(p.state() == QProcess.ProcessState.NotRunning for p in sp.findChildren(QProcess))
    sp.enabled = True
    sp.say("otra vez")
    assert not sp.enabled
    assert len(fake_bin.started()) == 1


# -- pure helpers -------------------------------------------------------------------------------


def test_pick_say_voice() -> None:
    listing = (
        "Alex                en_US    # Most people recognize me by my voice.\n"
        "Eddy (Spanish (Mexico)) es_MX    # ¡Hola! Me llamo Eddy.\n"
        "Mónica              es_ES    # Hola, me llamo Mónica.\n"
    )
    assert pick_say_voice(listing) == "Mónica"
    assert pick_say_voice(listing, preferred="es_MX") == "Eddy (Spanish (Mexico))"
    assert pick_say_voice(listing, language="fr") is None
    assert pick_say_voice("") is None


def test_pick_locale(qtbot: QtBot) -> None:
    engine = [QLocale("en_GB"), QLocale("es_MX"), QLocale("es_ES"), QLocale("de_DE")]
    assert pick_locale(engine, "es").name() == "es_ES"
    assert pick_locale(engine, "es", preferred="es_MX").name() == "es_MX"
    assert pick_locale(engine, "es", preferred="en_GB").name() == "es_ES"  # not Spanish
    assert pick_locale(engine[:2], "es").name() == "es_MX"
    assert pick_locale(engine, "fr") is None
    assert pick_locale([], "es") is None


def test_unknown_backend_or_language_is_refused(qtbot: QtBot) -> None:
    with pytest.raises(ValueError, match="unknown speech backends"):
        Speaker(backends=("festival",))
    with pytest.raises(ValueError, match="ISO 639"):
        Speaker(backends=("command",), language="es'; rm")


# -- Qt's QTextToSpeech (only with the optional "speech" extra) ---------------------------------


# QtMultimedia (which QtTextToSpeech loads) warns when PipeWire's library is absent.
@pytest.mark.qt_log_ignore("pipewire")
def test_qt_backend_with_qts_mock_engine(
    make_speaker: Callable[..., Speaker], qtbot: QtBot
) -> None:
    # Skipped in the project environment (PySide6-Addons absent); run it where the
    # "speech" extra is installed. Qt's "mock" engine is real Qt code that makes no sound.
    pytest.importorskip("PySide6.QtTextToSpeech")
    sp = make_speaker(backends=("qt",), qt_engine="mock")
    assert sp.available
    assert sp.backend_name == "Qt TextToSpeech (mock)"
    assert "no Spanish voice" in sp.reason  # mock: English, Norwegian and Finnish only
    spoken: list[str] = []
    sp.spoken.connect(spoken.append)
    sp.enabled = True
    sp.say("a")
    sp.say("b")
    sp.say("c")
    qtbot.waitUntil(quiet(sp), timeout=10000)
    assert spoken == ["a", "c"]
    assert sp.dropped == 1
    assert sp.errors == 0
    # the default choice never picks "mock"
    auto = make_speaker(backends=("qt",))
    assert "mock" not in auto.backend_name
    finnish = make_speaker(backends=("qt",), qt_engine="mock", language="fi")
    assert finnish.reason == ""
    assert finnish.voice.endswith("(fi_FI)")


# -- repeated descriptions ----------------------------------------------------------------------


def test_a_repeated_description_is_said_again_only_after_the_quiet_time(
    make_speaker: Callable[..., Speaker], fake_bin: Bin, qtbot: QtBot
) -> None:
    # the backend's rules repeat a phrase every 2 s while only a distance changes
    fake_bin.add("spd-say", sleep=0.0)
    now = [1000.0]
    sp = make_speaker(
        backends=("command",), path=str(fake_bin.dir), platform="linux", clock=lambda: now[0]
    )
    assert sp.repeat_quiet_s == 30.0  # the default
    sp.enabled = True

    def hear(device: str, text: str, at: float) -> None:
        now[0] = 1000.0 + at
        sp.speak_description(Description(device, text, now[0] * 1000, "rules"))
        qtbot.waitUntil(quiet(sp), timeout=10000)

    for at in range(0, 30, 2):  # 0, 2 … 28 s: said once
        hear("glasses", "persona cerca", at)
    hear("glasses", "persona cerca", 30)  # 30 s after it was said: said again
    hear("glasses", "persona cerca", 32)
    hear("phone", "persona cerca", 33)  # another device: its own description
    hear("phone", "coche izquierda", 34)  # another text
    hear("phone", "persona cerca", 35)  # a different text in between breaks the repeat
    said = [(r["argv"][-1]) for r in fake_bin.started()]
    assert said == ["persona cerca"] * 3 + ["coche izquierda", "persona cerca"]
    assert sp.repeats_held == 15  # 2 … 28 and 32
    assert sp.utterances == 5

    # turning speech off and on: the current scene is said once more
    sp.enabled = False
    sp.enabled = True
    hear("phone", "persona cerca", 36)
    assert len(fake_bin.started()) == 6

    sp.repeat_quiet_s = 0  # every repeat is said
    hear("phone", "persona cerca", 37)
    assert len(fake_bin.started()) == 7
    with pytest.raises(ValueError, match="finite"):
        sp.repeat_quiet_s = float("nan")
    with pytest.raises(ValueError, match="≥ 0"):
        Speaker(backends=(), repeat_quiet_s=-1)
