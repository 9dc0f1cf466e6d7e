"""``python -m app.cli``: the digitpad command."""

from app.cli import main

main()
