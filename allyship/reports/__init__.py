"""The chapter and organisation reports, as files to download or print."""
