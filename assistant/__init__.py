"""A grounded, cited chat assistant over one engineer's portfolio."""

__version__ = "0.1.0"
