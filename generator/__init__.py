"""Static site generator for transparency reports on disrupted covert influence operations."""

__version__ = "0.1.0"
