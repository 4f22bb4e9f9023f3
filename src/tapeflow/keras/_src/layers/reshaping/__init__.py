"""Keras layers: reshaping."""
