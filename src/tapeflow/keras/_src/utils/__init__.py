"""Keras utilities used across the implementation (summary tables, ...)."""
