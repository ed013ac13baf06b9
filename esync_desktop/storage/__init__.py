"""Settings (platformdirs), secrets (keyring) and SQLite state."""
