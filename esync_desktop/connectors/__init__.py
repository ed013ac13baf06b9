"""Clover and BigCommerce API clients over one shared HTTP layer."""
