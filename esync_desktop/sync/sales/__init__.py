"""pull-sales: Clover in-store sales take their units off BigCommerce's stock, each once."""
