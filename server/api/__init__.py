"""`/api/v1`: the REST API for customers' scripts, CI and integrations (docs/api.md). Every
route needs an API token; handlers call the same domain functions as the admin."""

from server.api.routes import routes

__all__ = ["routes"]
