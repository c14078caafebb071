"""``python -m allyship``: see :mod:`allyship.cli`."""

import os
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["report"]:
        # numpy's OpenBLAS starts a worker thread per extra core as it is imported, and
        # a report does no linear algebra. Only for this command: `serve` passes its
        # environment on to the app's processes.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        # pandas loads pyarrow when it is installed (Streamlit needs it), 60-80 ms of a
        # report's start-up, and keeps text in it. A report writes the same bytes with
        # text kept in Python objects (tests/test_cli_report.py), so it goes without.
        sys.modules.setdefault("pyarrow", None)  # type: ignore[arg-type]
    from allyship.cli import main

    try:
        main(prog_name="python -m allyship")
    except SystemExit as done:
        if sys.argv[1:2] == ["report"] and done.code in (0, None):
            # The report is written and closed, and the command wrote nothing else. A
            # process that has imported pandas spends 0.13-0.2 s tearing its modules
            # down, and nothing here needs that teardown: leave now.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        raise
