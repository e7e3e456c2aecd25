"""Signed webhooks (Standard Webhooks): endpoints, events, deliveries."""
