"""_scorer."""
