"""The raw landing zone: the pages a run read from GitHub, written by extraction and read by transformation."""
