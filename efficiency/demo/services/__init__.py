"""Three small real services for the demo, each with its own hot path.

Run one with ``python -m efficiency.demo.services.<name>``; it works until terminated.
"""
