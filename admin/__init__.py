"""The admin UI for product teams (routes, templates, static files): see issue 4."""
