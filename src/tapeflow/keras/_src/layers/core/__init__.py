"""Core layers: Input, Dense, Embedding, Activation, Dropout, Lambda, ..."""
