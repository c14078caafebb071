"""Chart specs from the figures (one palette system) and their rendering to SVG."""
