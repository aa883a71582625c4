"""The package version, in one module the rest of the package can import without a cycle."""

__version__ = "0.1.0"
