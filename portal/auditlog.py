"""The auditor's view of the audit log: filter, page through, and export as CSV."""

from flask import Blueprint

bp = Blueprint("auditlog", __name__, url_prefix="/audit")
