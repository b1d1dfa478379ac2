"""`python -m omnibus` runs the `omnibus` command."""

from omnibus.site.cli import main

main()
