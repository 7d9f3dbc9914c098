"""Where the project keeps its files: the catalog reviewed like code, and var/ for local state."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SOLIDARITE_VAR_DIR", PROJECT_DIR / "var"))
CATALOG_DIR = Path(os.environ.get("SOLIDARITE_CATALOG_DIR", PROJECT_DIR / "catalog"))
