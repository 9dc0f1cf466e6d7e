"""The one settings object. Nothing else in digitpad reads the environment.

Every field is read from an environment variable named ``DIGITPAD_<FIELD>`` and is
documented in the README's settings table (a test checks that).
"""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """digitpad's settings, from ``DIGITPAD_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="DIGITPAD_", extra="ignore")

    mnist_dir: Path | None = Field(
        default=None,
        description="Folder holding the four MNIST IDX files (gzip or raw). When set it "
        "is the only source used; when unset, the cache folder, then a verified download.",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "digitpad",
        description="Where downloaded MNIST files are kept (in the mnist/ folder below it).",
    )
    mnist_mirrors: Annotated[list[str], NoDecode] = Field(
        default=[
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ],
        description="Comma-separated base URLs tried in order to download MNIST; each "
        "must serve the four files by their usual names (gzip).",
    )
    model_dir: Path = Field(
        default=PROJECT_ROOT / "model",
        description="Folder of the model to serve and evaluate (default.npz and its card).",
    )

    @field_validator("mnist_mirrors", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [url.strip() for url in value.split(",") if url.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    """The settings, read once; tests call ``get_settings.cache_clear()`` to re-read."""
    return Settings()
