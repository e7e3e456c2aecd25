"""Archived copies of the sources evidence cites, and the quoted passages checked against them."""
