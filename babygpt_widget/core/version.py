"""The package version (pyproject.toml says the same): one place every layer may read it from."""

__version__ = "0.1.0"
