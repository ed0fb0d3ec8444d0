"""A small real multi-service application for root-cause benchmarks (``rca_testbed``)."""
