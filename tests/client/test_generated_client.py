"""Integrates with claimdesk through a client generated from openapi/openapi.json
by openapi-python-client, using nothing but the contract: sign in, create
users, register a webhook receiver, create an article from text, read the
extracted claims, move one to verified, fetch its ClaimReview, and check that
the receiver got a signed delivery of each type the walk caused (verified
with the `standardwebhooks` package).

Run by .ci/run against a live server: CLAIMDESK_URL and CLAIMDESK_ADMIN_PASSWORD
must be set and the generated package `claimdesk_client` importable.
"""

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from claimdesk_client import AuthenticatedClient, Client
from claimdesk_client.api.articles import create_article
from claimdesk_client.api.auth import login, me
from claimdesk_client.api.claims import get_claim, list_claims
from claimdesk_client.api.sources import add_source
from claimdesk_client.api.users import create_user
from claimdesk_client.api.webhooks import create_webhook
from claimdesk_client.api.workflow import claim_history, claim_review, transition_claim
from claimdesk_client.models import (
    AddSource,
    CreateArticle,
    CreateUser,
    CreateWebhook,
    LoginRequest,
    Problem,
    RatingName,
    RoleName,
    StanceName,
    Status,
    TransitionRequest,
    VerdictRequest,
)

BASE = os.environ["CLAIMDESK_URL"]
ADMIN_PASSWORD = os.environ["CLAIMDESK_ADMIN_PASSWORD"]
PASSWORD = "a long client passphrase"

ARTICLE = (
    "The water board said 2,400 households lost supply on Tuesday. "
    "Repairs to the 40-year-old main will cost about $3.2m, according to the city."
)


def sign_in(email, password):
    response = login.sync_detailed(client=Client(base_url=BASE), body=LoginRequest(email=email, password=password))
    assert response.status_code == 200, response.content
    return AuthenticatedClient(base_url=BASE, token=response.parsed.access_token)


def user(admin, email, role):
    body = CreateUser(email=email, display_name=email.split("@")[0], password=PASSWORD, role=role)
    created = create_user.sync_detailed(client=admin, body=body)
    assert created.status_code in (201, 409), created.content
    return sign_in(email, PASSWORD)


def move(client, claim_id, to, **extra):
    response = transition_claim.sync_detailed(claim_id, client=client, body=TransitionRequest(to=to, **extra))
    assert response.status_code == 200, response.content
    return response.parsed


class Receiver(BaseHTTPRequestHandler):
    """A webhook endpoint: keeps every delivery, answers 204."""

    deliveries = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.deliveries.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hooks"


def test_a_claim_from_article_to_claimreview():
    admin = sign_in("admin@localhost", ADMIN_PASSWORD)
    registered = create_webhook.sync_detailed(
        client=admin, body=CreateWebhook(url=start_receiver(), events=["*"], description="client test")
    )
    assert registered.status_code == 201, registered.content
    secret = registered.parsed.secret
    assert secret.startswith("whsec_")
    assert me.sync(client=admin).role == RoleName.ADMIN
    checker = user(admin, "client-checker@example.org", RoleName.CHECKER)
    proposer = user(admin, "client-editor@example.org", RoleName.EDITOR)
    approver = user(admin, "client-editor2@example.org", RoleName.EDITOR)

    created = create_article.sync_detailed(client=admin, body=CreateArticle(title="Water main", body=ARTICLE))
    assert created.status_code == 201, created.content
    article = created.parsed
    assert len(article.claims) == 2
    first = article.claims[0]
    assert first.text == "The water board said 2,400 households lost supply on Tuesday."
    assert first.claimant == "The water board"
    assert first.quantities[0].value == 2400 and first.quantities[0].unit == "households"

    listed = list_claims.sync(client=checker, article_id=article.id)
    assert {c.id for c in listed.items} == {c.id for c in article.claims}

    started = move(checker, first.id, Status.IN_PROGRESS)
    assert started.status == Status.IN_PROGRESS
    source = AddSource(url="https://water.example.org/incident-report", stance=StanceName.SUPPORTS, title="Incident report")
    assert add_source.sync_detailed(first.id, client=checker, body=source).status_code == 201
    move(proposer, first.id, Status.IN_REVIEW, verdict=VerdictRequest(rating=RatingName.TRUE, summary="The board's log lists 2,400 homes."))

    refused = transition_claim.sync_detailed(first.id, client=proposer, body=TransitionRequest(to=Status.VERIFIED))
    assert refused.status_code == 403 and isinstance(refused.parsed, Problem)

    verified = move(approver, first.id, Status.VERIFIED)
    assert verified.status == Status.VERIFIED
    assert verified.verdict.approved_by is not None

    review = claim_review.sync_detailed(first.id, client=checker)
    assert review.status_code == 200, review.content
    assert review.headers["content-type"] == "application/ld+json"
    body = review.parsed.to_dict()
    assert body["@type"] == "ClaimReview"
    assert body["claimReviewed"] == first.text
    assert body["reviewRating"]["ratingValue"] == 5

    kinds = [event.kind for event in claim_history.sync(first.id, client=checker).items]
    assert kinds == ["created", "transitioned", "source_added", "transitioned", "transitioned"]
    assert get_claim.sync(first.id, client=checker).status == Status.VERIFIED

    # Every delivery verifies with the secret, and each type the walk caused
    # arrived (deliveries follow within a second or so).
    wanted = {"article.created", "claim.created", "claim.transitioned", "source.added", "claim.verified"}
    deadline = time.time() + 20
    while time.time() < deadline:
        seen = {json.loads(body)["type"] for _, body in Receiver.deliveries}
        if wanted <= seen:
            break
        time.sleep(0.2)
    assert wanted <= seen, seen
    verifier = Webhook(secret)
    for headers, body in Receiver.deliveries:
        lowered = {k.lower(): v for k, v in headers.items()}
        payload = verifier.verify(body, lowered)
        assert payload["type"] in wanted | {"claim.assigned", "comment.added"}
        assert payload["data"]["id"]
    verified = next(json.loads(b) for _, b in Receiver.deliveries if json.loads(b)["type"] == "claim.verified")
    assert verified["data"]["claim"]["id"] == str(first.id)
    assert verified["data"]["data"]["to"] == "verified"
