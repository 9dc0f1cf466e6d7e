"""What a test does when an outside thing it needs (a server, a program) is missing."""

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest


def missing(message: str) -> NoReturn:
    """Skip the test (or, called at import, the test module) with ``message``; under
    ``CI=true``, where everything must be installed and started by .ci/run, fail it
    instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def package(name: str, extra: str) -> ModuleType:
    """The installed package ``name``, or `missing` naming the extra that installs it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        missing(f"{name} is not installed; pip install -e '.[{extra}]'")
