"""The command line's commands, one module per concern; :mod:`allyship.cli` gathers them."""
