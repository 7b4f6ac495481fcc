"""Run every benchmark: ./run bench"""

from __future__ import annotations

import subprocess
import sys

for module in ("benchmarks.pipeline", "benchmarks.gui_frame"):
    print(f"$ python -m {module}", flush=True)
    subprocess.run([sys.executable, "-m", module, *sys.argv[1:]], check=True)
