"""The pure core: the handout's wording, records and their validation, dates, safe text,
the columns type and the access rules. No I/O; imports nothing else of the app's."""
