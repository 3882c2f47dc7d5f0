"""How the command's flow runs are set: no heartbeat thread unless the environment asks."""

from __future__ import annotations

import pytest
from prefect.settings import get_current_settings

from flows.engine import HEARTBEAT_VARIABLES, command_runs


@pytest.fixture
def no_heartbeat_variables(monkeypatch):
    for name in HEARTBEAT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_a_command_run_sends_no_heartbeat_and_the_setting_comes_back(no_heartbeat_variables):
    before = get_current_settings().flows.heartbeat_frequency
    with command_runs():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == before


@pytest.mark.parametrize("name", HEARTBEAT_VARIABLES)
def test_a_heartbeat_the_environment_asks_for_is_kept(no_heartbeat_variables, monkeypatch, name):
    monkeypatch.setenv(name, "45")
    before = get_current_settings().flows.heartbeat_frequency
    with command_runs():
        assert get_current_settings().flows.heartbeat_frequency == before
