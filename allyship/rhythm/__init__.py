"""rhythm."""
