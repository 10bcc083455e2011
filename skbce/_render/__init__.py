"""_render."""
