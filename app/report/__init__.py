"""The offline report: a model's insights views as PNG figures and one HTML page
(``digitpad report``), with the drawing code only it uses.

- `write`: gathers a model's measurements and writes the files;
- `figures`: the report's figures from a model and its card;
- `charts`: bar charts, heat maps and line charts drawn with Pillow;
- `canvas`: text, labelled picture grids and layout on Pillow canvases.
"""
