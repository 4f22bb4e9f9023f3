"""Keras layers: merging."""
