"""`/v1/rules/tables/{key}/drafts`: a table's drafts, backtests, publication with four eyes, all on the record."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response

from decision_service.codec.schemas.rule_drafts import (
    BacktestReportSchema,
    BacktestSchema,
    DecideDraftSchema,
    DraftListSchema,
    DraftSchema,
    NewDraftSchema,
    PublishSchema,
)
from decision_service.governance.backtest import Selection, backtest, selected
from decision_service.web.governing import draft_json, governance, redecider, stamp
from decision_service.web.parsing import ApiBlueprint
from decision_service.web.resources import json_response
from decision_service.web.resources.problems import PROBLEM, reads_json_body

blp = ApiBlueprint("rule_drafts", __name__, url_prefix="/v1/rules", description="Governed changes to decision tables.")
NOT_FOUND = "No table with that key, or no draft with that id for it."
INVALID = "An invalid field in the body; `errors` names it."
CONFLICT = "The draft is not in a state that allows this step, or its period overlaps the table's history."


@blp.route("/tables/<key>/drafts", methods=["POST"])
@blp.arguments(NewDraftSchema)
@blp.response(201, DraftSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description="Invalid table: `errors` and `findings` name its rows and columns.", **PROBLEM)
@reads_json_body(blp)
def create_draft(body: dict[str, Any], key: str) -> Response:
    """Propose a new version of a table; it is validated and recorded, or refused with its findings."""
    return json_response(draft_json(governance().create_draft(key, body["table"], body["comment"], stamp())), 201)


@blp.route("/tables/<key>/drafts", methods=["GET"])
@blp.response(200, DraftListSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
def list_drafts(key: str) -> Response:
    """Every draft of a table and where it stands, oldest first."""
    return json_response({"drafts": [draft_json(d) for d in governance().drafts(key)]})


@blp.route("/tables/<key>/drafts/<draft_id>", methods=["GET"])
@blp.response(200, DraftSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
def get_draft(key: str, draft_id: str) -> Response:
    """One draft, its content, its publication and who decided it."""
    return json_response(draft_json(governance().draft(key, draft_id)))


@blp.route("/tables/<key>/drafts/<draft_id>/backtest", methods=["POST"])
@blp.arguments(BacktestSchema)
@blp.response(200, BacktestReportSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(422, description=INVALID, **PROBLEM)
@reads_json_body(blp)
def backtest_draft(choice: Selection, key: str, draft_id: str) -> Response:
    """Decide recorded decisions again with the draft in place of its table; count and list what changes."""
    gov = governance()
    draft = gov.draft(key, draft_id)
    report = backtest(selected(gov.book.log, choice), redecider(draft))
    return json_response({"draft_id": draft_id, "key": key, **orjson.loads(orjson.dumps(report))})


@blp.route("/tables/<key>/drafts/<draft_id>/publish", methods=["POST"])
@blp.arguments(PublishSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description=CONFLICT, **PROBLEM)
@blp.alt_response(422, description="A period in the past or empty; `errors` names the field.", **PROBLEM)
@reads_json_body(blp)
def publish_draft(body: dict[str, Any], key: str, draft_id: str) -> Response:
    """Publish a draft from its effective date: in force at once, or pending another owner's approval."""
    period = (body["effective_from"], body["effective_to"])
    published = governance().publish(key, draft_id, period, body["comment"], body["approval_required"], stamp())
    return json_response(draft_json(published))


@blp.route("/tables/<key>/drafts/<draft_id>/approve", methods=["POST"])
@blp.arguments(DecideDraftSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(403, description="The publisher may not approve their own publication.", **PROBLEM)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description=CONFLICT, **PROBLEM)
@blp.alt_response(422, description=INVALID, **PROBLEM)
@reads_json_body(blp)
def approve_draft(body: dict[str, Any], key: str, draft_id: str) -> Response:
    """A second person approves a pending publication; it is in force from its effective date."""
    return json_response(draft_json(governance().approve(key, draft_id, body["comment"], stamp())))


@blp.route("/tables/<key>/drafts/<draft_id>/reject", methods=["POST"])
@blp.arguments(DecideDraftSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(404, description=NOT_FOUND, **PROBLEM)
@blp.alt_response(409, description=CONFLICT, **PROBLEM)
@blp.alt_response(422, description=INVALID, **PROBLEM)
@reads_json_body(blp)
def reject_draft(body: dict[str, Any], key: str, draft_id: str) -> Response:
    """Close a draft, or a publication pending approval, without putting it in force."""
    return json_response(draft_json(governance().reject(key, draft_id, body["comment"], stamp())))
