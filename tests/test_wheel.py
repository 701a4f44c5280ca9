"""The built wheel carries the migrations, the library and the scheduler: it works outside the
repository."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADMIN = ROOT / "text4baby_ru" / "admin"
PAGE_FILES = sorted(
    str(p.relative_to(ADMIN))
    for folder in ("templates", "static")
    for p in (ADMIN / folder).iterdir()
)


@pytest.mark.slow
def test_an_installed_wheel_migrates_and_imports_the_library_outside_the_repository(
    tmp_path: Path,
) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(dist.glob("text4baby_ru-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for page_file in PAGE_FILES:  # the admin pages work offline: every file is in the wheel
        assert f"text4baby_ru/admin/{page_file}" in names, page_file
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_", "PYTHON"))}
    env["T4B_DATABASE_URL"] = f"sqlite:///{work / 'wheel.db'}"
    cli = str(env_dir / "bin" / "text4baby-ru")
    for args in (["db", "upgrade"], ["content", "lint"], ["content", "import"]):
        result = subprocess.run(
            [cli, *args], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{args}: {result.stderr}"
    assert "texts added" in result.stdout
    located = subprocess.run(
        [str(python), "-c", "import scheduler, text4baby_ru; print(scheduler.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in located.stdout
