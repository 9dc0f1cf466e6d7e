"""bench/finetune_real.py: the unseen writers as the page would send them."""

from pathlib import Path

import numpy as np

from app.engine.proxy import render
from app.engine.replay import CANVAS
from app.engine.unipen import load_unipen
from bench.domain import contributing_writers
from bench.finetune_real import as_proxy


def test_unseen_writers_become_canvas_drawings_with_writer_ids(unipen_dir: Path) -> None:
    unipen = load_unipen(unipen_dir)
    unseen = unipen.take(np.isin(unipen.sites, ["art", "pri"]))
    proxy, names = as_proxy(unseen, np.random.default_rng(0))
    assert len(proxy) == len(unseen) and (proxy.labels == unseen.labels).all()
    assert sorted(names.values()) == sorted(set(unseen.writers.tolist()))
    assert [names[w] for w in proxy.writers] == unseen.writers.tolist()
    points = np.concatenate([np.concatenate(d) for d in proxy.strokes])
    assert points.min() >= 0 and points.max() <= CANVAS
    assert render(proxy).shape == (len(unseen), 784)
    half = contributing_writers(proxy.writers, 0)
    assert len(half) == len(names) // 2 and half <= set(names)
