"""Lumen server package."""

# Lumen's release version: the one constant behind GET /version (kept equal to pyproject.toml).
__version__ = "0.1.0"
