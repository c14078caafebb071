"""The figures: chapter and organisation progress, periods, and what may be disclosed."""
