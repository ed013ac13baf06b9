"""Stock by location: several Clover merchants, each feeding one BigCommerce inventory location,
with safety buffers, reserved web orders and the stale-stock guard (docs/ENGINE.md)."""
