"""The platform-free core of briefbot: settings, batch work; commands, storage and scheduling to come."""
