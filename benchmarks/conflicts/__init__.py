"""The conflict matcher's evaluation set and name pools."""
