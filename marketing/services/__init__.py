"""The writes of P5 marketing, one module per area: products (listing, products, photos, online stores),
curation (calls, submissions, grades) and spaces (selling spaces, booths, applications, allocations)."""
