"""Run every benchmarks/bench_*.py and print a table of its figures.

Each module has `run() -> list[dict]`, each dict with `name`, `seconds` (median wall time of one operation),
`target` (seconds, or None) and optional `note`. Figures go into the README by hand.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    rows = []
    only = sys.argv[1:]
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"running {path.stem} …", flush=True)
        rows.extend(module.run())
    print()
    print(f"{'benchmark':60} {'seconds':>10} {'target':>8}  note")
    failed = 0
    for r in rows:
        target = r.get("target")
        mark = "" if target is None or r["seconds"] <= target else "  ** over target"
        failed += bool(mark)
        print(
            f"{r['name']:60} {r['seconds']:10.4f} {target if target is not None else '':>8}  {r.get('note', '')}{mark}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
