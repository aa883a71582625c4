"""``python -m matcher``: the command line."""

from matcher.cli import main

if __name__ == "__main__":
    main()
