from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, Settings, get_settings


def test_defaults_do_not_depend_on_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DIGITPAD_MODEL_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert Settings().model_dir == PROJECT_ROOT / "model"
    assert Settings().model_dir.is_absolute()


def test_values_come_from_digitpad_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_MNIST_DIR", "/data/mnist")
    monkeypatch.setenv("DIGITPAD_MNIST_MIRRORS", "http://a.test/mnist/, http://b.test/")
    settings = Settings()
    assert settings.mnist_dir == Path("/data/mnist")
    assert settings.mnist_mirrors == ["http://a.test/mnist/", "http://b.test/"]


def test_get_settings_reads_once_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    first = get_settings()
    monkeypatch.setenv("DIGITPAD_CACHE_DIR", "/elsewhere")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().cache_dir == Path("/elsewhere")
    get_settings.cache_clear()


def test_to_env_round_trips_through_a_child_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITPAD_MNIST_DIR", raising=False)
    settings = Settings(  # type: ignore[call-arg]
        admin_token="s3cret", mnist_mirrors=["http://a.test/", "http://b.test/"], max_batch=7
    )
    env = settings.to_env()
    assert env["DIGITPAD_ADMIN_TOKEN"] == "s3cret" and "DIGITPAD_MNIST_DIR" not in env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings() == settings
