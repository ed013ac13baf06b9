"""sync-refunds: BigCommerce refunds and cancellations noted on the Clover orders push-orders
made, and Clover refunds of in-store sales put back on BigCommerce's stock when the owner says
so (see docs/ENGINE.md "Refunds and cancellations")."""
