"""Preprocessing: a drawing, an image or a pixel grid -> the array the network reads.

Every function returns a (28, 28) float32 array in [0, 1], 0 = background, 1 = full ink,
framed as MNIST frames its digits: the ink's bounding box scaled to fit 20x20 keeping its
aspect ratio, anti-aliased, and shifted by whole pixels so that its centre of mass is at
(14, 14). That framing, not a plain shrink of the canvas, is what lets the network read a
digit drawn small or off-centre. The pipelines:

- `strokes_to_pixels` (strokes.py): points from a canvas are normalised to the 20-px box,
  drawn with a round pen as thick as MNIST's strokes at 4x resolution, then averaged down
  and centred (frame.py's `frame_supersampled`);
- `image_to_pixels` (image.py): bytes are decoded with limits (decode.py), turned into an
  ink map whatever the polarity or transparency, cleaned of faint noise, then framed
  (frame.py's `frame_digit`);
- `pixels_to_array` (pixels.py): a grid already framed like MNIST, only checked.

A model may also be trained to read digits upright: `slant.deskew` takes the slant out of
framed images (the model card's ``preprocessing`` says whether, and which pen draws
strokes; the reader applies both).

Bad input raises InvalidInput with a message saying what was expected and what came;
input without ink raises EmptyDrawing. All functions are pure.
"""

from app.engine.preprocess.frame import frame_digit
from app.engine.preprocess.image import image_to_pixels
from app.engine.preprocess.pixels import pixels_to_array
from app.engine.preprocess.strokes import strokes_to_pixels

__all__ = ["frame_digit", "image_to_pixels", "pixels_to_array", "strokes_to_pixels"]
