"""The app's own modules compiled to bytecode before anything is timed, as a deployment
has them after its first start.

Python writes a module's bytecode the first time it imports it, unless told not to
(``PYTHONDONTWRITEBYTECODE``, set on the machine the bench was written on): then every
process compiled the app's modules from source again, which no installed app does (the
report command: about 0.2 s of a 0.9 s run). Installed libraries are compiled by pip.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_app() -> bool:
    """Compile ``allyship/``, ``pages/`` and ``streamlit_app.py`` where their bytecode is
    missing or older than the source; whether every file compiled."""
    ok = all(compileall.compile_dir(ROOT / folder, quiet=1) for folder in ("allyship", "pages"))
    return compileall.compile_file(ROOT / "streamlit_app.py", quiet=1) and ok
