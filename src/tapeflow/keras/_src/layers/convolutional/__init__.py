"""Keras layers: convolutional."""
