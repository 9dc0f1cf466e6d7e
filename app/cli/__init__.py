"""The ``digitpad`` command: thin wrappers that read settings and call the engine, the
services and the store. One module per group of commands; importing them adds their
commands to ``main``."""

from app.cli import evaluate, export_model, model_versions, moderate, sample_files, serve, train
from app.cli.group import main

__all__ = [
    "evaluate",
    "export_model",
    "main",
    "model_versions",
    "moderate",
    "sample_files",
    "serve",
    "train",
]
