"""``--export-csv`` from the command line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTELIVISION_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.run(
        [sys.executable, "-m", "intelivision_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_export_a_demo_scene_then_refuse_to_overwrite(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "car.csv"
    proc = cli(tmp_path, "--export-csv", str(out), "--source", "demo://car_and_dog")
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wire = [
        json.loads(line)
        for line in (repo_root / "resources/recordings/car_and_dog.jsonl").read_text().splitlines()
    ]
    assert len(rows) == len(wire)
    assert [int(r["objects"]) for r in rows] == [len(w["objetos"]) for w in wire]
    assert float(rows[-1]["elapsed_s"]) == (wire[-1]["timestamp"] - wire[0]["timestamp"]) / 1000
    again = cli(tmp_path, "--export-csv", str(out), "--source", "demo://car_and_dog")
    assert again.returncode == 2
    assert again.stderr.startswith("intelivision-desktop: error:")
    assert "Traceback" not in again.stderr


def test_export_a_frames_file_with_a_huge_number_line_and_a_deep_line(tmp_path: Path) -> None:
    # issue 17 §4: a 400-digit timestamp and a line nested 5,000 deep between good frames are
    # counted and skipped; every good frame is exported and nothing is printed as a traceback.
    t0 = 1_767_000_000_000
    good = [
        json.dumps({"timestamp": t0 + 200 * i, "personas": [], "objetos": [{"tipo": "dog"}]})
        for i in range(12)
    ]
    huge = '{"timestamp": ' + "1" * 400 + ', "personas": []}'
    deep = '{"timestamp": 1, "x": ' + "[" * 5_000 + "]" * 5_000 + "}"
    src = tmp_path / "frames.jsonl"
    src.write_text("\n".join([*good[:4], huge, *good[4:8], deep, *good[8:]]) + "\n")
    out = tmp_path / "frames.csv"
    proc = cli(tmp_path, "--export-csv", str(out), "--source", f"replay://{src}")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(good)
    assert [int(r["objects"]) for r in rows] == [1] * len(good)
    assert float(rows[-1]["elapsed_s"]) == 11 * 0.2
