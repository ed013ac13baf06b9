"""Plain data types: money, SKUs, items, products, variants."""
