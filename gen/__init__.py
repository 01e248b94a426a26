"""gongkai (公开): a static-site generator for a government information-disclosure column."""

__version__ = "0.1.0"
