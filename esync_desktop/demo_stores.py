"""The demo stores: the sandbox served in-process on a free loopback port, its state kept in a
file under the data folder and its tokens in memory only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from esync_desktop.log import register_secret
from esync_desktop.sandbox.credentials import DEMO_CREDENTIALS
from esync_desktop.store_credentials import MerchantCredentials, StoreCredentials

# The demo's merchants as the owner names them, and the BigCommerce location each feeds.
DEMO_MAIN_STREET = "Main Street"
DEMO_WAREHOUSE = "Warehouse"

if TYPE_CHECKING:
    from esync_desktop.sandbox.server import SandboxServer


class DemoStores:
    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._server: SandboxServer | None = None
        self.credentials: StoreCredentials | None = None
        self.merchants: list[MerchantCredentials] = []

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> bool:
        """Serve the stores; False when they already run."""
        if self._server is not None:
            return False
        # lazy: the emulator's server code loads only when the demo stores start.
        from esync_desktop.sandbox.server import SandboxServer

        # The demo store is on BigCommerce's Pro plan: its API quota lets the first run of the
        # demo catalogue finish in seconds rather than a minute.
        server = SandboxServer(db_path=self._db_path, plan="pro").start()
        info = server.describe()
        register_secret(info["clover_token"])
        register_secret(info["bc_token"])
        register_secret(info["warehouse_token"])
        self._server = server
        self.credentials = StoreCredentials(
            info["url"],
            info["clover_merchant_id"],
            info["clover_token"],
            info["url"],
            info["bc_store_hash"],
            info["bc_token"],
        )
        self.merchants = [
            MerchantCredentials(
                info["clover_merchant_id"], DEMO_MAIN_STREET, info["url"], info["clover_token"], 1
            ),
            MerchantCredentials(
                info["warehouse_merchant_id"],
                DEMO_WAREHOUSE,
                info["url"],
                info["warehouse_token"],
                2,
            ),
        ]
        return True

    def reset(self) -> None:
        """Start the stores' catalogues over, served or not."""
        if self._server is not None:
            self._server.reset()
            return
        # lazy: the emulator's server code loads only when the demo stores are used.
        from esync_desktop.sandbox.server import SandboxServer

        with SandboxServer(db_path=self._db_path) as server:
            server.reset()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self.credentials = None
            self.merchants = []

    @staticmethod
    def ids() -> tuple[str, str]:
        """The Clover merchant id and BigCommerce store hash (not secret)."""
        return DEMO_CREDENTIALS.clover_merchant_id, DEMO_CREDENTIALS.bc_store_hash

    @staticmethod
    def scope() -> str:
        """What the engine's cursors and journal keep the demo's entries under."""
        merchant, store = DemoStores.ids()
        return f"demo:{merchant}>{store}"
