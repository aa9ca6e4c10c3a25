"""The meetings blueprint: every sub-feature's views module adds its pages to it (URLs under /meetings)."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
