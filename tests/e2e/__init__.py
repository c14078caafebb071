"""Browser end-to-end tests (Playwright + Debian Chromium); see conftest.py and README "Tests"."""
