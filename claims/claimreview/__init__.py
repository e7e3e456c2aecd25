"""Importing other newsrooms' fact-checks from ClaimReview (schema.org) as archive records.

``read`` finds the ClaimReview objects in files, feeds and pages; ``records`` turns each one, as
messy as real pages write them, into a tidy record; ``importer`` writes them in bulk.
"""
