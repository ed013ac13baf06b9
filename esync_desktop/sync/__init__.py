"""The sync engine: tasks, actions, planning (preview) and running."""
