"""Keras layers: the base class, the input layer and the layer library."""
