"""Spoken descriptions: the app can read each new description aloud.

Backends, tried in this order:

1. Qt's QTextToSpeech (``PySide6-Addons``: ``uv sync --extra speech``) when one of its engines
   works, with a Spanish locale and voice when the engine has one.
2. The platform's speech command found on PATH: ``say`` on macOS, ``spd-say``, ``espeak-ng`` or
   ``espeak`` on Linux and other Unix systems, Windows PowerShell's System.Speech on Windows.
   Each utterance is one QProcess, never a shell: the text is a single argument after ``--``
   (``say`` reads it on stdin, PowerShell from an environment variable), never part of a
   command string.
3. None: :attr:`Speaker.available` is False and :attr:`Speaker.reason` tells the operator what
   would enable speech.

Latest wins: the utterance being spoken is never cut off; of the texts that arrive meanwhile
only the newest waits, older ones are dropped and counted (:attr:`Speaker.dropped`).

No chanting: the backend's rules repeat a phrase every window while only a distance changes.
A description with the same device and text as the last one spoken is said again only once
:attr:`Speaker.repeat_quiet_s` seconds (default 30) have passed since that was spoken; the
ones held back are counted (:attr:`Speaker.repeats_held`).
"""

from __future__ import annotations

import base64
import logging
import math
import re
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QLocale,
    QObject,
    QProcess,
    QProcessEnvironment,
    QTimer,
    Signal,
    Slot,
)

from intelivision_desktop.core.model import Description
from intelivision_desktop.ui.l10n import translate

log = logging.getLogger(__name__)

BACKENDS = ("qt", "command")
"""Backend kinds, in the order they are tried."""
TEXT_ENV = "INTELIVISION_TTS_TEXT"
"""Environment variable that carries the text to PowerShell."""
MAX_UTTERANCE_S = 20.0
"""An utterance (at most five words) that takes longer than this is stopped and counted."""
MAX_FAILURES_IN_A_ROW = 3
"""After this many failed utterances in a row the next backend is tried, or speech turned off."""
QT_INSTALL = "uv sync --extra speech, or pip install PySide6-Addons"
REPEAT_QUIET_S = 30.0
"""A description repeating the last one spoken (same device, same text) is said again only
after this many seconds (0: every time). Proposed setting: ``speech_repeat_quiet_s``."""
_WAIT_ON_CLOSE_MS = 1000
_DETAIL_CHARS = 200


def speech_commands(platform: str) -> tuple[str, ...]:
    """The speech commands looked for on PATH on ``platform`` (a ``sys.platform`` value)."""
    if platform == "darwin":
        return ("say",)
    if platform.startswith(("win", "cygwin")):
        return ("powershell",)
    return ("spd-say", "espeak-ng", "espeak")


def enable_hint(platform: str) -> str:
    """One sentence telling the operator how to get speech on ``platform``."""
    if platform == "darwin":
        text = translate(
            "Speaker",
            "To enable it, install Qt's speech module PySide6-Addons ({command}); macOS's say "
            "command is normally in /usr/bin.",
        )
    elif platform.startswith(("win", "cygwin")):
        text = translate(
            "Speaker",
            "To enable it, install Qt's speech module PySide6-Addons ({command}), or make "
            "Windows PowerShell (powershell.exe) available.",
        )
    else:
        text = translate(
            "Speaker",
            "To enable it, install Qt's speech module PySide6-Addons ({command}), or install "
            "speech-dispatcher or espeak-ng (for example: sudo apt-get install espeak-ng).",
        )
    return text.format(command=QT_INSTALL)


@dataclass(frozen=True, slots=True)
class Invocation:
    """How to run a speech command for one utterance."""

    program: str
    args: tuple[str, ...]
    stdin: bytes | None = None
    """Bytes written to the command's stdin (then closed); None: stdin is the null device."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables added to the command's environment."""


_POWERSHELL = """\
$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.Speech
$s = New-Object System.Speech.Synthesis.SpeechSynthesizer
$v = $s.GetInstalledVoices() | Where-Object {{ $_.Enabled -and \
$_.VoiceInfo.Culture.TwoLetterISOLanguageName -eq '{language}' }} | Select-Object -First 1
if ($v) {{ $s.SelectVoice($v.VoiceInfo.Name) }}
$s.Rate = {rate}
$s.Volume = {volume}
$s.Speak($env:{env})
$s.Dispose()
"""


def command_invocation(
    name: str,
    program: str,
    text: str,
    *,
    rate: float = 0.0,
    volume: float = 1.0,
    language: str = "es",
    voice: str | None = None,
) -> Invocation:
    """The invocation of speech command ``name`` (found at ``program``) saying ``text``.

    ``rate`` is −1…1 (0 normal), ``volume`` 0…1, as for QTextToSpeech.
    """
    if name == "spd-say":
        # -w: wait until the message is spoken, so the process ends with the speech.
        args = ["-l", language, "-w", "-r", str(round(rate * 100))]
        args += ["-i", str(round(volume * 200 - 100)), "--", text]
        return Invocation(program, tuple(args))
    if name in ("espeak-ng", "espeak"):
        wpm = round(175 * 2**rate)
        args = ["-v", language, "-s", str(wpm), "-a", str(round(volume * 100)), "--", text]
        return Invocation(program, tuple(args))
    if name == "say":
        args = ["-r", str(round(175 * 2**rate))]
        if voice:
            args += ["-v", voice]
        spoken = text if volume >= 0.999 else f"[[volm {volume:.2f}]] {text}"
        return Invocation(program, tuple(args), stdin=spoken.encode("utf-8"))
    if name == "powershell":
        script = _POWERSHELL.format(
            language=language,
            rate=round(rate * 10),
            volume=round(volume * 100),
            env=TEXT_ENV,
        )
        encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
        args = ["-NoProfile", "-NonInteractive", "-EncodedCommand", encoded]
        return Invocation(program, tuple(args), env={TEXT_ENV: text})
    raise ValueError(f"unknown speech command {name!r}")


_SAY_VOICE = re.compile(r"^(?P<name>\S.*?)\s+(?P<locale>[a-z]{2,3}[_-][A-Za-z0-9]{2,})\s+#")


def pick_say_voice(listing: str, language: str = "es", preferred: str = "") -> str | None:
    """The voice to use from ``say -v ?`` output: ``preferred`` locale first, then Spain's,
    then any voice of ``language``; None when there is none."""
    found: list[tuple[str, str]] = []
    for line in listing.splitlines():
        m = _SAY_VOICE.match(line)
        if m and m["locale"].replace("-", "_").split("_")[0] == language:
            found.append((m["name"], m["locale"].replace("-", "_")))
    for want in (preferred, f"{language}_{language.upper()}"):
        for name, locale in found:
            if want and locale == want:
                return name
    return found[0][0] if found else None


class _QtSpeech:
    """A working QTextToSpeech engine, set up for the language when it can be."""

    def __init__(self, tts: Any, engine: str, note: str) -> None:
        self.tts = tts
        self.engine = engine
        self.note = note
        self.active = False
        """True between our ``say`` and the engine's return to Ready (or Error)."""

    @classmethod
    def create(
        cls, owner: QObject, engine: str | None, language: str, preferred: str
    ) -> tuple[_QtSpeech | None, list[str]]:
        """The first engine that initialises, and notes on those that did not."""
        try:
            from PySide6.QtTextToSpeech import (  # type: ignore[import-not-found,unused-ignore]
                QTextToSpeech,
            )
        except ModuleNotFoundError:
            log.info("text-to-speech: Qt TextToSpeech module is not installed (PySide6-Addons)")
            return None, [
                translate("Speaker", "Qt's TextToSpeech module is not installed (PySide6-Addons)")
            ]
        except ImportError as exc:  # e.g. a system library QtMultimedia needs (libpulse.so.0)
            log.info("text-to-speech: Qt TextToSpeech module could not be loaded: %s", exc)
            return None, [
                translate(
                    "Speaker", "Qt's TextToSpeech module could not be loaded ({error})"
                ).format(error=exc)
            ]
        engines = list(QTextToSpeech.availableEngines())
        # "mock" ships with Qt for Qt's own tests; it makes no sound.
        wanted = [engine] if engine else [e for e in engines if e != "mock"]
        notes: list[str] = []
        if engine and engine not in engines:
            notes.append(
                translate("Speaker", "Qt TextToSpeech has no engine named {engine}").format(
                    engine=repr(engine)
                )
            )
            wanted = []
        elif not wanted:
            notes.append(translate("Speaker", "Qt TextToSpeech has no speech engine here"))
        for name in wanted:
            tts = QTextToSpeech(name, owner)
            if tts.state() == QTextToSpeech.State.Error:
                notes.append(
                    translate("Speaker", "Qt's {engine} speech engine failed: {error}").format(
                        engine=name, error=tts.errorString()
                    )
                )
                log.info("text-to-speech: Qt engine %s failed: %s", name, tts.errorString())
                tts.deleteLater()
                continue
            return cls(tts, name, _choose_locale(tts, name, language, preferred)), notes
        return None, notes

    def stop(self) -> None:
        self.active = False
        self.tts.stop()

    def close(self) -> None:
        self.stop()
        self.tts.deleteLater()


def pick_locale(locales: Sequence[QLocale], language: str, preferred: str = "") -> QLocale | None:
    """Of an engine's ``locales``, the ``preferred`` one (a name such as ``es_MX``) if it is of
    ``language``, else Spain's, else the first of ``language``; None when there is none."""
    lang = QLocale(language).language()
    ours = [loc for loc in locales if loc.language() == lang]
    best = next((loc for loc in ours if preferred and loc.name() == preferred), None)
    if best is None and language == "es":
        best = next((loc for loc in ours if loc.territory() == QLocale.Country.Spain), None)
    return best or (ours[0] if ours else None)


LANGUAGE_NAMES = {
    "es": QT_TRANSLATE_NOOP("Speaker", "Spanish"),
    "en": QT_TRANSLATE_NOOP("Speaker", "English"),
}


def language_name(language: str) -> str:
    """``es`` → "Spanish" in the window's language (Qt's English name for others)."""
    name = LANGUAGE_NAMES.get(language)
    if name is not None:
        return translate("Speaker", name)
    return QLocale.languageToString(QLocale(language).language())


def _choose_locale(tts: Any, engine: str, language: str, preferred: str) -> str:
    """Set ``tts`` to a locale and voice of ``language``; a note when it has none."""
    lang = QLocale(language).language()
    lang_name = language_name(language)
    best = pick_locale(list(tts.availableLocales()), language, preferred)
    if best is None:
        return translate(
            "Speaker", "no {language} voice in Qt's {engine} engine; speaking with {locale}"
        ).format(language=lang_name, engine=engine, locale=tts.locale().name())
    tts.setLocale(best)
    voices = [v for v in tts.availableVoices() if v.locale().language() == lang]
    if not voices:
        return translate("Speaker", "no {language} voice in Qt's {engine} engine").format(
            language=lang_name, engine=engine
        )
    if tts.voice().locale().language() != lang:
        tts.setVoice(voices[0])
    return ""


class Speaker(QObject):
    """Reads texts aloud with the best backend this machine has; latest text wins.

    ``backends`` limits the kinds tried (``"qt"``, ``"command"``); ``path`` is the search path
    for commands (default: ``$PATH``) or ``which`` a replacement for :func:`shutil.which`;
    ``platform`` a ``sys.platform`` value; ``qt_engine`` forces a QTextToSpeech engine;
    ``language`` is the ISO 639 code of the texts and ``preferred_locale`` (default: the
    system's) picks among that language's voices. ``repeat_quiet_s`` is the quiet time before a
    repeated description is said again, measured on ``clock`` (seconds, monotonic).
    """

    speaking_changed = Signal(bool)
    """True when an utterance starts after silence, False when speech goes quiet."""
    spoken = Signal(str)
    """An utterance started (the text being said)."""
    error = Signal(str)
    """An utterance failed: one clear sentence, once per failure."""
    enabled_changed = Signal(bool)
    status_changed = Signal()
    """``available``, ``backend_name``, ``reason`` or ``enabled`` changed."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        backends: Sequence[str] = BACKENDS,
        path: str | None = None,
        which: Callable[[str], str | None] | None = None,
        platform: str | None = None,
        qt_engine: str | None = None,
        language: str = "es",
        preferred_locale: str | None = None,
        max_utterance_s: float = MAX_UTTERANCE_S,
        repeat_quiet_s: float = REPEAT_QUIET_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("speaker")
        unknown = set(backends) - set(BACKENDS)
        if unknown:
            raise ValueError(f"unknown speech backends {sorted(unknown)}; known: {BACKENDS}")
        if not re.fullmatch(r"[a-z]{2,3}", language):
            raise ValueError(f"language must be an ISO 639 code such as 'es', not {language!r}")
        self._platform = platform or sys.platform
        self._which = which or (lambda name: shutil.which(name, path=path))
        self._language = language
        self._preferred_locale = preferred_locale or QLocale.system().name()
        self._enabled = False
        self._closed = False
        self._rate = 0.0
        self._volume = 1.0
        self.dropped = 0
        """Texts replaced by a newer one before they could be said."""
        self.errors = 0
        """Utterances that failed (could not start, exited non-zero, timed out)."""
        self.utterances = 0
        """Utterances started."""
        self.repeats_held = 0
        """Descriptions not said because they repeated the last one within the quiet time."""
        self._repeat_quiet_s = REPEAT_QUIET_S
        self.set_repeat_quiet(repeat_quiet_s)
        self._clock = clock
        self._last_said: tuple[str, str] | None = None
        """(device, text) of the last description handed to the backend."""
        self._last_said_at = 0.0
        self._current: str | None = None
        self._pending: str | None = None
        self._speaking = False
        self._failures_in_a_row = 0
        self._notes: list[str] = []
        self._off_note = ""
        self._qt: _QtSpeech | None = None
        self._commands: list[tuple[str, str]] = []
        """(name, program) found on PATH; the first is in use."""
        self._proc: QProcess | None = None
        self._stage = ""
        self._say_voice: str | None = None
        self._say_probed = False
        self._stopping: set[QProcess] = set()
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(round(max_utterance_s * 1000))
        self._watchdog.timeout.connect(self._on_watchdog)
        self._max_utterance_s = max_utterance_s

        if "qt" in backends:
            self._qt, notes = _QtSpeech.create(self, qt_engine, language, self._preferred_locale)
            self._notes += notes
            if self._qt is not None:
                self._connect_qt(self._qt)
                if self._qt.note:
                    self._notes.append(self._qt.note)
        if "command" in backends:
            names = speech_commands(self._platform)
            for name in names:
                program = self._which(name)
                if program:
                    self._commands.append((name, program))
            if not self._commands:
                self._notes.append(
                    self.tr("no speech command ({commands}) was found on PATH").format(
                        commands=", ".join(names)
                    )
                )
        if self.available:
            log.info("text-to-speech: %s", self.backend_name)
        else:
            log.info("text-to-speech: %s", self.reason)

    # -- state -------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Some backend can speak."""
        return self._qt is not None or bool(self._commands)

    @property
    def backend_name(self) -> str:
        if self._qt is not None:
            return f"Qt TextToSpeech ({self._qt.engine})"
        if self._commands:
            return self.tr("{name} command").format(name=self._commands[0][0])
        return self.tr("none")

    @property
    def voice(self) -> str:
        """The voice or language in use, for display (``Mónica``, ``Anneli (fi_FI)``, ``es``)."""
        if self._qt is not None:
            v, loc = self._qt.tts.voice(), self._qt.tts.locale().name()
            return f"{v.name()} ({loc})" if v.name() else loc
        if self._commands and self._commands[0][0] == "say":
            return self._say_voice or self.tr("default voice")
        return self._language if self._commands else ""

    @property
    def reason(self) -> str:
        """Why speech is unavailable (with how to enable it), or notes on the backend in use."""
        if not self.available:
            why = "; ".join(self._notes) or self.tr("no speech backend was tried")
            return self.tr("Speech is not available: {why}. {hint}").format(
                why=why, hint=enable_hint(self._platform)
            )
        notes = ([self._off_note] if self._off_note else []) + self._notes
        return "; ".join(notes)

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        self.set_enabled(on)

    @Slot(bool)
    def set_enabled(self, on: bool) -> None:
        """Turn speech on or off; it stays off while no backend is available."""
        on = bool(on) and self.available and not self._closed
        if on:
            self._failures_in_a_row = 0
            self._off_note = ""
        if on == self._enabled:
            return
        if on:
            self._last_said = None  # turned on: the scene is said once, whatever it was
        self._enabled = on
        if not on:
            self.stop()
        self.enabled_changed.emit(on)
        self.status_changed.emit()

    @property
    def rate(self) -> float:
        """Speaking rate, −1 (slow) … 0 (normal) … 1 (fast); used from the next utterance."""
        return self._rate

    @rate.setter
    def rate(self, value: float) -> None:
        self.set_rate(value)

    @Slot(float)
    def set_rate(self, value: float) -> None:
        self._rate = min(1.0, max(-1.0, float(value)))

    @property
    def volume(self) -> float:
        """Volume 0 … 1; used from the next utterance."""
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self.set_volume(value)

    @Slot(float)
    def set_volume(self, value: float) -> None:
        self._volume = min(1.0, max(0.0, float(value)))

    @property
    def repeat_quiet_s(self) -> float:
        """Seconds before a repeated description (same device and text) is said again."""
        return self._repeat_quiet_s

    @repeat_quiet_s.setter
    def repeat_quiet_s(self, value: float) -> None:
        self.set_repeat_quiet(value)

    @Slot(float)
    def set_repeat_quiet(self, seconds: float) -> None:
        seconds = float(seconds)
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"repeat_quiet_s must be a finite number ≥ 0, not {seconds!r}")
        self._repeat_quiet_s = seconds

    @property
    def speaking(self) -> bool:
        return self._speaking

    @property
    def pending(self) -> str | None:
        """The text waiting for the current utterance to end (at most one)."""
        return self._pending

    # -- speaking ----------------------------------------------------------------------------

    def speak_description(self, d: Description) -> None:
        """Say a description (fallback ones too: the user hears those as well), unless it
        repeats the last one spoken (same device, same text) within :attr:`repeat_quiet_s`."""
        text = d.text.strip()
        if not text or not self._enabled or self._closed:
            return
        key = (d.device_id, text)
        now = self._clock()
        if key == self._last_said and now - self._last_said_at < self._repeat_quiet_s:
            self.repeats_held += 1
            return
        self._last_said, self._last_said_at = key, now
        self.say(text)

    @Slot(str)
    def say(self, text: str) -> None:
        """Say ``text`` now, or after the utterance in progress (replacing any waiting text)."""
        text = text.strip()
        if not text or not self._enabled or self._closed:
            return
        if self._current is not None:
            if self._pending is not None:
                self.dropped += 1
            self._pending = text
            return
        self._begin(text)

    @Slot()
    def stop(self) -> None:
        """Stop the utterance in progress and forget the waiting one."""
        self._pending = None
        self._watchdog.stop()
        if self._proc is not None:
            self._kill(self._proc)
            self._proc = None
        if self._qt is not None and self._qt.active:
            self._qt.stop()
        self._current = None
        self._set_speaking(False)

    def close(self) -> None:
        """Stop speaking and end every process (waiting briefly); the speaker stays silent."""
        if self._closed:
            return
        self.set_enabled(False)
        self.stop()
        self._closed = True
        for proc in list(self._stopping):
            if proc.state() != QProcess.ProcessState.NotRunning:
                proc.waitForFinished(_WAIT_ON_CLOSE_MS)
            if proc.state() != QProcess.ProcessState.NotRunning:  # pragma: no cover
                log.warning("text-to-speech: a speech process did not end in time")
                continue  # stays a child of the speaker; deleting it now would warn
            self._stopping.discard(proc)
            proc.deleteLater()
        if self._qt is not None:
            self._qt.close()
            self._qt = None

    def _begin(self, text: str) -> None:
        self._current = text
        self._set_speaking(True)
        self._watchdog.start()
        if self._qt is not None:
            self._qt.tts.setRate(self._rate)
            self._qt.tts.setVolume(self._volume)
            self._qt.active = True
            self.utterances += 1
            self.spoken.emit(text)
            self._qt.tts.say(text)
        else:
            self._start_command(text)

    def _finish(self, ok: bool, message: str = "") -> None:
        self._watchdog.stop()
        self._current = None
        if ok:
            self._failures_in_a_row = 0
        else:
            self._failed(message)
        nxt, self._pending = self._pending, None
        if nxt is not None and self._enabled and self.available:
            self._begin(nxt)
        else:
            self._set_speaking(False)

    def _failed(self, message: str) -> None:
        self.errors += 1
        self._failures_in_a_row += 1
        if self.errors == 1 or self._failures_in_a_row == 1:
            log.warning("text-to-speech: %s", message)
        else:
            log.debug("text-to-speech: %s", message)
        self.error.emit(message)
        if self._failures_in_a_row < MAX_FAILURES_IN_A_ROW:
            return
        n = self._failures_in_a_row
        has_next = (self._qt is not None and bool(self._commands)) or len(self._commands) > 1
        if has_next:
            self._drop_backend(
                self.tr("{backend} failed {n} times in a row ({message})").format(
                    backend=self.backend_name, n=n, message=message
                )
            )
        else:
            self._off_note = self.tr(
                "speech was turned off after {n} failures in a row ({message}); turn it on "
                "again to retry"
            ).format(n=n, message=message)
            log.warning("text-to-speech: %s", self._off_note)
            self._pending = None
            self.set_enabled(False)
            self.status_changed.emit()

    def _drop_backend(self, note: str) -> None:
        """Stop using the current backend (it is gone or keeps failing); the next one takes over."""
        if self._qt is not None:
            self._qt.close()
            self._qt = None
        elif self._commands:
            self._commands.pop(0)
            self._say_probed = False
            self._say_voice = None
        self._notes.append(note)
        self._failures_in_a_row = 0
        log.warning("text-to-speech: %s; now using: %s", note, self.backend_name)
        if not self.available:
            self._pending = None
            self.set_enabled(False)
        self.status_changed.emit()

    def _set_speaking(self, on: bool) -> None:
        if on != self._speaking:
            self._speaking = on
            self.speaking_changed.emit(on)

    def _on_watchdog(self) -> None:
        if self._current is None:
            return
        if self._proc is not None:
            self._kill(self._proc)
            self._proc = None
        elif self._qt is not None:
            self._qt.stop()
        self._finish(
            False,
            self.tr("{backend} took longer than {seconds} s").format(
                backend=self.backend_name, seconds=f"{self._max_utterance_s:g}"
            ),
        )

    # -- Qt backend --------------------------------------------------------------------------

    def _connect_qt(self, qt: _QtSpeech) -> None:
        qt.tts.stateChanged.connect(partial(self._on_qt_state, qt))
        qt.tts.errorOccurred.connect(partial(self._on_qt_error, qt))

    def _on_qt_state(self, qt: _QtSpeech, state: Any) -> None:
        if qt is not self._qt or not qt.active:
            return
        name = state.name
        if name == "Ready":
            qt.active = False
            self._finish(True)
        elif name == "Error":
            qt.active = False
            self._finish(
                False,
                self.tr("Qt's {engine} speech engine failed: {error}").format(
                    engine=qt.engine, error=qt.tts.errorString()
                ),
            )

    def _on_qt_error(self, qt: _QtSpeech, _reason: Any, message: str) -> None:
        log.debug("text-to-speech: Qt %s engine error: %s", qt.engine, message)

    # -- command backend ---------------------------------------------------------------------

    def _start_command(self, text: str) -> None:
        name, program = self._commands[0]
        if name == "say" and not self._say_probed:
            self._stage = "probe"
            self._launch(Invocation(program, ("-v", "?")), keep_stdout=True)
            return
        inv = command_invocation(
            name,
            program,
            text,
            rate=self._rate,
            volume=self._volume,
            language=self._language,
            voice=self._say_voice,
        )
        self._stage = "speak"
        self._launch(inv)

    def _launch(self, inv: Invocation, keep_stdout: bool = False) -> None:
        proc = QProcess(self)
        proc.setProgram(inv.program)
        proc.setArguments(list(inv.args))
        if inv.env:
            env = QProcessEnvironment.systemEnvironment()
            for key, value in inv.env.items():
                env.insert(key, value)
            proc.setProcessEnvironment(env)
        if not keep_stdout:
            proc.setStandardOutputFile(QProcess.nullDevice())
        if inv.stdin is None:
            proc.setStandardInputFile(QProcess.nullDevice())
        proc.started.connect(partial(self._on_started, proc))
        proc.finished.connect(partial(self._on_finished, proc))
        proc.errorOccurred.connect(partial(self._on_process_error, proc))
        self._proc = proc
        proc.start()
        if inv.stdin is not None and proc.state() != QProcess.ProcessState.NotRunning:
            proc.write(inv.stdin)
            proc.closeWriteChannel()

    def _kill(self, proc: QProcess) -> None:
        self._stopping.add(proc)
        if proc.state() != QProcess.ProcessState.NotRunning:
            proc.kill()
        else:
            self._stopping.discard(proc)
            proc.deleteLater()

    def _on_started(self, proc: QProcess) -> None:
        if proc is self._proc and self._stage == "speak" and self._current is not None:
            self.utterances += 1
            self.spoken.emit(self._current)

    def _on_finished(self, proc: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if proc in self._stopping:
            self._stopping.discard(proc)
            proc.deleteLater()
            return
        if proc is not self._proc:
            proc.deleteLater()
            return
        self._proc = None
        stderr = bytes(proc.readAllStandardError().data()).decode("utf-8", "replace")
        name = self._commands[0][0] if self._commands else proc.program()
        normal = status == QProcess.ExitStatus.NormalExit
        if self._stage == "probe":
            stdout = bytes(proc.readAllStandardOutput().data()).decode("utf-8", "replace")
            proc.deleteLater()
            self._say_probed = True
            voice = None
            if normal and code == 0:
                voice = pick_say_voice(stdout, self._language, self._preferred_locale)
            if voice:
                self._say_voice = voice
            else:
                lang = language_name(self._language)
                self._notes.append(
                    self.tr("no {language} voice for say; using the default voice").format(
                        language=lang
                    )
                )
                self.status_changed.emit()
            if self._current is not None:
                self._start_command(self._current)
            return
        proc.deleteLater()
        if normal and code == 0:
            self._finish(True)
            return
        what = (
            self.tr("{name} exited with status {code}").format(name=name, code=code)
            if normal
            else self.tr("{name} crashed").format(name=name)
        )
        detail = _last_line(stderr)
        self._finish(False, f"{what}: {detail}" if detail else what)

    def _on_process_error(self, proc: QProcess, err: QProcess.ProcessError) -> None:
        if err != QProcess.ProcessError.FailedToStart or proc is not self._proc:
            return  # crashes and kills arrive through finished()
        self._proc = None
        proc.deleteLater()
        name, program = self._commands[0]
        message = self.tr("{name} could not be started ({error})").format(
            name=name, error=proc.errorString()
        )
        if self._which(name) is None:
            self._drop_backend(self.tr("{name} is no longer on PATH").format(name=name))
        elif self._which(name) != program:
            self._commands[0] = (name, self._which(name) or program)
        self._finish(False, message)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    return last if len(last) <= _DETAIL_CHARS else last[: _DETAIL_CHARS - 1] + "…"
