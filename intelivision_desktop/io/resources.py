"""Where the shipped resources are: inside the wheel, the PyInstaller bundle, or the checkout."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "intelivision-desktop"
"""The name of the app's folders (data, logs, config) in the platform's places."""

_PKG = Path(__file__).resolve().parent.parent


def recordings_dir() -> Path:
    """Where the app records: ``<platform data dir>/intelivision-desktop/recordings``."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "recordings"


def exports_dir() -> Path:
    """Where exports go unless the operator chose a folder: beside the recordings."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "exports"


def resources_dir() -> Path:
    """The ``resources/`` folder (recordings, prompts, icons)."""
    candidates = [_PKG / "resources", _PKG.parent / "resources"]
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.insert(0, Path(meipass) / "intelivision_desktop" / "resources")
    for c in candidates:
        if (c / "recordings").is_dir():
            return c
    raise FileNotFoundError(
        "the app's resources folder is missing (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "); reinstall the app"
    )


DEMO_ORDER = ("person_waves", "car_and_dog", "busy_street", "quiet_corridor")


def demo_recordings() -> list[Path]:
    """The bundled demo recordings: the tour order first, any others after, by name."""
    rank = {name: i for i, name in enumerate(DEMO_ORDER)}
    files = sorted(
        (resources_dir() / "recordings").glob("*.jsonl"),
        key=lambda p: (rank.get(p.stem, len(rank)), p.stem),
    )
    if not files:
        raise FileNotFoundError("no demo recordings in " + str(resources_dir() / "recordings"))
    return files


def demo_recording(name: str) -> Path:
    """The bundled demo recording of scene ``name`` (FileNotFoundError names the known ones)."""
    files = demo_recordings()
    for f in files:
        if f.stem == name:
            return f
    raise FileNotFoundError(f"no demo scene {name!r}; known: {', '.join(f.stem for f in files)}")
