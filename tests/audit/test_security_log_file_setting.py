"""SECURITY_LOG_FILE that cannot be written stops the start with a message naming
the variable, not with logging's "Unable to configure handler 'security_file'"."""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from bielefeld_digital.settings import checked_log_file
from tests.measures.test_client_address import _settings_error


def test_a_writable_folder_is_accepted(tmp_path):
    assert checked_log_file("SECURITY_LOG_FILE", str(tmp_path / "security.log")) == str(
        tmp_path / "security.log"
    )


def test_a_missing_folder_is_named(tmp_path):
    missing = tmp_path / "fehlt" / "security.log"
    with pytest.raises(ImproperlyConfigured) as error:
        checked_log_file("SECURITY_LOG_FILE", str(missing))
    assert str(error.value) == (
        f"SECURITY_LOG_FILE: the folder {missing.parent} does not exist (create it, "
        "in a container on a volume)."
    )


def test_a_folder_as_the_file_is_named(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="is a folder; name a file in it"):
        checked_log_file("SECURITY_LOG_FILE", str(tmp_path))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_the_process_may_not_write_is_named(tmp_path):
    folder = tmp_path / "nur-lesen"
    folder.mkdir(mode=0o555)
    with pytest.raises(ImproperlyConfigured, match="this process may not write"):
        checked_log_file("SECURITY_LOG_FILE", str(folder / "security.log"))


def test_security_log_days_is_at_least_one(tmp_path):
    # 0 kept every file for ever (the standard handler deletes only with a positive count).
    log = str(tmp_path / "security.log")
    assert "SECURITY_LOG_DAYS must be at least 1, not 0" in _settings_error(
        SECURITY_LOG_FILE=log, SECURITY_LOG_DAYS="0"
    )
    assert _settings_error(SECURITY_LOG_FILE=log, SECURITY_LOG_DAYS="30") == ""
