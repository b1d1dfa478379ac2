"""Responses to the analysis dataset; imports, exports, the codebook and simulated waves.

The constants here are what the commands offer; they live apart from the modules that use
them so that the `omnibus` command starts without loading polars or pyreadstat.
"""

EXPORT_FORMATS = ("csv", "xlsx", "sav", "parquet")
IMPORT_MODES = ("telephone", "paper", "returned_copy", "import")
