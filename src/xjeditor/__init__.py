"""XJ Editor: a layout tool for Chinese community newspapers."""

__version__ = "0.1.0"
