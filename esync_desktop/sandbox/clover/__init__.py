"""Emulated clover API."""
