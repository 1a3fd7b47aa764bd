"""In-memory store (tests, quick experiments): pyoxigraph with nothing on disk."""
import pyoxigraph as ox

from kg.store.oxicore import PyOxigraphStore


class MemoryStore(PyOxigraphStore):
    def __init__(self):
        super().__init__(ox.Store())
