"""Order-level decisions for distribution ERPs.

- `decision_service.orders`: the order-level service (pricing, credit, allocation, exceptions), pure: it
  imports the core (`optimizers`, `rules`) and nothing of the web or of storage;
- `decision_service.codec`: the wire format, JSON to requests and decisions to JSON and back;
- `decision_service.web`: the Flask app (`create_app`), which only parses, calls the service and serialises;
- `decision_service.cli`: the `decision-service` command.
"""
