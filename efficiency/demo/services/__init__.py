"""The demo fleet: storefront, checkout and search answer HTTP on 127.0.0.1 (storefront
calls the other two); thumbnailer is a batch worker. Each has its own hot path.

Run one with ``python -m efficiency.demo.services.<name>``; it works until terminated.
"""
