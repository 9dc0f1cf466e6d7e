"""Model versions in the database: the shipped model seeded in, any version loaded out.

The server (every worker) and the CLI both call ``seed`` before anything else, so the
registry always has an active version: the shipped model until a fine-tune or an admin
activates another.
"""

from pathlib import Path

from app.engine import checkpoint
from app.engine.errors import ModelFileError
from app.engine.reader import Reader
from app.store import ModelRegistry

SHIPPED_MODEL = "default.npz"


def seed(registry: ModelRegistry, model_dir: Path, shipped: Reader | None = None) -> str:
    """Register the shipped model (``model_dir/default.npz``) if it is not there yet, make it
    active if nothing is; return the active version id. ``shipped``: that file as the
    caller read it already (else it is read and checked here)."""
    path = model_dir / SHIPPED_MODEL
    about = shipped or checkpoint.load(path)  # validated before it goes into the database
    return registry.seed(
        version=about.version, card=about.card.to_dict(), weights=path.read_bytes()
    )


def load_version(registry: ModelRegistry, version: str) -> Reader:
    """A version's reader (networks and card), validated (ModelFileError if missing or
    corrupt)."""
    stored = registry.get(version)
    weights = registry.weights(version)
    if stored is None or weights is None:
        raise ModelFileError(f"version {version}: not in the database")
    return Reader(checkpoint.from_bytes(weights, stored.card, source=f"version {version}"))
