"""`python -m omnibus` runs the `omnibus` command."""

from omnibus.cli import main

main()
