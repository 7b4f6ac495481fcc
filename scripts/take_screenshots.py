"""Render the README's screenshots offscreen: a replay with its controls, an export.

    ./run python scripts/take_screenshots.py [--out docs/screenshots] [--scale 1.0]

It drives the real window on the demo recordings (a replay sought and paused, then the export
dialog after an export of the visible range) and saves what an operator would see. Settings,
logs and data go to a temporary folder, never the user's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def until(pred: Callable[[], bool], within: float = 20.0) -> None:
    end = time.monotonic() + within
    while not pred():
        if time.monotonic() > end:
            raise SystemExit("screenshots: the window did not get there in time")
        await asyncio.sleep(0.02)


async def shoot(out: Path, size: tuple[int, int]) -> None:
    from PySide6.QtWidgets import QWidget

    from intelivision_desktop.app.cli import build_parser
    from intelivision_desktop.app.controller import SessionController
    from intelivision_desktop.app.gui import demo_sources
    from intelivision_desktop.io.resources import demo_recording
    from intelivision_desktop.ui.main_window import MainWindow

    def save(widget: QWidget, name: str) -> None:
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"screenshots: cannot write {path}")
        sys.stdout.write(f"{path}\n")

    window = MainWindow(demo_sources())
    window.resize(*size)
    window.show()
    ctl = SessionController(window, build_parser().parse_args([]), None)
    busy = demo_recording("busy_street")
    await ctl.start(f"replay://{busy}?speed=10")
    assert ctl.session is not None
    src = ctl.session.source
    await until(lambda: src.position_s > 45)  # type: ignore[attr-defined]
    window.replay.seek(30.0)
    await until(lambda: src.seeks == 1)  # type: ignore[attr-defined]
    await until(lambda: src.position_s > 62)  # type: ignore[attr-defined]
    window.replay.toggle()  # pause: the bar shows Play, the position stays
    window.timeline.select_row(window.timeline.model.rowCount() - 1)
    window.plots.redraw()
    save(window, "replay.png")

    window.open_export()
    dialog = window.export_dialog
    assert dialog is not None
    dialog.folder_edit.setText(str(out / "export"))
    done = asyncio.Event()
    dialog.exported.connect(lambda _files: done.set())
    dialog.failed.connect(lambda msg: sys.stderr.write(f"export failed: {msg}\n"))
    dialog.export_button.click()
    await asyncio.wait_for(done.wait(), 30)
    await asyncio.sleep(0.2)
    save(dialog, "export-dialog.png")
    dialog.close()
    await ctl.shutdown()
    window.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--size", default="1280x760", help="window size, logical pixels")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    home = Path(tempfile.mkdtemp(prefix="iv-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = str(home / var.lower())
    os.environ["INTELIVISION_LOG_DIR"] = str(home / "log")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args.out.mkdir(parents=True, exist_ok=True)

    import qasync

    from intelivision_desktop.app.gui import make_app

    make_app()
    asyncio.run(shoot(args.out.resolve(), (w, h)), loop_factory=qasync.QEventLoop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
