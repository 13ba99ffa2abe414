"""The admin's webhooks of an app: an owner adds an endpoint and sees its signing secret
once, reads the delivery log and resends a delivery."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from analytics.webhooks import WebhookDelivery, WebhookEndpoint, signing_secret
from server.db import Database
from tests.admin_client import post, sign_in
from tests.conftest import TEST_SECRET
from tests.factories import make_admin, make_workspace_app


def setup(db: Database) -> int:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        assert app.id is not None
        return app.id


class TestAddWebhook:
    def test_the_signing_secret_is_shown_once(self, client: TestClient, db: Database) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")

        made = post(
            client,
            f"/admin/apps/{app_id}/webhooks/",
            csrf,
            url="https://hooks.example.com/in",
            events=["guide_completed", "struggle_detected"],
        )

        assert (made.status_code, made.template.name) == (201, "webhooks/list.html")
        secret = made.context["new_secret"]
        with db.read() as session:
            endpoint = session.exec(select(WebhookEndpoint)).one()
        assert endpoint.events == ["guide_completed", "struggle_detected"]
        assert secret == signing_secret(TEST_SECRET, endpoint.id or 0, endpoint.salt)
        assert secret in made.text
        assert secret not in client.get(f"/admin/apps/{app_id}/webhooks/").text

    def test_a_bad_address_or_no_event_is_a_form_error(
        self, client: TestClient, db: Database
    ) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, f"/admin/apps/{app_id}/webhooks/", csrf, url="ftp://x")

        assert response.status_code == 422
        assert response.context["errors"] == {
            "url": "an http:// or https:// address",
            "events": "choose one or more events",
        }

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/in",
            "http://localhost/in",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.7/in",
            "http://[::1]/in",
            "http://[::ffff:192.168.1.1]/in",
        ],
    )
    def test_an_address_inside_the_network_is_refused_by_default(
        self, client: TestClient, db: Database, url: str
    ) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client, f"/admin/apps/{app_id}/webhooks/", csrf, url=url, events="guide_completed"
        )

        assert response.status_code == 422
        assert response.context["errors"]["url"].startswith("a public address: ")
        with db.read() as session:
            assert session.exec(select(WebhookEndpoint)).all() == []


class TestDeliveryLog:
    def test_resend_queues_a_failed_delivery_again(self, client: TestClient, db: Database) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")
        post(
            client,
            f"/admin/apps/{app_id}/webhooks/",
            csrf,
            url="https://hooks.example.com/in",
            events="guide_dismissed",
        )
        with db.write() as session:
            endpoint = session.exec(select(WebhookEndpoint)).one()
            delivery = WebhookDelivery(
                endpoint_id=endpoint.id or 0,
                app_id=app_id,
                event_id="0190f5c8-0000-7000-8000-000000000009",
                event_type="guide_dismissed",
                payload={"id": "x"},
                status="failed",
                attempts=12,
                last_error="Connection refused",
            )
            session.add(delivery)
            session.flush()
            delivery_id, endpoint_id = delivery.id, endpoint.id

        log = client.get(f"/admin/apps/{app_id}/webhooks/{endpoint_id}")
        resent = post(
            client, f"/admin/apps/{app_id}/webhooks/deliveries/{delivery_id}/resend", csrf
        )

        assert log.template.name == "webhooks/deliveries.html"
        assert "Connection refused" in log.text and "gave up" in log.text
        assert resent.status_code == 303
        with db.read() as session:
            again = session.get(WebhookDelivery, delivery_id)
        assert again is not None and again.status in ("pending", "delivered")
