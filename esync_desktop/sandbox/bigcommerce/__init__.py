"""Emulated bigcommerce API."""
