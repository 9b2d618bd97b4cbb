"""The GitHub webhook receiver's parts: signatures and secret rotation, the durable inbox, the event index, and
the debounced run triggers. The ASGI app (app.py) puts them together; `python -m flows.receiver` serves it."""
