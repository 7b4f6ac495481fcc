"""Draw the app icon with QPainter and write it as PNG, ICO and ICNS.

    ./run python packaging/make_icons.py          # writes resources/icons/intelivision.*
    ./run python packaging/make_icons.py --check  # exit 1 if the checked-in files differ

The icon is vector-drawn at every size it is stored at (no downscaling blur): a rounded
square in deep blue with an eye framed by the corner brackets of a detection box. No text,
so no fonts are needed.

ICO: one PNG-compressed image per size (Windows Vista and later read PNG entries).
ICNS: PNG entries (icp4/icp5/icp6, ic07/ic08/ic09, and the @2x ic11/ic12/ic13/ic14), which
macOS 10.7+ reads.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QRadialGradient,
)

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
MASTER_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_ENTRIES = (
    ("icp4", 16),
    ("icp5", 32),
    ("icp6", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic09", 512),
    ("ic11", 32),  # 16@2x
    ("ic12", 64),  # 32@2x
    ("ic13", 256),  # 128@2x
    ("ic14", 512),  # 256@2x
)


def render(size: int) -> QImage:
    """The icon at ``size`` × ``size`` pixels, drawn on a 256-unit canvas."""
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256.0, size / 256.0)

    # background tile: rounded square, blue gradient, thin light rim
    tile = QRectF(8, 8, 240, 240)
    bg = QLinearGradient(QPointF(0, 8), QPointF(0, 248))
    bg.setColorAt(0.0, QColor("#1f6fd1"))
    bg.setColorAt(1.0, QColor("#0b2a5c"))
    p.setPen(QPen(QColor(255, 255, 255, 40), 2))
    p.setBrush(QBrush(bg))
    p.drawRoundedRect(tile, 52, 52)

    # the eye: an almond of two arcs
    eye = QPainterPath()
    eye.moveTo(30, 128)
    eye.cubicTo(70, 62, 186, 62, 226, 128)
    eye.cubicTo(186, 194, 70, 194, 30, 128)
    p.setPen(QPen(QColor("#0a1f44"), 6))
    p.setBrush(QColor("#f4f8ff"))
    p.drawPath(eye)

    # the iris, clipped to the eye
    p.save()
    p.setClipPath(eye)
    iris = QRadialGradient(QPointF(128, 128), 46)
    iris.setColorAt(0.0, QColor("#38e0c4"))
    iris.setColorAt(1.0, QColor("#0e9c8a"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(iris))
    p.drawEllipse(QPointF(128, 128), 46, 46)
    p.setBrush(QColor("#06182f"))
    p.drawEllipse(QPointF(128, 128), 19, 19)
    p.setBrush(QColor(255, 255, 255, 230))
    p.drawEllipse(QPointF(139, 116), 7, 7)
    p.restore()

    # detection reticle around the iris: four corner brackets (drawn only where visible)
    if size >= 32:
        pen = QPen(QColor("#ffcf3f"), 7)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        a, b, arm = 128 - 62, 128 + 62, 20
        for x, y, dx, dy in ((a, a, 1, 1), (b, a, -1, 1), (a, b, 1, -1), (b, b, -1, -1)):
            path = QPainterPath()
            path.moveTo(x, y + dy * arm)
            path.lineTo(x, y)
            path.lineTo(x + dx * arm, y)
            p.drawPath(path)

    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise RuntimeError("PNG encoding failed")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file of PNG entries (ICONDIR, ICONDIRENTRY × n, then the PNG data)."""
    sizes = sorted(pngs)
    out = [struct.pack("<HHH", 0, 1, len(sizes))]
    offset = 6 + 16 * len(sizes)
    for s in sizes:
        data = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256
        out.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        offset += len(data)
    out.extend(pngs[s] for s in sizes)
    return b"".join(out)


def icns_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """An ICNS file: ``icns`` + total length, then (type, length incl. 8-byte head, data)."""
    body = b"".join(
        kind.encode("ascii") + struct.pack(">I", len(data) + 8) + data for kind, data in entries
    )
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def build() -> dict[str, bytes]:
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = png_bytes(render(size))
        return cache[size]

    return {
        "intelivision.png": png(MASTER_SIZE),
        "intelivision.ico": ico_bytes({s: png(s) for s in ICO_SIZES}),
        "intelivision.icns": icns_bytes([(k, png(s)) for k, s in ICNS_ENTRIES]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ICONS, help="folder (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    args = ap.parse_args()
    files = build()
    if args.check:
        stale = [n for n, d in files.items() if (args.out / n).read_bytes() != d]
        for n in stale:
            sys.stdout.write(f"{args.out / n}: differs from what make_icons.py draws\n")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        sys.stdout.write(f"{args.out / name}: {len(data)} bytes\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
