"""The cases blueprint: every sub-feature's views module adds its pages to it (URLs under /cases)."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")
