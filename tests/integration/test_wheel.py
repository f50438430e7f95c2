"""The package installs anywhere: a wheel built from the project carries the catalogue and the rule files, and the
installed `mlps` command works outside a checkout."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_an_installed_wheel_lists_the_level_3_catalogue_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("mlps_workbench-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mlps/controls/general-L3.yaml" in names and "mlps/controls/taxonomy.yaml" in names
    assert any(n.endswith("migrations/script.py.mako") for n in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target = Path(
        subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       check=True, capture_output=True, text=True).stdout.strip()
    )  # fmt: skip
    # the wheel itself goes into the fresh environment; its dependencies are borrowed from this one (a .pth line
    # adds the folder, but not the checkout's editable-install hook, which only a site folder would run)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (target / "borrowed_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([python, "-c", "import mlps; print(mlps.__file__)"], cwd=elsewhere,
                           check=True, capture_output=True, text=True).stdout  # fmt: skip
    assert str(target) in where and str(ROOT) not in where
    out = subprocess.run(
        [python, "-m", "mlps", "catalogue", "--level", "3", "--format", "json"],
        cwd=elsewhere, capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 211
