"""Loopback emulators of the Clover and BigCommerce REST APIs."""
