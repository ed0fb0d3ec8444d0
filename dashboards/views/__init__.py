"""One module per page: ``render()`` draws it from ``efficiency``'s query functions."""
