"""The API's routes, one module per area; each route checks the permission, reads through a selector and changes
through a service."""
