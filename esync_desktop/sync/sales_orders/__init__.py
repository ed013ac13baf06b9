"""pull-sales with the `as_orders` option: each in-store Clover sale recorded as one
BigCommerce order, once."""
