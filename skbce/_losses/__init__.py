"""_losses."""
