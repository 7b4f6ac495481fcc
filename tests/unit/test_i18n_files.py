"""The translation files: in sync with the code, finished, placeholders kept, .qm current.

``scripts/i18n.py check`` is the same check from a shell; these tests also prove that each of
its rules catches what it is for (a stale .qm, an unfinished or empty translation, a dropped
placeholder, a string in the code that the .ts lacks).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None
    assert spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


i18n = _load_script()


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The translation files copied to a temp folder, which the script then works on."""
    d = tmp_path / "i18n"
    shutil.copytree(i18n.I18N, d)
    monkeypatch.setattr(i18n, "I18N", d)
    return d


def _set_translation(ts: Path, source: str, text: str | None, kind: str | None = None) -> None:
    tree = ET.parse(ts)
    for m in tree.getroot().iter("message"):
        if m.findtext("source") == source:
            tr = m.find("translation")
            assert tr is not None
            if text is not None:
                tr.text = text
            if kind is not None:
                tr.set("type", kind)
            tree.write(ts, encoding="utf-8", xml_declaration=True)
            return
    raise AssertionError(f"{source!r} not in {ts}")


def test_the_checked_in_files_pass_the_check() -> None:
    assert i18n.check() == []


def test_every_spanish_string_is_finished_and_not_empty() -> None:
    messages = i18n.read_ts(i18n.ts_path("es"))
    assert len(messages) > 150
    bad = [m.where() for m in messages if m.kind or not m.forms or not all(m.forms)]
    assert bad == []
    # Spanish has two plural forms, both written
    plural = [m for m in messages if m.numerus]
    assert plural
    assert all(len(m.forms) == 2 and all("%n" in f for f in m.forms if "%n" in m.source)
               for m in plural)  # fmt: skip


def test_placeholders_are_kept_in_every_translation() -> None:
    for lang in i18n.LANGUAGES:
        for m in i18n.read_ts(i18n.ts_path(lang)):
            for form in m.forms:
                want = [p for p in i18n.placeholders(m.source) if p != "%n"]
                assert [p for p in i18n.placeholders(form) if p != "%n"] == want, m.where()


def test_english_has_only_the_plural_forms() -> None:
    messages = i18n.read_ts(i18n.ts_path("en"))
    assert messages
    assert all(m.numerus for m in messages)
    rows = next(m for m in messages if m.source == "%n row(s)")
    assert rows.forms == ("%n row", "%n rows")


def test_an_unfinished_translation_fails(copy: Path) -> None:
    ts = copy / "intelivision_es.ts"
    _set_translation(ts, "Open folder", None, kind="unfinished")
    problems = i18n.translation_problems(ts)
    assert any("unfinished" in p and "Open folder" in p for p in problems)


def test_an_empty_translation_fails(copy: Path) -> None:
    ts = copy / "intelivision_es.ts"
    _set_translation(ts, "Components", "")
    assert any("empty" in p and "Components" in p for p in i18n.translation_problems(ts))


def test_a_dropped_placeholder_fails(copy: Path) -> None:
    ts = copy / "intelivision_es.ts"
    _set_translation(ts, "Version {version}", "Versión {versión}")
    problems = i18n.translation_problems(ts)
    assert any("placeholders" in p and "Version {version}" in p for p in problems)


def test_a_stale_or_missing_qm_fails(copy: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    assert i18n.qm_problems(build) == []
    _set_translation(copy / "intelivision_es.ts", "Components", "Piezas")
    problems = i18n.qm_problems(build)
    assert any("intelivision_es.qm is stale" in p for p in problems)
    (copy / "intelivision_en.qm").unlink()
    assert any("intelivision_en.qm is missing" in p for p in i18n.qm_problems(build))


def test_a_tr_helper_without_a_class_is_named(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module-level ``def tr(text)`` helper: lupdate files its strings under no context."""
    extra = tmp_path / "helper.py"
    extra.write_text(
        "def tr(text):\n    return text\n\n\nLABEL = tr('Said by a helper')\n", encoding="utf-8"
    )
    sources = i18n.sources()
    monkeypatch.setattr(i18n, "sources", lambda: [*sources, extra])
    problems = i18n.sync_problems(tmp_path)
    assert any("no context for 'Said by a helper'" in p for p in problems)


def test_a_string_in_the_code_missing_from_the_ts_fails(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "extra.py"
    extra.write_text(
        "from PySide6.QtWidgets import QWidget\n\n"
        "class Extra(QWidget):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.setWindowTitle(self.tr('A title nobody translated'))\n",
        encoding="utf-8",
    )
    sources = i18n.sources()
    monkeypatch.setattr(i18n, "sources", lambda: [*sources, extra])
    problems = i18n.sync_problems(tmp_path)
    assert any("not in the .ts" in p and "A title nobody translated" in p for p in problems)


def test_a_string_the_code_dropped_fails(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [p for p in i18n.sources() if p.name != "about.py"]
    monkeypatch.setattr(i18n, "sources", lambda: sources)
    problems = i18n.sync_problems(tmp_path)
    assert any("no longer in the code" in p and "Copy diagnostics" in p for p in problems)


def test_the_qt_translations_shipped_with_pyside6_are_there() -> None:
    """Qt's own Spanish (buttons, file dialogs): the bundle copies it from here."""
    pyside = importlib.util.find_spec("PySide6")
    assert pyside is not None
    assert pyside.origin is not None
    folder = Path(pyside.origin).parent / "Qt" / "translations"
    assert (folder / "qtbase_es.qm").stat().st_size > 100_000
    assert (folder / "qtbase_en.qm").is_file()


def test_a_tr_called_on_another_object_is_named(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``self.window.tr("…")``: lupdate files it under "self.window", PySide looks it up under
    the window's class name; the text would stay English."""
    extra = tmp_path / "other.py"
    extra.write_text(
        "class Controller:\n"
        "    def say(self):\n"
        "        return self.window.tr('Said through another object')\n",
        encoding="utf-8",
    )
    sources = i18n.sources()
    monkeypatch.setattr(i18n, "sources", lambda: [*sources, extra])
    problems = i18n.sync_problems(tmp_path)
    assert any("context 'self.window'" in p and "Said through another" in p for p in problems)
