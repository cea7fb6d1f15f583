"""The forms of P5 marketing, one module per area."""
