"""Emulated BigCommerce REST API (v3 + v2), served under /stores/{hash}/v3|v2 by SandboxServer.

Where things live: `api` (store hash, auth, rate limit, routing, error shapes), `limits` (the
per-store window), `db` (the "bigcommerce.*" tables and SKU/name indexes), `common`, `paging`,
`query`, `fields` (shared plumbing), `products`, `variants`, `options`, `writes`, `render`
(catalog), `categories` (deprecated categories and trees), `locations`, `inventory`, `orders`
(v2), `refunds` (v3 transactions and refunds), `storeinfo` (v2 store, time, tax classes),
`seed`/`seed_orders` (demo, empty, generated), `admin` (/_sandbox/bigcommerce/...).
"""
