"""Email for reminders, sent only when an SMTP server is configured (otherwise the portal notice suffices)."""

import logging
import os
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def _setting(name: str, default: str = "") -> str:
    """Return an SMTP setting from the app config, else from the environment (PORTAL_<NAME>)."""
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(f"PORTAL_{name}", default)
    return str(value)


def configured() -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(_setting("SMTP_HOST"))


def send_many(addresses: list[str], subject: str, body: str) -> int:
    """Send one plain-text message to each address; return how many were accepted.

    A failing server is logged and counted as not sent: the in-portal notice still goes out.
    """
    addresses = [a for a in addresses if a]
    if not addresses or not configured():
        return 0
    sender = _setting("SMTP_FROM", "noreply@localhost")
    sent = 0
    try:
        with smtplib.SMTP(_setting("SMTP_HOST"), int(_setting("SMTP_PORT", "25")), timeout=10) as smtp:
            if _setting("SMTP_STARTTLS") == "1":
                smtp.starttls()
            user = _setting("SMTP_USER")
            if user:
                smtp.login(user, _setting("SMTP_PASSWORD"))
            for address in addresses:
                message = EmailMessage()
                message["From"] = sender
                message["To"] = address
                message["Subject"] = subject
                message.set_content(body)
                smtp.send_message(message)
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        log.warning("reminder email failed after %d of %d: %s", sent, len(addresses), error)
    return sent
