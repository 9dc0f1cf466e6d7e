"""What a test does when an outside thing it needs (a server, a program) is missing."""

import os
from typing import NoReturn

import pytest


def missing(message: str) -> NoReturn:
    """Skip the test with ``message``; under ``CI=true``, where everything must be
    installed and started by .ci/run, fail it instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)
