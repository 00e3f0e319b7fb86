"""Loading a CSV: `data.load` against pandas' `read_csv` of the same file.

`data.load("csv:FILE")` reads the file with pandas, checks every column (numbers, no
missing value), splits train / validation / test and scales the features on the training
rows; `pd.read_csv(FILE)` only reads it. Their ratio is what hplab adds to a read. Three
files of random integers and floats, written once into a temporary folder:

- ``wide``: 60 rows x 60,000 columns (a flattened-image table: session 59 found such
  shapes taking 10-35x pandas' time, taken one column at a time from a frame that deleting
  its target column had split into a block per column);
- ``tall``: 20,000 rows x 20 columns;
- ``mixed``: 5,000 rows x 200 columns, every tenth a column of floats among integers.

Contenders interleaved, ``--repeats`` rounds, median per file. Run:
``python benchmarks/data_load.py [--repeats 5] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import interleaved, median, positive, run  # noqa: E402

import data  # noqa: E402

SHAPES = {"wide": (60, 60_000), "tall": (20_000, 20), "mixed": (5_000, 200)}


def _write(folder: Path, name: str, rows: int, columns: int, rng) -> Path:
    frame = pd.DataFrame(rng.integers(0, 256, size=(rows, columns)),
                         columns=[f"f{i}" for i in range(columns)])
    if name == "mixed":
        floats = frame.columns[::10]
        frame[floats] = rng.normal(size=(rows, len(floats)))
    frame["label"] = rng.integers(0, 2, size=rows)
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--repeats", type=positive(), default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, (n, d) in SHAPES.items():
            path = _write(Path(folder), name, n, d, rng)
            times = interleaved({"hplab": lambda p=path: data.load(f"csv:{p}"),
                                 "pandas": lambda p=path: pd.read_csv(p)}, args.repeats)
            hplab, peer = median(times["hplab"]), median(times["pandas"])
            rows.append({"file": name, "rows": n, "columns": d, "hplab_s": hplab,
                         "pandas_s": peer, "ratio": hplab / peer})
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'file':6} {'rows x columns':>16} {'data.load':>10} {'read_csv':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['file']:6} {r['rows']:>7,} x {r['columns']:<7,} {r['hplab_s']:>9.2f}s "
              f"{r['pandas_s']:>8.2f}s {r['ratio']:>5.1f}x")


if __name__ == "__main__":
    run(main)
