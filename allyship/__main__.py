"""``python -m allyship``: see :mod:`allyship.cli`."""

from allyship.cli import main

if __name__ == "__main__":
    main(prog_name="python -m allyship")
