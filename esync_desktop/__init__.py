"""eSync Desktop: keeps a Clover POS and a BigCommerce store in step."""

__version__ = "0.1.0"
APP_NAME = "eSync Desktop"
APP_ID = "esync-desktop"
USER_AGENT = f"eSyncDesktop/{__version__} (desktop)"
