"""Domain errors raised by the engine.

Each message says what was expected and what was found ("expected X, got Y"), so the
CLI and the web layer can show it to a person as it is. The web layer maps these
classes to HTTP status codes in one place.
"""


class DigitpadError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidInput(DigitpadError, ValueError):
    """A drawing, image or pixel array that cannot be read as a digit."""


class EmptyDrawing(InvalidInput):
    """A drawing or image with no ink in it."""


class DataFormatError(DigitpadError):
    """A data file (IDX, download) that is corrupt, truncated or not what it claims."""


class ChecksumMismatch(DataFormatError):
    """A file whose SHA-256 is not the expected one."""


class DownloadError(DigitpadError):
    """No source could provide a file (every mirror failed)."""


class ModelFileError(DigitpadError):
    """A checkpoint that is missing, corrupt, or whose arrays disagree with its card."""


class ConfigError(DigitpadError, ValueError):
    """Options that do not make a valid network or training run."""


class NotFound(DigitpadError, LookupError):
    """Something asked for by its id (a sample, a model version, a job) does not exist."""


class Unavailable(DigitpadError):
    """Something an answer needs is not reachable now; worth trying again shortly."""


class Forbidden(DigitpadError):
    """A request from someone not allowed to make it (a blocked contributor)."""


class OverQuota(DigitpadError):
    """A contribution beyond a daily quota; ``retry_after``: whole seconds (at least 1)
    until the quota has room again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
