"""Admin request handlers, one module per resource."""
