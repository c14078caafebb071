"""``python -m allyship``: see :mod:`allyship.cli`."""

import os
import sys


def _will_draw_charts(args: list[str]) -> bool:
    """Whether this command line writes a chapter report with charts (``report``, HTML,
    the default format). A cheap look at the words before anything heavy is imported;
    if it guesses wrong, only the head start below is lost or spent for nothing."""
    if not args or args[0] != "report" or {"-h", "--help"} & set(args):
        return False
    if any(a in ("--organisation", "--region") or a.startswith("--region=") for a in args):
        return False  # the organisation report draws its one chart itself
    for i, arg in enumerate(args):
        if arg == "--format":
            return args[i + 1:i + 2] == ["html"]
        if arg.startswith("--format="):
            return arg == "--format=html"
    return True


if __name__ == "__main__":
    if sys.argv[1:2] == ["report"]:
        # numpy's OpenBLAS starts a worker thread per extra core as it is imported, each
        # spending CPU on the core where the renderer below warms up, and a report does
        # no linear algebra. Only for this command: `serve` passes its environment on to
        # the app's processes.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if _will_draw_charts(sys.argv[1:]):
        # The chart renderer's JavaScript runtime is slow to start: it starts in a
        # process of its own, on the other core, while this one imports pandas and runs
        # the report's SQL.
        from allyship.charts import svg_render

        svg_render.start()
    from allyship.cli import main

    main(prog_name="python -m allyship")
