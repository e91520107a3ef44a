#!/usr/bin/env python3
"""A small support pipeline in plain Python, the kind a store's team writes, rehearsed by Rehearsal.

It listens for Gorgias's HTTP-integration calls and Shopify's webhooks, verifies their HMAC
signatures, and runs three workflows on a customer's e-mail:

  * where is my order (WISMO): reads the customer's newest Shopify order and answers with its
    carrier and tracking number, or says it has not shipped yet;
  * a return: answers with the return steps when the order was delivered within the window;
  * everything else (and anything it is unsure of): hands the ticket to a person, with a note.

Standard library only. Configuration comes from the environment, with the same names as the
reference pipeline's settings (docs/ANY-PIPELINE.md lists them):

  REHEARSAL_PIPELINE_LISTEN        host:port to listen on, e.g. 127.0.0.1:9000
  REHEARSAL_SHOPIFY_BASE_URL       REHEARSAL_SHOPIFY_ACCESS_TOKEN   REHEARSAL_SHOPIFY_API_VERSION
  REHEARSAL_SHOPIFY_API_SECRET     (verifies X-Shopify-Hmac-Sha256)
  REHEARSAL_GORGIAS_BASE_URL       REHEARSAL_GORGIAS_EMAIL          REHEARSAL_GORGIAS_API_KEY
  REHEARSAL_GORGIAS_WEBHOOK_SECRET (verifies X-Gorgias-Signature)
  REHEARSAL_GORGIAS_SUPPORT_EMAIL  the address replies come from (default support@<account>)

EXAMPLE_PIPELINE_BUG deliberately breaks one thing, so a test can show that Rehearsal's oracles
catch a pipeline that misbehaves:
  invented-tracking   WISMO answers quote a tracking number the order does not have
  double-reply        every automatic answer is posted twice
"""

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RETURN_WINDOW_DAYS = 30
STALE_AFTER = timedelta(hours=72)
EXCEPTION_STATUSES = ("failure", "attempted_delivery", "delayed")
MAX_BODY_BYTES = 2 * 1024 * 1024

WISMO_CUES = ("where is my", "where's my", "tracking", "has it shipped", "shipped yet", "not arrived",
              "hasn't arrived", "has not arrived", "still waiting", "when will", "delivery status")
RETURN_CUES = ("return", "send it back", "send back", "refund for", "exchange")
ESCALATION_CUES = ("lawyer", "chargeback", "dispute", "angry", "unacceptable", "cancel", "damaged", "broken",
                   "wrong item", "refund")


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"pipeline.py: {name} is not set")
    return value


class Config:
    def __init__(self):
        self.listen = env("REHEARSAL_PIPELINE_LISTEN", "127.0.0.1:9000")
        self.shopify_base = env("REHEARSAL_SHOPIFY_BASE_URL").rstrip("/")
        self.shopify_token = env("REHEARSAL_SHOPIFY_ACCESS_TOKEN")
        self.shopify_version = env("REHEARSAL_SHOPIFY_API_VERSION", "2026-01")
        self.shopify_secret = env("REHEARSAL_SHOPIFY_API_SECRET").encode()
        self.gorgias_base = env("REHEARSAL_GORGIAS_BASE_URL").rstrip("/")
        self.gorgias_email = env("REHEARSAL_GORGIAS_EMAIL")
        self.gorgias_key = env("REHEARSAL_GORGIAS_API_KEY")
        self.gorgias_secret = env("REHEARSAL_GORGIAS_WEBHOOK_SECRET").encode()
        self.support_email = os.environ.get("REHEARSAL_GORGIAS_SUPPORT_EMAIL", "")
        self.bug = os.environ.get("EXAMPLE_PIPELINE_BUG", "")


class ApiError(Exception):
    pass


def call(method, url, headers, body=None, attempts=4):
    """One JSON call, retrying 429 and 5xx after the server's Retry-After (bounded)."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(attempts):
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                return json.loads(text) if text else {}
        except urllib.error.HTTPError as error:
            retryable = error.code == 429 or error.code >= 500
            if not retryable or attempt + 1 == attempts:
                raise ApiError(f"{method} {url}: {error.code} {error.read()[:200]!r}") from None
            wait = min(float(error.headers.get("Retry-After") or 1), 20.0)
            threading.Event().wait(wait)
    raise ApiError(f"{method} {url}: gave up")


class Shopify:
    def __init__(self, config):
        self.base = f"{config.shopify_base}/admin/api/{config.shopify_version}"
        self.headers = {"X-Shopify-Access-Token": config.shopify_token, "Accept": "application/json"}

    def newest_order(self, email):
        """The customer's newest order: the customer by e-mail, then their orders (never another's)."""
        query = urllib.parse.urlencode({"query": f"email:{email}"})
        customers = call("GET", f"{self.base}/customers/search.json?{query}", self.headers).get("customers", [])
        customer = next((c for c in customers if (c.get("email") or "").lower() == email.lower()), None)
        if customer is None:
            return None
        orders = call("GET", f"{self.base}/customers/{customer['id']}/orders.json?status=any&limit=5",
                      self.headers).get("orders", [])
        orders.sort(key=lambda o: o.get("created_at") or "", reverse=True)
        return orders[0] if orders else None


class Gorgias:
    def __init__(self, config):
        token = base64.b64encode(f"{config.gorgias_email}:{config.gorgias_key}".encode()).decode()
        self.base = config.gorgias_base
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        self.support_email = config.support_email

    def ticket(self, ticket_id):
        return call("GET", f"{self.base}/api/tickets/{ticket_id}", self.headers)

    def reply_by_email(self, ticket, text, external_id):
        customer = ticket.get("customer") or {}
        incoming = [m for m in ticket.get("messages", []) if not m.get("from_agent")]
        last = incoming[-1] if incoming else {}
        source = last.get("source") or {}
        to_support = (source.get("to") or [{}])[0].get("address") or self.support_email
        subject = ticket.get("subject") or ""
        body = {
            "channel": "email", "via": "api", "from_agent": True, "public": True,
            "receiver": {"id": customer.get("id")},
            "source": {"type": "email", "from": {"address": to_support, "name": "Support"},
                       "to": [{"address": customer.get("email"), "name": customer.get("name") or ""}]},
            "subject": subject if subject.startswith("Re:") else f"Re: {subject}",
            "body_text": text, "external_id": external_id,
        }
        return call("POST", f"{self.base}/api/tickets/{ticket['id']}/messages", self.headers, body)

    def tag(self, ticket_id, names):
        call("POST", f"{self.base}/api/tickets/{ticket_id}/tags", self.headers, {"names": names})

    def hand_over(self, ticket_id, summary):
        users = call("GET", f"{self.base}/api/users?limit=100", self.headers).get("data", [])
        agents = [u for u in users if (u.get("role") or {}).get("name") in ("agent", "admin", "lead")
                  and u.get("email") != self.support_email]
        note = {"channel": "internal-note", "via": "api", "from_agent": True, "public": False,
                "body_text": f"Handed over by the Python pipeline: {summary}"}
        call("POST", f"{self.base}/api/tickets/{ticket_id}/messages", self.headers, note)
        if agents:
            call("PUT", f"{self.base}/api/tickets/{ticket_id}", self.headers,
                 {"assignee_user": {"id": agents[0]["id"]}})


def classify(text):
    """The intent, in the reference pipeline's labels: wismo, return, or other (for a person)."""
    lowered = text.lower()
    if any(cue in lowered for cue in ESCALATION_CUES):
        return "other"
    if any(cue in lowered for cue in RETURN_CUES):
        return "return"
    if any(cue in lowered for cue in WISMO_CUES):
        return "wismo"
    return "other"


def parse_time(text):
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class Pipeline:
    def __init__(self, config):
        self.config = config
        self.shopify = Shopify(config)
        self.gorgias = Gorgias(config)
        self.lock = threading.Lock()
        self.seen_messages = set()
        self.decisions = []
        self.handed_over = set()  # tickets waiting for a person's answer

    def on_customer_message(self, ticket_id, message_id):
        with self.lock:
            if message_id in self.seen_messages:
                return
            self.seen_messages.add(message_id)
        ticket = self.gorgias.ticket(ticket_id)
        message = next((m for m in ticket.get("messages", []) if m.get("id") == message_id), None)
        if message is None or message.get("from_agent"):
            return
        text = f"{message.get('subject') or ''} {message.get('body_text') or ''}"
        intent = classify(text)
        self.record(ticket_id, "triage", intent=intent, rationale="keyword rules")
        customer_email = (ticket.get("customer") or {}).get("email") or ""
        if ticket.get("channel") != "email" or not customer_email:
            self.hand_over(ticket_id, intent, "only e-mail is answered automatically")
            return
        order = self.shopify.newest_order(customer_email) if intent != "other" else None
        # Rule ids are docs/POLICY.md's, so scenarios that name a rule read the same here.
        answer, rule, why = None, "intent.never_auto", "not a case this pipeline answers"
        if intent == "wismo" and order is not None:
            answer, rule, why = self.wismo_answer(order, message)
        elif intent == "return" and order is not None:
            answer, rule, why = self.return_answer(order, message)
        if answer is None:
            self.hand_over(ticket_id, intent, why, rule)
            return
        self.record(ticket_id, "route", intent=intent, route="auto_send", rule=rule, rationale=why)
        self.gorgias.tag(ticket_id, [f"intent:{intent}", "auto-replied"])
        external_id = f"python-pipeline-{ticket_id}-{message_id}"
        self.gorgias.reply_by_email(ticket, answer, external_id)
        self.record(ticket_id, "auto_send", intent=intent, route="auto_send", rule=rule, rationale=why,
                    final_text=answer, outcome="sent")
        if self.config.bug == "double-reply":
            self.gorgias.reply_by_email(ticket, answer, external_id + "-again")

    def hand_over(self, ticket_id, intent, why, rule="channel.not_automated"):
        self.record(ticket_id, "route", intent=intent, route="human", rule=rule, rationale=why, outcome="pending_human")
        with self.lock:
            self.handed_over.add(ticket_id)
        self.gorgias.tag(ticket_id, [f"intent:{intent}", "needs-review"])
        self.gorgias.hand_over(ticket_id, f"{intent}: {why}")

    def on_agent_message(self, ticket_id, sender_email):
        """A person answered a ticket this pipeline handed over: logged, with the reason they noted."""
        if sender_email == self.config.gorgias_email:
            return  # our own note or reply
        with self.lock:
            if ticket_id not in self.handed_over:
                return
            self.handed_over.discard(ticket_id)
        ticket = self.gorgias.ticket(ticket_id)
        reasons = [m.get("body_text") or "" for m in ticket.get("messages", [])
                   if m.get("channel") == "internal-note" and (m.get("body_text") or "").lower().startswith("reason:")]
        self.record(ticket_id, "human_override", route="human", rationale="a person answered the handed-over ticket",
                    override_reason=reasons[-1][len("reason:"):].strip() if reasons else "", sender="agent",
                    outcome="overridden")

    def wismo_answer(self, order, message):
        """(answer or None, rule, why): tracking only while the shipment is healthy."""
        name = order.get("name", "your order")
        shipped = [f for f in order.get("fulfillments", []) if f.get("status") != "cancelled"]
        if not shipped:
            return (f"Hi! {name} has not shipped yet; we will e-mail you the tracking number as soon as it does.",
                    "wismo.awaiting_fulfillment", "the order has not shipped yet")
        fulfillment = shipped[-1]
        if fulfillment.get("shipment_status") in EXCEPTION_STATUSES:
            return None, "wismo.delivery_exception", f"the carrier reports {fulfillment.get('shipment_status')}"
        last_scan, written = parse_time(fulfillment.get("updated_at")), parse_time(message.get("created_datetime"))
        if last_scan and written and written - last_scan > STALE_AFTER:
            return None, "wismo.stale_tracking", "no carrier scan for three days"
        number = fulfillment.get("tracking_number") or ""
        if self.config.bug == "invented-tracking":
            number = "1Z" + hashlib.sha1(name.encode()).hexdigest()[:16].upper()
        company = fulfillment.get("tracking_company") or "the carrier"
        return (f"Hi! {name} is on its way with {company}, tracking number {number}.", "wismo.healthy_tracking",
                "healthy tracking from Shopify")

    def return_answer(self, order, message):
        delivered = [parse_time(f.get("updated_at")) for f in order.get("fulfillments", [])
                     if f.get("shipment_status") == "delivered"]
        delivered = [d for d in delivered if d is not None]
        written = parse_time(message.get("created_datetime"))
        if not delivered or written is None:
            return None, "return.not_delivered", "the order has not been delivered"
        if written - max(delivered) > timedelta(days=RETURN_WINDOW_DAYS):
            return None, "return.outside_window", "outside the return window"
        return (f"Hi! You can return {order.get('name', 'your order')} within {RETURN_WINDOW_DAYS} days of delivery: "
                "reply with the items you are sending back and we will e-mail a prepaid label."), \
            "return.inside_window", "inside the window"

    def record(self, ticket_id, kind, **fields):
        """One row of the decision log that GET /rehearsal/decisions shows (docs/ANY-PIPELINE.md)."""
        with self.lock:
            self.decisions.append({"ticket_id": ticket_id, "kind": kind, **fields})


def genuine(secret, body, signature, encoding):
    digest = hmac.new(secret, body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode() if encoding == "base64" else digest.hex()
    return signature is not None and hmac.compare_digest(expected, signature)


def make_handler(pipeline):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the harness reads the mocks, not our log
            pass

        def answer(self, status, document):
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/healthz":
                return self.answer(200, {"ok": True})
            if self.path == "/rehearsal/decisions":
                with pipeline.lock:
                    return self.answer(200, {"data": list(pipeline.decisions)})
            return self.answer(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0 or length > MAX_BODY_BYTES:
                return self.answer(413, {"error": "body too large"})
            body = self.rfile.read(length)
            path, _, query = self.path.partition("?")
            if path == "/webhooks/gorgias":
                if not genuine(pipeline.config.gorgias_secret, body, self.headers.get("X-Gorgias-Signature"), "hex"):
                    return self.answer(401, {"error": "invalid signature"})
                return self.on_gorgias(body, urllib.parse.parse_qs(query).get("event", [""])[0])
            if path == "/webhooks/shopify":
                if not genuine(pipeline.config.shopify_secret, body, self.headers.get("X-Shopify-Hmac-Sha256"),
                               "base64"):
                    return self.answer(401, {"error": "invalid signature"})
                return self.answer(200, {"ok": True})  # order events need no workflow here
            return self.answer(404, {"error": "not found"})

        def on_gorgias(self, body, event):
            try:
                context = json.loads(body)
            except ValueError:
                return self.answer(400, {"error": "body is not JSON"})
            ticket = context.get("ticket") if isinstance(context, dict) else None
            if not isinstance(ticket, dict) or event not in ("ticket-created", "ticket-message-created"):
                return self.answer(200, {"ok": True, "ignored": event})
            # A new ticket arrives with its first message inside it and fires no message event.
            message = context.get("message") if event == "ticket-message-created" else (
                (ticket.get("messages") or [None])[-1])
            if not isinstance(message, dict):
                return self.answer(200, {"ok": True, "ignored": "no message"})
            try:
                ticket_id, message_id = int(ticket.get("id")), int(message.get("id"))
            except (TypeError, ValueError):
                return self.answer(400, {"error": "ticket.id and message.id must be numbers"})
            from_agent = str(message.get("from_agent")).lower() == "true"
            if from_agent:
                if message.get("channel") != "internal-note" and message.get("public", True):
                    sender = ((message.get("sender") or {}).get("email")) or ""
                    threading.Thread(target=self.agent_work, args=(ticket_id, sender), daemon=True).start()
                return self.answer(200, {"ok": True})
            # Answer Gorgias at once and work after: its integration call has a short timeout.
            threading.Thread(target=self.work, args=(ticket_id, message_id), daemon=True).start()
            return self.answer(200, {"ok": True})

        def agent_work(self, ticket_id, sender):
            try:
                pipeline.on_agent_message(ticket_id, sender)
            except (ApiError, OSError, ValueError) as error:
                print(f"pipeline.py: ticket {ticket_id}: {error}", file=sys.stderr, flush=True)

        def work(self, ticket_id, message_id):
            try:
                pipeline.on_customer_message(ticket_id, message_id)
            except (ApiError, OSError, ValueError) as error:
                print(f"pipeline.py: ticket {ticket_id}: {error}", file=sys.stderr, flush=True)

    return Handler


def main():
    config = Config()
    host, _, port = config.listen.rpartition(":")
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), make_handler(Pipeline(config)))
    print(f"pipeline.py: listening on {config.listen}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
