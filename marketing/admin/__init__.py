"""P5 marketing in the admin, every write through the services: one module per area."""

from . import products, spaces  # noqa: F401  (each registers its models)
