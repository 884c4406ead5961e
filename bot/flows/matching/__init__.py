"""The conflict matching engine: normalisation, keys, an in-process index and scoring."""

# The services cache entry holding the directory snapshots are kept in (the data directory); here,
# not in engine.py, so `bot.services` sets it without loading the matcher.
SNAPSHOT_DIR_KEY = "conflicts.snapshot_dir"
