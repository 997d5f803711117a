// Intentionally empty: FuzzEntry only provides the entry point below.
