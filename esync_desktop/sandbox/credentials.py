"""The demo stores' credentials: kept in code, never in a file, so no token lands on disk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxCredentials:
    clover_merchant_id: str = "ESYNCDEMO0001"
    clover_token: str = "c1d3m0-5a9b-4f7e-8c21-0b5e6a7f9d42"
    bc_store_hash: str = "esd3m0"
    bc_token: str = "bcdemotoken8k2m4q6s8u0w2y4a6c8e"
    # The demo's second Clover merchant (the warehouse), with its own token as on Clover.
    warehouse_merchant_id: str = "ESYNCDEMO0002"
    warehouse_token: str = "c1d3m0-wh07-4e1a-9b3c-5d7f9e1a3c5e"


DEMO_CREDENTIALS = SandboxCredentials()
