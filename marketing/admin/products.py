"""Products, listings, online stores, calls and curation in the admin."""
