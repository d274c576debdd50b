"""Free2Link XBlocks: scenario-based training to identify victims of online human trafficking."""

__version__ = "0.1.0"
