"""The window's translations: extract, compile, check.

    ./run python scripts/i18n.py update    # pyside6-lupdate: the code's strings → the .ts files
    ./run python scripts/i18n.py release   # pyside6-lrelease: .ts → .qm (checked in)
    ./run python scripts/i18n.py check     # exit 1 with the problems, if any

English is the source language (the strings in the code). ``resources/i18n/intelivision_es.ts``
holds every string with its Spanish translation; ``intelivision_en.ts`` only the plural forms
("%n recording(s)" → "1 recording" / "2 recordings"), as Qt does for a source language. Edit
the .ts with Qt Linguist (``pyside6-linguist``) or any text editor, keep the terms of
``resources/i18n/GLOSSARY.md``, then run ``update`` and ``release`` and commit the four files.

``check`` (also run by the test suite, tests/unit/test_i18n_files.py) fails when:

- the code has strings the .ts lacks, or the .ts keeps strings the code no longer has
  (run ``update``);
- a translation is unfinished (lupdate's ``type="unfinished"``), empty, or drops or adds a
  placeholder (``{name}``, ``%1``, ``%n``);
- a .qm is missing or is not what ``lrelease`` makes of its .ts now (run ``release``): the .ts
  is compiled into a temporary folder and the bytes compared.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "intelivision_desktop"
I18N = ROOT / "resources" / "i18n"
CATALOG = "intelivision"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("es", "en")
SOURCE_DIRS = ("ui", "app")
"""Where the window's strings are (core/ and io/ have no Qt, so no tr())."""
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%L?[0-9n]")


def rel(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it (messages)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def ts_path(lang: str) -> Path:
    return I18N / f"{CATALOG}_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N / f"{CATALOG}_{lang}.qm"


def tool(name: str) -> str:
    """``pyside6-lupdate`` / ``pyside6-lrelease`` from this interpreter's environment."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found (it comes with the PySide6 wheel: uv sync --frozen)")
    return found


def sources() -> list[Path]:
    return sorted(p for d in SOURCE_DIRS for p in (PACKAGE / d).rglob("*.py"))


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{Path(cmd[0]).name} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout + proc.stderr


def lupdate(lang: str, ts: Path) -> str:
    cmd = [tool("pyside6-lupdate"), *map(str, sources())]
    cmd += ["-ts", str(ts), "-no-obsolete", "-locations", "none"]
    cmd += ["-source-language", SOURCE_LANGUAGE, "-target-language", lang]
    if lang == SOURCE_LANGUAGE:
        cmd.append("-pluralonly")
    return run(cmd)


def lrelease(ts: Path, qm: Path) -> str:
    return run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)])


def update() -> None:
    I18N.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        print(lupdate(lang, ts_path(lang)).strip())


def release() -> None:
    for lang in LANGUAGES:
        print(lrelease(ts_path(lang), qm_path(lang)).strip())


# --- reading a .ts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    context: str
    source: str
    comment: str
    numerus: bool
    kind: str
    """The translation's ``type``: "" (finished), ``unfinished``, ``vanished``, ``obsolete``."""
    forms: tuple[str, ...]
    """The translation, or its plural forms."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)

    def where(self) -> str:
        extra = f" ({self.comment})" if self.comment else ""
        return f"{self.context}: {self.source!r}{extra}"


def read_ts(path: Path) -> list[Message]:
    out: list[Message] = []
    root = ET.parse(path).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            kind = tr.get("type", "") if tr is not None else "unfinished"
            if tr is None:
                forms: tuple[str, ...] = ()
            elif m.get("numerus") == "yes":
                forms = tuple(f.text or "" for f in tr.iter("numerusform"))
            else:
                forms = (tr.text or "",)
            out.append(
                Message(
                    name,
                    m.findtext("source") or "",
                    m.findtext("comment") or "",
                    m.get("numerus") == "yes",
                    kind,
                    forms,
                )
            )
    return out


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%Ln", "%n")))


def translation_problems(path: Path) -> list[str]:
    """Unfinished, empty, vanished entries and placeholders that do not match the source."""
    name = path.name
    problems: list[str] = []
    for m in read_ts(path):
        if m.kind in ("vanished", "obsolete"):
            problems.append(f"{name}: no longer in the code, run update: {m.where()}")
            continue
        if m.kind == "unfinished":
            problems.append(f"{name}: unfinished: {m.where()}")
            continue
        if not m.forms or any(not f.strip() for f in m.forms):
            problems.append(f"{name}: empty translation: {m.where()}")
            continue
        want = placeholders(m.source)
        for form in m.forms:
            got = placeholders(form)
            if m.numerus and "%n" in want and "%n" not in got:
                problems.append(f"{name}: a plural form without %n: {m.where()} → {form!r}")
            if [p for p in got if p != "%n"] != [p for p in want if p != "%n"]:
                problems.append(
                    f"{name}: placeholders {want} in the source, {got} in {form!r}: {m.where()}"
                )
    return problems


def sync_problems(tmp: Path) -> list[str]:
    """Strings in the code that a .ts lacks, and strings a .ts has that the code does not."""
    problems: list[str] = []
    for lang in LANGUAGES:
        ts = ts_path(lang)
        if not ts.is_file():
            problems.append(f"{rel(ts)} is missing (run update)")
            continue
        fresh = tmp / ts.name
        shutil.copyfile(ts, fresh)
        lupdate(lang, fresh)
        have = {m.key for m in read_ts(ts) if m.kind not in ("vanished", "obsolete")}
        found = [m for m in read_ts(fresh) if m.kind not in ("vanished", "obsolete")]
        want = {m.key for m in found}
        if lang == LANGUAGES[0]:
            for m in found:
                if "." in m.context:
                    problems.append(
                        f"context {m.context!r} for {m.source!r}: lupdate read "
                        f"{m.context}.tr(…) as that context, but at run time PySide looks "
                        "the text up under the object's class name, so it stays English. "
                        'Use translate("ClassName", "…") there'
                    )
                if not m.context:
                    problems.append(
                        f"no context for {m.source!r}: lupdate found a tr() outside a class "
                        "(a module-level helper?); at run time the text is looked up under "
                        'another context and stays English. Use translate("Context", "…") '
                        'or self.tr("…") at the call'
                    )
        for key in sorted(want - have):
            problems.append(f"{ts.name}: in the code, not in the .ts (run update): {key[:2]}")
        for key in sorted(have - want):
            problems.append(f"{ts.name}: in the .ts, no longer in the code (run update): {key[:2]}")
    return problems


def qm_problems(tmp: Path) -> list[str]:
    """A .qm that is missing or differs from what lrelease makes of its .ts now."""
    problems: list[str] = []
    for lang in LANGUAGES:
        ts, qm = ts_path(lang), qm_path(lang)
        if not ts.is_file():
            continue
        if not qm.is_file():
            problems.append(f"{rel(qm)} is missing (run release)")
            continue
        built = tmp / qm.name
        lrelease(ts, built)
        if built.read_bytes() != qm.read_bytes():
            problems.append(f"{rel(qm)} is stale: not built from {ts.name} (run release)")
    return problems


def check() -> list[str]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="intelivision-i18n-") as d:
        tmp = Path(d)
        problems += sync_problems(tmp)
        for lang in LANGUAGES:
            if ts_path(lang).is_file():
                problems += translation_problems(ts_path(lang))
        problems += qm_problems(tmp)
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("update", "release", "check"))
    args = ap.parse_args()
    if args.command == "update":
        update()
        return 0
    if args.command == "release":
        release()
        return 0
    problems = check()
    for p in problems:
        print(p)
    print(f"i18n check: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
