"""E-mail over SMTP: a plain-text message per page, optional STARTTLS and login.

Every message of one incident carries ``References: <dedup key>``, so mail clients thread
trigger, acknowledge and resolve together. SMTP 4xx answers and connection failures are
retried; 5xx answers (unknown recipient, refused login) are permanent.
"""

from __future__ import annotations

import os
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from efficiency.links import incident_url
from efficiency.notify.base import DeliveryError, Notification
from efficiency.services import EmailReceiver

VERB = {"trigger": "FIRING", "acknowledge": "ACKNOWLEDGED", "resolve": "RESOLVED"}


def build_message(
    notification: Notification, receiver: EmailReceiver, dashboard_url: str = ""
) -> EmailMessage:
    incident = notification.incident
    msg = EmailMessage()
    verb = VERB.get(notification.action, notification.action.upper())
    msg["Subject"] = f"[{verb}] {notification.severity.upper()}: {notification.title}"[:250]
    msg["From"] = receiver.from_
    msg["To"] = ", ".join(receiver.to)
    msg["Date"] = format_datetime(datetime.now(UTC))
    # one Message-ID per page: a re-sent page is the same message to stores that dedupe
    key = notification.idempotency_key
    msg["Message-ID"] = f"<{key}@efficiency>" if key else make_msgid(domain="efficiency")
    msg["References"] = f"<{notification.dedup_key}@efficiency>"
    lines = [
        f"{verb}: {notification.title}",
        "",
        f"Incident:  {incident.get('id')} ({incident.get('status')})",
        f"Severity:  {notification.severity}",
        f"Services:  {', '.join(incident.get('services') or []) or '-'}",
        f"Team:      {notification.team}",
        f"Opened:    {incident.get('opened_at')}",
    ]
    if incident.get("resolved_at"):
        lines.append(f"Resolved:  {incident['resolved_at']}")
    causes = incident.get("root_causes") or []
    if causes:
        lines += ["", "Likely root causes:"]
        lines += [
            f"  {i}. {c.get('kind', '')} {c.get('name', '')} (score {c.get('score', '?')})"
            for i, c in enumerate(causes[:5], 1)
        ]
    if dashboard_url:
        lines += ["", f"Evidence:  {incident_url(dashboard_url, incident.get('id'))}"]
    lines += ["", f"Dedup key: {notification.dedup_key}"]
    msg.set_content("\n".join(lines) + "\n")
    return msg


class EmailNotifier:
    kind = "email"

    def __init__(
        self, receiver: EmailReceiver, timeout: float = 10.0, dashboard_url: str = ""
    ) -> None:
        self.receiver, self.timeout, self.dashboard_url = receiver, timeout, dashboard_url

    def _password(self) -> str:
        name = self.receiver.password_env
        if name and name not in os.environ:
            raise DeliveryError(f"SMTP password variable {name} is not set", retryable=False)
        return os.environ.get(name, "") if name else ""

    def send(self, notification: Notification) -> None:
        r = self.receiver
        message = build_message(notification, r, self.dashboard_url)
        try:
            with smtplib.SMTP(r.smtp_host, r.smtp_port, timeout=self.timeout) as smtp:
                if r.starttls:
                    smtp.starttls()
                if r.username:
                    smtp.login(r.username, self._password())
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"SMTP refused every recipient: {exc.recipients}", False) from exc
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise DeliveryError(
                f"SMTP {r.smtp_host}:{r.smtp_port} answered {exc.smtp_code} {text}",
                retryable=exc.smtp_code < 500,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {r.smtp_host}:{r.smtp_port}: {exc!r}", True) from exc
