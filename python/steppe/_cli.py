"""The ``steppe`` console script: the same command line as the Rust binary."""

from __future__ import annotations

import signal
import sys

from . import _steppe

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the steppe command line with ``argv`` (default ``sys.argv``) and exit with its code.

    As a console script, Ctrl-C ends the process at once, and so does a closed output pipe
    (``steppe query ... | head``), as for other command-line tools.
    """
    args = list(sys.argv if argv is None else argv)
    if argv is None or not args:
        # The program name in usage and errors, whether run as a script or `python -m steppe`.
        args[:1] = ["steppe"]
    if argv is None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if hasattr(signal, "SIGPIPE"):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdout.flush()
    sys.stderr.flush()
    code = _steppe.run_cli(args)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
