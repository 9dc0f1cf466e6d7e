"""The one settings object. Nothing else in digitpad reads the environment.

Every field is read from an environment variable named ``DIGITPAD_<FIELD>`` and is
documented in the README's settings table (a test checks that).
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from limits import RateLimitItem, parse_many
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ORIGIN = re.compile(r"^https?://[^/\s]+$")  # scheme://host[:port], no path, no trailing slash


def parse_rate(value: str) -> list[RateLimitItem]:
    """A rate limit setting as limits: ``"600/minute"``, several (``"10/second;600/minute"``),
    or ``"off"`` (none). Raises ValueError naming the expected form."""
    value = value.strip()
    if value.lower() == "off":
        return []
    try:
        items = parse_many(value)
    except ValueError:
        raise ValueError(
            f"expected a rate like 600/minute (or several, 10/second;600/minute) or off, "
            f"got {value!r}"
        ) from None
    if any(item.amount < 1 for item in items):
        raise ValueError(f"expected at least 1 request per window (or off), got {value!r}")
    return items


class Settings(BaseSettings):
    """digitpad's settings, from ``DIGITPAD_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="DIGITPAD_", extra="ignore")

    mnist_dir: Path | None = Field(
        default=None,
        description="Folder holding the four MNIST IDX files (gzip or raw). When set it "
        "is the only source used; when unset, the cache folder, then a verified download.",
    )
    unipen_dir: Path | None = Field(
        default=None,
        description="Folder holding unipen-1a-digits.jsonl.gz (UNIPEN 1a, real pen-drawn "
        "digits), for training and benches on real handwriting. Unset: not used.",
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
    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'digitpad.db'}",
        description="Where labelled drawings are stored: an SQLAlchemy URL, "
        "sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB.",
    )
    admin_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for admin requests (relabel, delete). Unset: they are refused.",
    )
    max_body_bytes: int = Field(
        default=2_000_000, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    max_strokes: int = Field(default=100, ge=1, description="Most strokes in one drawing.")
    max_points_per_stroke: int = Field(default=2000, ge=1, description="Most points in one stroke.")
    max_points: int = Field(default=10_000, ge=1, description="Most points in one drawing.")
    max_image_bytes: int = Field(
        default=5_000_000, ge=1024, description="Largest image upload, in bytes."
    )
    max_image_pixels: int = Field(
        default=4096 * 4096,
        ge=784,
        description="Most pixels in an uploaded image (width x height), checked before decoding.",
    )
    max_batch: int = Field(default=256, ge=1, description="Most items in one /predict/batch.")
    max_digits: int = Field(
        default=12, ge=1, le=100, description="Most digits read in one /predict/number drawing."
    )
    max_page_size: int = Field(default=200, ge=1, description="Most samples in one page.")
    model_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often each server worker checks which model "
        "version is active, and switches to it.",
    )
    rate_limit_predict: str = Field(
        default="600/minute",
        description="Most POST /predict, /predict/batch and /explain requests from one client "
        "(IP address), together: a rate like 600/minute, several (10/second;600/minute), or off.",
    )
    rate_limit_samples: str = Field(
        default="600/minute",
        description="Most POST /api/samples requests from one client (IP address): "
        "a rate like 600/minute, or off.",
    )
    contributor_quota: str = Field(
        default="500/day",
        description="Most drawings stored for one contributor id (POST /api/samples, and "
        "each digit of POST /api/numbers): a rate like 500/day, or off.",
    )
    address_quota: str = Field(
        default="10000/day",
        description="Most drawings stored from one client (IP address), whatever contributor "
        "ids they name: a rate like 10000/day, or off.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis holding the rate limit and quota counts, shared by every worker "
        "and machine (redis://HOST:PORT/DB, rediss:// or unix://). Unset: each worker counts "
        "alone.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma-separated origins (https://example.org) whose pages may call "
        "/predict, /predict/batch and /explain; * for any. Empty: no CORS headers.",
    )

    def to_env(self) -> dict[str, str]:
        """These settings as DIGITPAD_* variables, for a child process to read back."""
        env = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, list):
                value = ",".join(value)
            env[f"DIGITPAD_{name.upper()}"] = str(value)
        return env

    @field_validator(
        "rate_limit_predict", "rate_limit_samples", "contributor_quota", "address_quota"
    )
    @classmethod
    def _check_rate(cls, value: str) -> str:
        parse_rate(value)
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"expected redis://HOST:PORT/DB, rediss:// or unix://, got {value!r}")
        return value or None

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not ORIGIN.match(origin):
                raise ValueError(
                    f"expected origins like https://example.org (no path, no trailing slash) "
                    f"or *, got {origin!r}"
                )
        return value

    @field_validator("mnist_mirrors", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [url.strip() for url in value.split(",") if url.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    """The settings, read once; tests call ``get_settings.cache_clear()`` to re-read."""
    return Settings()
