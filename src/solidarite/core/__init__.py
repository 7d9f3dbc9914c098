"""Site-wide pages (home, health check), navigation and the demo data loader."""
