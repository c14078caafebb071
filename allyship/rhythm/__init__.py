"""The weekly rhythm: nudges, email, the outbox that sends them, calendar feeds."""
