"""Logs in, journeys out: reading, the engine and mining. Users import from ``journeymap``."""
