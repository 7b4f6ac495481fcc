"""The window in Spanish: the language chosen, Qt's own strings, and no English left behind.

Each dialog and panel is built with Spanish installed and every text a user can see is walked
(labels, buttons, group titles, actions, tooltips, placeholders, window titles, combo items,
table headers and cells); a text with an English word that the Spanish catalogue translates is
a string that escaped translation. Screenshots of About in both languages go to
``/tmp/i18n_about_es.png`` and ``/tmp/i18n_about_en.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from intelivision_desktop.app import i18n
from intelivision_desktop.core.channels import ChannelStore
from intelivision_desktop.core.model import Description
from intelivision_desktop.io.recorder import JsonlRecorder

ROOT = Path(__file__).resolve().parents[2]
ES_TS = ROOT / "resources" / "i18n" / "intelivision_es.ts"

# Words that read the same in both languages or are names (products, protocols, formats).
SHARED_WORDS = {
    "amazon", "bedrock", "socket", "gateway", "websocket", "node", "invokeagent",
    "conversestream", "bearer", "token", "tokens", "arduino", "plotter", "demo", "intelivision",
    "desktop", "query", "endpoint", "protocol", "region", "localhost", "auto", "name",
}  # fmt: skip
# Qt's own buttons: Spanish through qtbase_es.qm, so English here means it was not loaded.
QT_WORDS = {"close", "cancel", "apply", "save", "open", "discard", "reset", "help"}


def _words(text: str) -> set[str]:
    text = re.sub(r"\{[^}]*\}|%L?n|%\d|&(?=\w)", " ", text)  # placeholders and mnemonics
    return {w.lower() for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", text) if len(w) > 1}


def english_words() -> set[str]:
    """Words of the English source strings that the Spanish catalogue does not use."""
    english: set[str] = set()
    spanish: set[str] = set()
    for m in ET.parse(ES_TS).getroot().iter("message"):
        source = m.findtext("source") or ""
        forms = [f.text or "" for f in m.iter("numerusform")] or [m.findtext("translation") or ""]
        english |= _words(source)
        for f in forms:
            spanish |= _words(f)
    return {w for w in english - spanish - SHARED_WORDS if len(w) >= 3} | QT_WORDS


ENGLISH = english_words() - {w.lower() for w in i18n.LANGUAGE_NAMES.values()}
"""(The language menu names each language in its own words: "English" stays.)"""


def _visible_words(text: str) -> set[str]:
    """Words of a shown text, without paths, URLs, file names and HTML tags (user data)."""
    text = re.sub(r"<[^>]+>", " ", text)
    kept = [t for t in text.split() if not re.search(r"[/\\:@=]|\.\w", t)]
    return _words(" ".join(kept))


def _count(method: Callable[..., int]) -> int:
    """A model's row or column count (Qt's list models keep ``columnCount`` private: one)."""
    try:
        return int(method(QModelIndex()))
    except TypeError:
        return 1


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a user can see in ``root`` and its children."""
    out: list[tuple[str, str]] = [(f"{type(root).__name__}.windowTitle", root.windowTitle())]
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        name = f"{type(w).__name__}({w.objectName()})"
        out.append((f"{name}.toolTip", w.toolTip()))
        if isinstance(w, QLabel):
            out.append((f"{name}.text", w.text()))
        if isinstance(w, QAbstractButton):
            out.append((f"{name}.text", w.text()))
        if isinstance(w, QGroupBox):
            out.append((f"{name}.title", w.title()))
        if isinstance(w, QLineEdit):
            out.append((f"{name}.placeholder", w.placeholderText()))
        if isinstance(w, QComboBox):
            out += [(f"{name}.item{i}", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for c in range(_count(model.columnCount)):
                out.append(
                    (f"{name}.header{c}", str(model.headerData(c, Qt.Orientation.Horizontal)))
                )
                for r in range(_count(model.rowCount)):
                    index = model.index(r, c)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(index, role)
                        if isinstance(value, str):
                            out.append((f"{name}.cell{r},{c}", value))
        for a in w.actions():
            out += [(f"{name}.action.text", a.text()), (f"{name}.action.tip", a.toolTip())]
    for a in root.findChildren(QAction):
        out += [(f"QAction({a.objectName()}).text", a.text()), ("QAction.tip", a.toolTip())]
    return [(where, t) for where, t in out if t]


def escaped(root: QWidget) -> list[str]:
    """Texts with English words the Spanish catalogue translates."""
    bad = []
    for where, text in texts_of(root):
        english = _visible_words(text) & ENGLISH
        if english:
            bad.append(f"{where}: {text!r} ({', '.join(sorted(english))})")
    return bad


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[str]:
    lang = i18n.install_translators(qapp, "es")
    yield lang
    i18n.remove_translators(qapp)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[str]:
    lang = i18n.install_translators(qapp, "en")
    yield lang
    i18n.remove_translators(qapp)


# --- choosing the language ---------------------------------------------------------------------


def test_language_order_explicit_then_settings_then_system() -> None:
    mx, us = QLocale("es_MX"), QLocale("en_US")
    assert i18n.choose_language("en", "es", mx) == ("en", "explicit")
    assert i18n.choose_language(None, "es", us) == ("es", "settings")
    assert i18n.choose_language(None, "", mx) == ("es", "system")
    assert i18n.choose_language(None, None, QLocale("fr_FR")) == ("en", "system")
    assert i18n.choose_language("es-419", None, us) == ("es", "explicit")
    with pytest.raises(ValueError, match="not available"):
        i18n.choose_language("fr", None, us)


def test_numbers_follow_the_system_when_it_speaks_the_language() -> None:
    assert i18n.locale_for("es", QLocale("es_AR")).name() == "es_AR"
    assert i18n.locale_for("es", QLocale("en_US")).name() == "es_419"  # neutral Latin American
    assert i18n.locale_for("en", QLocale("es_MX")).name() == "en_US"


def test_language_setting_is_read_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert i18n.language_setting(path) is None
    path.write_text(json.dumps({"version": 1, "options": {"language": "es"}}), encoding="utf-8")
    assert i18n.language_setting(path) == "es"
    path.write_text(json.dumps({"version": 1, "options": {"language": "fr"}}), encoding="utf-8")
    assert i18n.language_setting(path) is None
    path.write_text("[[[not json", encoding="utf-8")
    assert i18n.language_setting(path) is None
    assert path.read_text(encoding="utf-8") == "[[[not json"  # never set aside here


def test_start_up_takes_lang_then_the_settings_file(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intelivision_desktop.app.gui import install_language

    monkeypatch.setenv("INTELIVISION_CONFIG_DIR", str(tmp_path))
    (tmp_path / "settings.json").write_text(
        json.dumps({"version": 1, "options": {"language": "es"}}), encoding="utf-8"
    )
    plain = argparse.Namespace(self_test=False, screenshot=None)
    try:
        assert install_language(qapp, argparse.Namespace(lang="en", **vars(plain))) == "en"
        assert i18n.last is not None
        assert i18n.last.why == "explicit"
        assert install_language(qapp, plain) == "es"  # no --lang yet: the settings file
        assert i18n.last.why == "settings"
        assert QCoreApplication.translate("ReplayBar", "Loop") == "Repetir"
        tooling = argparse.Namespace(self_test=True, screenshot=None)
        install_language(qapp, tooling)
        assert i18n.last.why == "system"  # the self-test leaves the operator's settings alone
    finally:
        i18n.remove_translators(qapp)


def test_spanish_installs_the_app_and_qt_catalogues(spanish: str, qtbot: QtBot) -> None:
    assert spanish == "es"
    assert i18n.last is not None
    assert i18n.last.missing == ()
    assert [Path(p).name for p in i18n.last.loaded] == ["intelivision_es.qm", "qtbase_es.qm"]
    assert i18n.available_languages() == ["es", "en"]
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Aceptar", "Cancelar"}


def test_numbers_and_plurals_in_spanish(spanish: str) -> None:
    from intelivision_desktop.ui.export_dialog import _rows
    from intelivision_desktop.ui.recordings_browser import format_size

    assert _rows(1) == "1 fila"
    assert _rows(12000) == "12,000 filas"  # es_419 groups with a comma
    assert format_size(1500) == "1.5 kB"


def test_english_plurals_come_from_the_english_catalogue(english: str) -> None:
    from intelivision_desktop.ui.export_dialog import _rows

    assert (_rows(1), _rows(2)) == ("1 row", "2 rows")


# --- nothing left in English -------------------------------------------------------------------


def test_the_word_list_knows_english(spanish: str) -> None:
    """The check itself: an unwrapped English label is caught, a Spanish one is not."""
    assert {"recording", "export", "cancel", "folder"} <= ENGLISH
    w = QWidget()
    QLabel("Open the recordings folder", w)
    assert escaped(w)
    w2 = QWidget()
    QLabel("Abrir la carpeta de grabaciones en /home/op/recordings", w2)
    assert escaped(w2) == []


def _recording(folder: Path) -> None:
    from intelivision_desktop.core.codec import decode_frame

    folder.mkdir()
    rec = JsonlRecorder(folder / "sesion.jsonl", source="demo://", analyzer="embedded://rules")
    wire = {"cameraActive": True, "personas": [{"posicion": "frente", "distancia": "1.0m"}]}
    rec.write_frames(
        [decode_frame(wire, device_id="cam", arrival_ms=1.767e12 + i * 200) for i in range(20)]
    )
    rec.write_description(Description("cam", "Persona al frente", 1.767e12 + 1000, "rules"))
    rec.close()
    (folder / "frames.jsonl").write_text(
        json.dumps({"timestamp": 1.767e12, **wire}) + "\n", encoding="utf-8"
    )


class _Player:
    paused = True
    speed = 2.0


class _Replay:
    player = _Player()
    seekable = True
    length_s = 75.0
    position_s = 12.5
    position_wall_ms = 1.767e12
    at_end = False
    loop = True


def test_no_english_in_the_dialogs_and_panels(
    spanish: str, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intelivision_desktop.app.diagnostics import about_versions
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.io.export import summarize_recording
    from intelivision_desktop.ui.about import AboutDialog
    from intelivision_desktop.ui.bedrock_dialog import BedrockDialog
    from intelivision_desktop.ui.connection_panel import ConnectionPanel
    from intelivision_desktop.ui.export_dialog import ExportDialog
    from intelivision_desktop.ui.recordings_browser import RecordingsBrowser
    from intelivision_desktop.ui.replay_bar import ReplayBar
    from intelivision_desktop.ui.serial_panel import SerialPanel

    monkeypatch.setattr(QApplication.clipboard(), "setText", lambda _text: None)
    shown: dict[str, QWidget] = {}

    about = AboutDialog(
        lambda: "diagnostics\nline 2",
        versions=about_versions(),
        folders=[("Recordings", tmp_path / "rec"), ("Logs", tmp_path / "log")],
    )
    about.copy_diagnostics()
    shown["about"] = about

    bedrock = BedrockDialog("embedded://bedrock-agent", env={})
    shown["bedrock (agent)"] = bedrock
    model = BedrockDialog("embedded://bedrock-model", env={"AWS_REGION": "us-east-1"})
    shown["bedrock (model)"] = model

    store = ChannelStore(100)
    t0 = 1.767e9
    store.extend(np.arange(50) / 5 + t0, {"people": np.ones(50)})
    export = ExportDialog(
        {"cam": store, "placa": store},
        [Description("cam", "Persona al frente", (t0 + 1) * 1000, "rules")],
        lambda: (t0, t0 + 5),
        None,
        tmp_path / "out",
        services=ui_services(),
    )
    export.start_export()
    assert export.wait()
    assert export.results
    shown["export"] = export
    export_nothing = ExportDialog({}, [], None, None, tmp_path / "out", services=ui_services())
    export_nothing.channels_box.setChecked(False)
    export_nothing.descriptions_box.setChecked(False)
    export_nothing.start_export()  # "choose something to export"
    shown["export (error)"] = export_nothing

    folder = tmp_path / "recordings"
    _recording(folder)
    browser = RecordingsBrowser(folder, watch=False, summarize=summarize_recording)
    qtbot.waitUntil(lambda: not browser.scanning, timeout=5000)
    browser._show_status("")
    shown["recordings"] = browser
    shown["recordings (none yet)"] = RecordingsBrowser(
        tmp_path / "missing", watch=False, summarize=summarize_recording
    )

    conn = ConnectionPanel()
    conn.update_numbers(None)
    conn.show_state("retrying", "")
    conn.ca_file.setText(str(tmp_path / "nope.pem"))
    conn.url.setText("http://127.0.0.1:9")
    conn._on_connect()  # CA file not found
    shown["connection"] = conn

    serial = SerialPanel(scan=list, rescan_ms=60_000)
    serial.set_state("connecting", "")
    serial.port_combo.setEditText("")
    serial.request_source()  # "choose or type a port"
    shown["serial"] = serial

    bar = ReplayBar()
    shown["replay bar (idle)"] = bar
    bar2 = ReplayBar()
    bar2.bind(_Replay())
    shown["replay bar (replaying)"] = bar2

    problems: list[str] = []
    for name, w in shown.items():
        qtbot.addWidget(w)
        problems += [f"{name}: {p}" for p in escaped(w)]
    for w in (bar, bar2):
        w.stop()
    assert problems == []
    # and the walk saw Spanish: a few texts each dialog must show
    assert about.windowTitle() == "Acerca de InteliVision Desktop"
    assert "Se exportaron 2 archivos" in export.status.text()
    assert browser.status.text().startswith("2 grabaciones en ")
    assert browser.model.headerData(0, Qt.Orientation.Horizontal) == "Grabación"
    assert conn.state.text() == "<b>reintentando</b>"
    assert bar2.play_action.text() == "Reproducir"


class _Board:
    """A serial board's monitor feed (what SerialSource.monitor_since gives the monitor)."""

    def __init__(self) -> None:
        from intelivision_desktop.core.serial_settings import MonitorLine

        t = 1.767e12
        self.lines = [MonitorLine(t + i * 100, f"a0:{i}.5\ta1:2".encode(), "values", "")
                      for i in range(5)]  # fmt: skip

    def monitor_since(self, seq: int) -> tuple[int, list[object]]:
        return len(self.lines), list(self.lines[seq:])


def test_no_english_in_the_main_window(
    spanish: str, qloop: object, qtbot: QtBot, tmp_path: Path
) -> None:
    """The main window in Spanish after a short demo run: menus (View → Language too),
    toolbars, every dock open (backend, recordings, serial device, serial monitor, devices),
    the timeline's rows and the status bar; then the devices panel while accepting devices and
    the serial monitor with a board's lines, paused."""
    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.main_window import MainWindow
    from tests.gui.conftest import run, wait_until

    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)
    w.confirm_quit = False
    w.resize(1280, 800)
    w.show()
    ctl = SessionController(w, build_parser().parse_args([]))
    problems: list[str] = []

    def pending() -> set[str]:
        """Not this walk's to judge yet (its owner translates them; see the i18n report):
        the demo scenes' names (app/gui.py's demo_sources: file names)."""
        return {p for p in escaped(w) if "'Demo — " in p}

    async def scenario() -> None:
        try:
            await ctl.start("demo://person_waves?speed=50&loop=0")
            await wait_until(lambda: w.timeline.model.rowCount() >= 3, within=20)
            for d in w.docks:  # tabbed together: each comes to the front once
                d.show()
                d.raise_()
                await asyncio.sleep(0.05)
            await wait_until(lambda: w.recordings is not None and not w.recordings.scanning)
            w._update_status()
            problems.extend(f"main window: {p}" for p in escaped(w) if p not in pending())
            # accepting devices: the devices panel shows the URLs and its counts
            await ctl.start("serve://127.0.0.1:0")
            w._update_status()
            w.devices.refresh(ctl.session.source if ctl.session else None)
            problems.extend(f"accepting devices: {p}" for p in escaped(w) if p not in pending())
        finally:
            await ctl.shutdown()

    run(qloop, scenario())  # type: ignore[arg-type]
    # the serial monitor with a board's lines, paused
    w.monitor.bind_source(_Board())
    w.monitor.pause_box.setChecked(True)
    w.monitor.poll()
    w.monitor.pause_box.setChecked(False)
    w.monitor.poll()
    problems += [f"serial monitor: {p}" for p in escaped(w.monitor)]
    w.show_details()
    problems += [f"status details: {p}" for p in escaped(w.details_box)]
    w.details_box.close()
    w.close()
    assert problems == [], "\n".join(problems)
    # and the walk saw Spanish
    assert w.menuBar().actions()[0].text() == "&Archivo"
    assert w.language_menu.title() == "&Idioma"
    assert w.devices.summary.text().startswith("0 conectados, 0 desconectados")
    assert w.monitor.info.text().startswith("5 líneas recibidas")
    assert w.timeline.model.headerData(0, Qt.Orientation.Horizontal) == "Hora"
    assert w.rate_label.text().endswith("cuadros/s")


def test_the_language_menu_keeps_the_choice_for_the_next_start(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """View → Language shows the kept choice checked; a choice is saved in the settings file
    (``options.language``) and the status bar says it applies at the next start."""
    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.app.settings import SettingsStore
    from intelivision_desktop.app.wiring import ui_services
    from intelivision_desktop.ui.main_window import MainWindow

    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "options": {"language": "es"}}), encoding="utf-8")
    store = SettingsStore(path)
    w = MainWindow(demo_sources(), ui_services())
    qtbot.addWidget(w)
    w.confirm_quit = False
    ctl = SessionController(w, build_parser().parse_args([]), store)
    menu = w.language_menu
    labels = [a.text() for a in menu.actions()]
    assert labels == ["System language", "Español", "English"]
    assert all(a.isCheckable() for a in menu.actions())
    assert "next time the app starts" in menu.menuAction().toolTip()
    assert [a.isChecked() for a in menu.actions()] == [False, True, False]  # from the file

    chosen: list[str] = []
    w.language_chosen.connect(chosen.append)
    w.language_actions["en"].trigger()
    assert chosen == ["en"]
    assert [a.isChecked() for a in menu.actions()] == [False, False, True]  # exclusive
    assert json.loads(path.read_text(encoding="utf-8"))["options"]["language"] == "en"
    assert ctl.options.language == "en"
    assert w.statusBar().currentMessage() == "The language changes the next time the app starts."
    assert i18n.language_setting(path) == "en"  # what the next start reads

    w.language_actions[""].trigger()
    assert chosen == ["en", ""]
    assert json.loads(path.read_text(encoding="utf-8"))["options"]["language"] == ""
    assert i18n.language_setting(path) is None  # the system's
    assert QCoreApplication.translate("ReplayBar", "Loop") == "Loop"  # this run stays English
    w.close()


# --- screenshots -------------------------------------------------------------------------------


def _about_png(qapp: QApplication, lang: str, folder: Path) -> QImage:
    from intelivision_desktop.app.diagnostics import about_versions
    from intelivision_desktop.ui.about import AboutDialog

    i18n.install_translators(qapp, lang)
    try:
        d = AboutDialog(
            lambda: "",
            versions=about_versions(),
            folders=[("Recordings", folder / "rec"), ("Logs", folder / "log")],
        )
        d.resize(720, 420)
        d.show()
        QApplication.processEvents()
        image = d.grab().toImage()
        d.close()
        d.deleteLater()
        return image
    finally:
        i18n.remove_translators(qapp)


def _blank(image: QImage) -> bool:
    small = image.scaled(64, 64)
    colours = {small.pixel(x, y) for x in range(64) for y in range(64)}
    return len(colours) < 3


def test_about_screenshots_in_spanish_and_english(qapp: QApplication, tmp_path: Path) -> None:
    es = _about_png(qapp, "es", tmp_path)
    en = _about_png(qapp, "en", tmp_path)
    for lang, image in (("es", es), ("en", en)):
        assert not image.isNull()
        assert not _blank(image), lang
        assert image.save(str(tmp_path / f"about_{lang}.png"))
        image.save(f"/tmp/i18n_about_{lang}.png")  # to look at; not part of the result
    assert es != en
