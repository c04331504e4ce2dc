"""Views of the engagement app, one module per area; each module ends with its `urls` list."""
