import numpy as np
import pytest
from PIL import ImageFont

from app.report import canvas
from app.report.canvas import (
    ARROW,
    TEXT,
    WHITE,
    picture_grid,
    side_by_side,
    text_width,
    titled,
    write,
)


def ink(picture: np.ndarray) -> int:
    """How many pixels are not white."""
    return int((picture != np.array(WHITE, dtype=np.uint8)).any(axis=2).sum())


def test_write_draws_text_and_an_arrow_the_font_lacks() -> None:
    image, draw = canvas.canvas(120, 30)
    write(draw, 4, 15, f"3{ARROW}7", size=14)
    drawn = np.array(image)
    assert text_width(f"3{ARROW}7", 14) == pytest.approx(text_width("37", 14) + 14, abs=1)
    # The arrow's shaft: dark pixels between the 3 and the 7, on the middle row.
    left = text_width("3", 14) + 4
    middle = drawn[13:18, left + 3 : left + 10]
    assert (middle.sum(axis=2) < 400).any()
    image, draw = canvas.canvas(120, 30)
    write(draw, 60, 15, "ab", align="centre")
    columns = np.flatnonzero((np.array(image) != 255).any(axis=(0, 2)))
    assert abs((columns.min() + columns.max()) / 2 - 60) <= 2


def test_without_a_scalable_font_the_bitmap_font_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    bitmap = ImageFont.load_default_imagefont()  # what Pillow without FreeType gives

    def no_sizes(size: float | None = None) -> ImageFont.ImageFont:
        if size is not None:
            raise TypeError("load_default() got an unexpected keyword argument 'size'")
        return bitmap

    canvas.font.cache_clear()
    monkeypatch.setattr(ImageFont, "load_default", no_sizes)
    try:
        assert canvas.font(14) is bitmap
        image, draw = canvas.canvas(120, 30)
        write(draw, 4, 15, f"0{ARROW}1 (50%)", size=14)
        assert ink(np.array(image)) > 20
        assert picture_grid([np.zeros((28, 28), np.uint8)], ["0→1"], columns=1).shape[1] > 28
    finally:
        canvas.font.cache_clear()


def test_picture_grid_places_labelled_pictures() -> None:
    black = np.zeros((28, 28), dtype=np.uint8)
    grid = picture_grid([black, black, black], ["a", "b", "c"], columns=2, scale=2)
    assert grid.dtype == np.uint8 and grid.ndim == 3
    pure_black = (grid == 0).all(axis=2)
    assert pure_black.sum() == 3 * 56 * 56  # text is never darker than TEXT
    rows = np.flatnonzero(pure_black.any(axis=1))
    assert rows.max() - rows.min() + 1 > 2 * 56  # two rows of pictures
    text = (grid == np.array(TEXT, dtype=np.uint8)).all(axis=2)
    assert text.any()  # the labels
    red = np.zeros((28, 28, 3), dtype=np.uint8)
    red[..., 0] = 255
    titled_rows = picture_grid([red, red], ["0", "1"], columns=2, row_titles=["row one"])
    assert titled_rows.shape[1] > grid.shape[1]  # room for the row title
    assert ((titled_rows == [255, 0, 0]).all(axis=2)).sum() == 2 * 56 * 56


def test_titled_and_side_by_side_keep_the_pictures() -> None:
    picture = np.zeros((50, 80, 3), dtype=np.uint8)
    framed = titled(picture, "A title", note="a note", margin=10)
    assert framed.shape[1] >= 80 + 20
    top = framed.shape[0] - 50 - 10
    np.testing.assert_array_equal(framed[top : top + 50, 10:90], picture)
    assert ink(framed[:top]) > 50  # the title and note
    row = side_by_side([picture, np.zeros((30, 20, 3), dtype=np.uint8)], gap=5)
    assert row.shape == (50, 105, 3)
    assert (row[:, 80:85] == 255).all() and (row[30:, 85:] == 255).all()
