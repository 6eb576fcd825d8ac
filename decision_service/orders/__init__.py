"""The commercial side of an order decision: credit, pricing and exception rules around the allocation.

Pure service layer: it imports `optimizers` and `rules`, never Flask or marshmallow, so it runs the same in
the web app, a batch job or a unit test.
"""
