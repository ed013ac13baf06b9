"""Table models: one QAbstractTableModel per table, rows are the engine's dataclasses."""
