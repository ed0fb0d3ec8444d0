"""The demo: the product's whole story on a small real fleet, stage by stage."""
