"""Cost model, savings ledger and exports."""
