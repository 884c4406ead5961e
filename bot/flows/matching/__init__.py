"""The conflict matching engine: normalisation, keys, an in-process index and scoring."""
