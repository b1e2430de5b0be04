"""SECURITY_LOG_FILE: the security log in a file, a new one each day, some days kept."""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from audit.handlers import SecurityLogFileHandler


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("portal.security", logging.WARNING, __file__, 1, message, (), None)


def test_the_setting_writes_the_security_log_to_the_file(tmp_path):
    log_file = tmp_path / "sicherheit.log"
    env = {
        **os.environ,
        "SECURITY_LOG_FILE": str(log_file),
        "SECURITY_LOG_DAYS": "30",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'leer.sqlite3'}",  # no table: file only
    }
    script = (
        "import django, logging; django.setup();"
        "from django.conf import settings;"
        "print(settings.LOGGING['handlers']['security_file']['backupCount']);"
        "logging.getLogger('portal.security').warning('Zugriff verweigert: %s wollte', 'anna')"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "30"
    assert "Traceback" not in result.stderr
    [line] = log_file.read_text(encoding="utf-8").splitlines()
    assert line.endswith(" WARNING Zugriff verweigert: anna wollte")


def test_two_workers_rotate_at_midnight_without_losing_lines(tmp_path):
    """The second process to pass midnight writes into the new file, not the renamed one."""
    path = tmp_path / "sicherheit.log"
    first, second = SecurityLogFileHandler(str(path), 2), SecurityLogFileHandler(str(path), 2)
    for handler in (first, second):
        handler.setFormatter(logging.Formatter("%(message)s"))
    first.emit(_record("vorher 1"))
    second.emit(_record("vorher 2"))
    for handler in (first, second):
        handler.rolloverAt = int(time.time()) - 1  # midnight has passed
    first.emit(_record("nachher 1"))
    second.emit(_record("nachher 2"))
    first.emit(_record("nachher 3"))
    for handler in (first, second):
        handler.close()
    [rotated] = [p for p in tmp_path.iterdir() if p != path]
    assert rotated.read_text().splitlines() == ["vorher 1", "vorher 2"]
    assert path.read_text().splitlines() == ["nachher 1", "nachher 2", "nachher 3"]


def test_only_the_given_number_of_days_is_kept(tmp_path):
    path = tmp_path / "sicherheit.log"
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        Path(f"{path}.{day}").write_text(day)
    handler = SecurityLogFileHandler(str(path), 2)
    handler.emit(_record("heute"))
    handler.rolloverAt = int(time.time()) - 1
    handler.emit(_record("morgen"))
    handler.close()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 3  # the file of today and two days
    assert "sicherheit.log.2026-01-01" not in kept
    assert "sicherheit.log.2026-01-02" not in kept
