"""The stages over the store: each reads what it needs, calls a pure core (``detect``,
``correlate``, ``notify``) and writes its records in one transaction, behind a watermark, so
running it twice writes nothing new. ``efficiency.daemon`` schedules them."""
