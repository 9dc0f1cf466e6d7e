"""digitpad: draw a digit, watch a NumPy multilayer perceptron read it."""

__version__ = "0.1.0"
