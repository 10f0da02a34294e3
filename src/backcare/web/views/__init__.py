"""Page handlers, one module per area; each parses, calls a service, renders."""
