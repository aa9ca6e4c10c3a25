"""Administration pages for councils, agencies, agency kinds and people."""

from flask import Blueprint

bp = Blueprint("agencies", __name__, url_prefix="/admin")
