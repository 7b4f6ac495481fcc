"""Run every benchmark: ./run bench"""

from __future__ import annotations

import subprocess
import sys

for module in (
    "benchmarks.pipeline",
    "benchmarks.gui_frame",
    "benchmarks.link_latency",
    "benchmarks.serve_devices",
    "benchmarks.serial_parse",
    "benchmarks.serial_e2e",
    "benchmarks.plot_frame",
    "benchmarks.serial_rss",
    "benchmarks.replay_export",
    "benchmarks.plot_cpu",
    "benchmarks.timeline_append",
    "benchmarks.codec_decode",
    "benchmarks.cloud_cost",
    "benchmarks.backend_agreement",
):
    print(f"$ python -m {module}", flush=True)
    subprocess.run([sys.executable, "-m", module], check=True)
