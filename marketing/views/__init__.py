"""The pages of P5 marketing, one module per area; each gives its `urls`."""
