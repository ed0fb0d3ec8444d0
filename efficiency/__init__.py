"""efficiency: capacity-efficiency and incident-correlation daemon."""

__version__ = "0.1.0"
