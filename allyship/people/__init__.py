"""Chapters, teams and members; the organisation above chapters; passwords and sign-in
sessions."""
