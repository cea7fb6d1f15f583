"""Selling spaces, booths, applications and allocations in the admin."""
