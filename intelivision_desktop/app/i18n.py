"""The window's language: Qt translators for the app and for Qt's own dialogs.

English is the source language (the strings in the code); Spanish is the operators' language.
:func:`install_translators` picks the language (an explicit choice, else the settings file,
else the system locale), loads ``resources/i18n/intelivision_<lang>.qm`` and Qt's
``qtbase_<lang>.qm`` (standard buttons, file dialogs, message boxes) and installs both on the
application, and makes the matching :class:`~PySide6.QtCore.QLocale` the default so numbers
and dates the window formats follow the language.

The language is chosen once, at start-up: a change (``--lang``, View → Language) applies the
next time the window opens. The headless JSON output and the recordings never go through a
translator.

The ``.qm`` files are built from the ``.ts`` sources by ``scripts/i18n.py`` and checked in, so
a fresh clone runs without building them; the test suite fails when one is stale.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
"""The language of the strings in the code."""
LANGUAGES = ("es", "en")
"""The languages shipped, the operators' first."""
LANGUAGE_NAMES = {"es": "Español", "en": "English"}
"""Each language in its own words (what a language menu shows, untranslated)."""
CATALOG = "intelivision"
"""The app's translation files: ``intelivision_<lang>.ts`` / ``.qm``."""
QT_CATALOGS = ("qtbase",)
"""Qt's own translation files loaded beside the app's (``qtbase_<lang>.qm``)."""
DEFAULT_REGION = {"es": "es_419", "en": "en_US"}
"""The number and date format when the system's locale is of another language: neutral
Latin American Spanish (``1,234.5``; ``es_419``), US English."""


@dataclass(frozen=True, slots=True)
class Installed:
    """What :func:`install_translators` did."""

    language: str
    """``es`` or ``en``."""
    why: str
    """``explicit``, ``settings`` or ``system``."""
    locale: str
    """The QLocale made the default (``es_419``, ``es_AR``, ``en_US`` …)."""
    loaded: tuple[str, ...]
    """The ``.qm`` files installed (paths)."""
    missing: tuple[str, ...]
    """Files that should have been there and were not (logged as warnings)."""


_installed: list[QTranslator] = []
"""The translators installed by this module (kept alive: Qt does not own them)."""
_previous_locale: list[QLocale] = []
"""The default QLocale before the first install (restored by :func:`remove_translators`)."""
last: Installed | None = None
"""What the last :func:`install_translators` did (for diagnostics and tests)."""


def i18n_dir() -> Path:
    """``resources/i18n`` (in the checkout, the wheel or the bundle)."""
    from intelivision_desktop.io.resources import resources_dir

    return resources_dir() / "i18n"


def qm_path(lang: str) -> Path:
    return i18n_dir() / f"{CATALOG}_{lang}.qm"


def qt_translations_dir() -> Path:
    """Where Qt's own ``.qm`` files are (QLibraryInfo; in the PyInstaller bundle too)."""
    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if not path.is_dir():  # a bundle whose qt.conf points elsewhere: next to the binding
        import PySide6

        alt = Path(PySide6.__file__).resolve().parent / "Qt" / "translations"
        if alt.is_dir():
            return alt
    return path


def available_languages() -> list[str]:
    """The languages the app can show: English (the source) and those with a ``.qm``."""
    return [lang for lang in LANGUAGES if lang == SOURCE_LANGUAGE or qm_path(lang).is_file()]


def normalize(lang: str | None) -> str | None:
    """``es``, ``es_MX``, ``es-419``, ``ES`` → ``es``; ``""``/``system``/None → None.
    Raises ValueError for a language the app does not ship."""
    if lang is None:
        return None
    text = lang.strip().replace("-", "_").lower()
    if text in ("", "system", "auto"):
        return None
    code = text.split("_", 1)[0].split(".", 1)[0]
    if code not in LANGUAGES:
        raise ValueError(
            f"language {lang!r} is not available (choose one of: {', '.join(LANGUAGES)})"
        )
    return code


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's UI languages the app ships; English otherwise."""
    loc = locale if locale is not None else QLocale.system()
    for name in [*loc.uiLanguages(), loc.name()]:
        try:
            code = normalize(name)
        except ValueError:
            continue
        if code is not None:
            return code
    return SOURCE_LANGUAGE


def language_setting(path: Path | None = None) -> str | None:
    """The ``language`` option of the settings file, read only (never written, never set
    aside: :class:`~intelivision_desktop.app.settings.SettingsStore` reports a bad file).
    None when unset, ``""`` (system), unreadable or not a shipped language."""
    if path is None:
        from intelivision_desktop.app.settings import settings_path

        path = settings_path()
    try:
        from intelivision_desktop.core.codec import loads_bounded

        doc = loads_bounded(path.read_bytes().decode("utf-8-sig"), strict_numbers=False)
    except Exception:  # noqa: BLE001 - a missing or broken file means "not set" here
        return None
    options = doc.get("options") if isinstance(doc, dict) else None
    value = options.get("language") if isinstance(options, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return normalize(value)
    except ValueError:
        log.warning("settings: language %r is not available; using the system's", value)
        return None


def choose_language(
    explicit: str | None, setting: str | None = None, system: QLocale | None = None
) -> tuple[str, str]:
    """(language, why): explicit (``--lang``) > settings > system locale."""
    code = normalize(explicit)
    if code is not None:
        return code, "explicit"
    try:
        code = normalize(setting)
    except ValueError:
        code = None
    if code is not None:
        return code, "settings"
    return system_language(system), "system"


def locale_for(lang: str, system: QLocale | None = None) -> QLocale:
    """The system's locale when it speaks ``lang`` (es_AR keeps its own number format),
    else the language's default region."""
    loc = system if system is not None else QLocale.system()
    if loc.name().split("_", 1)[0] == lang:
        return loc
    return QLocale(DEFAULT_REGION.get(lang, lang))


def remove_translators(app: QCoreApplication | None = None) -> None:
    """Take out what :func:`install_translators` put in, default locale included (tests)."""
    app = app or QCoreApplication.instance()
    while _installed:
        t = _installed.pop()
        if app is not None:
            app.removeTranslator(t)
    if _previous_locale:
        QLocale.setDefault(_previous_locale.pop())


def install_translators(
    app: QCoreApplication | None,
    lang: str | None = None,
    *,
    setting: str | None = None,
    system: QLocale | None = None,
) -> str:
    """Install the app's and Qt's translators for the chosen language; return it.

    ``lang``: an explicit choice (``--lang``; raises ValueError for one not shipped);
    ``setting``: the settings file's ``language`` ("" or None: the system's);
    ``system``: the system locale (tests). English installs only the plural forms of the app
    ("1 recording", "2 recordings") and Qt's (empty) English catalog. A missing file is
    logged and the window stays in English for that catalog; it never stops the app.
    """
    global last
    app = app or QCoreApplication.instance()
    code, why = choose_language(lang, setting, system)
    remove_translators(app)
    _previous_locale.append(QLocale())
    locale = locale_for(code, system)
    QLocale.setDefault(locale)
    loaded: list[str] = []
    missing: list[str] = []
    files = [qm_path(code)] + [qt_translations_dir() / f"{c}_{code}.qm" for c in QT_CATALOGS]
    for path in files:
        t = QTranslator(app)
        if t.load(str(path)):
            if app is not None:
                app.installTranslator(t)
            _installed.append(t)
            loaded.append(str(path))
        else:
            missing.append(str(path))
            log.warning("translation file missing or unreadable: %s", path)
    last = Installed(code, why, locale.name(), tuple(loaded), tuple(missing))
    log.info(
        "language %s (%s), locale %s, %d translation files",
        code,
        why,
        locale.name(),
        len(loaded),
    )
    return code
