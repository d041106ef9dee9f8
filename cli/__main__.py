"""``python -m cli``: the star-survey command line."""

from cli.main import main

main()
