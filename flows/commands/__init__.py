"""The command line of each flow: parse the arguments first and import Prefect, Polars and the warehouse only when a
run starts, so `python -m flows.<name> --help` answers at once. Each flow module hands its `__main__` to the module of
the same name here."""
