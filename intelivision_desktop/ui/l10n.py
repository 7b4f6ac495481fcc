"""Numbers, sizes, times and dates as the window's locale writes them (QLocale).

The locale is the default QLocale, which :func:`intelivision_desktop.app.i18n.
install_translators` sets with the language (``es_419`` writes 1,234.5, ``es_ES`` 1234,5,
``en_US`` 1,234.5). Qt's "C" locale (no language installed: tests, scripts) is written as US
English, the source language. Times of day are 24-hour ``HH:mm:ss`` in every language; dates
use the locale's short format.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

translate = QCoreApplication.translate
"""``translate("Context", "text"[, "disambiguation", n])``: for strings outside a QObject
method (``self.tr``); pyside6-lupdate finds calls by this name."""


def locale() -> QLocale:
    loc = QLocale()
    if loc.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return loc


def num(n: int) -> str:
    """A whole number with the locale's group separator: ``12,000`` / ``12.000``."""
    return locale().toString(int(n))


def dec(x: float, digits: int = 1) -> str:
    """A decimal number with ``digits`` after the locale's decimal point."""
    return locale().toString(float(x), "f", digits)


def _dt(epoch_s: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(round(epoch_s * 1000))


def clock(epoch_s: float) -> str:
    """The local time of day, ``HH:mm:ss``."""
    return _dt(epoch_s).toString("HH:mm:ss")


def date_time(epoch_s: float, *, seconds: bool = False) -> str:
    """The local date in the locale's short format and the time, ``HH:mm[:ss]``."""
    loc = locale()
    d = _dt(epoch_s)
    day = loc.toString(d.date(), QLocale.FormatType.ShortFormat)
    return f"{day} {d.toString('HH:mm:ss' if seconds else 'HH:mm')}"


STATE_NAMES = {
    # core.model.LinkState values, as the window shows them (status bar, panels)
    "idle": QT_TRANSLATE_NOOP("LinkState", "idle"),
    "connecting": QT_TRANSLATE_NOOP("LinkState", "connecting"),
    "live": QT_TRANSLATE_NOOP("LinkState", "live"),
    "retrying": QT_TRANSLATE_NOOP("LinkState", "retrying"),
    "stopped": QT_TRANSLATE_NOOP("LinkState", "stopped"),
    "failed": QT_TRANSLATE_NOOP("LinkState", "failed"),
    "finished": QT_TRANSLATE_NOOP("LinkState", "finished"),
}


def state_text(state: str) -> str:
    """A link or source state (``live``, ``retrying`` …) in the window's language."""
    name = STATE_NAMES.get(state)
    return translate("LinkState", name) if name else state


def grouped(text: str, n: int) -> str:
    """A translated ``%n`` plural (``tr("%n row(s)", "", n)``) with the count written in the
    locale's digits (``12,000 rows``): Qt puts plain digits in place of ``%n``."""
    return text.replace(str(n), num(n), 1)
