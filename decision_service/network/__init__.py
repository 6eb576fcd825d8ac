"""Live network state: the ERP's network kept by the service, changed by events, read by item for each decision.

Pure: the port (`port.NetworkStore`), the rules of every event (`events`), availability (`availability`), the
slice a decision reads (`slicing`) and an in-memory fake (`memory`). No web, schema or database code.
"""
