"""The wire format, one codec for every entry point (web, CLI, scenarios, and the decision store):

- a request's JSON to an `OrderRequest`: `codec.schemas.request.load_request` (the fast reader first, the
  marshmallow schema when it is unsure, which names every invalid field in an `InvalidRequest`);
- an `OrderRequest` back to JSON with every default written out: `codec.encode_request.request_body`;
- an `OrderDecision` to JSON: `codec.encode_decision.decision_body` / `decision_json`;
- that JSON back to the same `OrderDecision`: `codec.decode_decision.read_decision`.
"""
