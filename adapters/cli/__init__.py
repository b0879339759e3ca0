"""The ``briefbot`` command line: the first adapter and the composition root."""
