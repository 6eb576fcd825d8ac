"""marshmallow schemas: the single description of the API for validation errors and the OpenAPI document.

The request schema loads a request into an `OrderRequest` (after the fast reader, `codec.fast_request`); the
response schemas load an answered decision back into an `OrderDecision` (`codec.decode_decision`).
"""
