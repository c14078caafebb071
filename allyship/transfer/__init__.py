"""Data in and out: CSV reading, imports, the chapter export and restoring from it."""
