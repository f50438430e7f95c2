"""MLPS workbench core."""
