"""The engine: MNIST data, preprocessing, the network, training and checkpoints.

NumPy, Pillow and httpx only. Nothing here imports the web layer, the store or the
settings: callers pass paths and options in explicitly.
"""
