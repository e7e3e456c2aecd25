"""Webhook delivery jobs."""
