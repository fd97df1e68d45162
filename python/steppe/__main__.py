"""Runs the steppe command line: ``python -m steppe report TJK``."""

from steppe._cli import main

if __name__ == "__main__":
    main()
