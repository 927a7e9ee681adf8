"""isnad orchestration: building the spaCy pipeline, reading inputs, writing tables."""
__version__ = "0.1.0"
