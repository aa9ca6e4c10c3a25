"""Japanese error pages; a server error rolls the session back."""

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from portal import transaction
from portal.auth.services import record_throttled, record_too_large

MESSAGES = {
    400: ("リクエストが正しくありません", "送信された内容を確認して、もう一度お試しください。"),
    403: ("この操作は許可されていません", "この画面を開く権限がありません。"),
    404: ("ページが見つかりません", "お探しのページは存在しないか、閲覧できません。"),
    405: ("この操作は許可されていません", "この方法ではこのページを利用できません。"),
    413: ("ファイルが大きすぎます", "アップロードできる大きさを超えています。"),
    429: ("試行回数が多すぎます", "しばらく時間をおいてから、もう一度お試しください。"),
    500: ("システムエラーが発生しました", "処理を完了できませんでした。変更は保存されていません。"),
}

PLAIN_500 = (
    '<!doctype html><html lang="ja"><meta charset="utf-8"><title>システムエラー</title>'
    "<h1>システムエラーが発生しました</h1>"
    "<p>処理を完了できませんでした。変更は保存されていません。しばらくしてからお試しください。</p></html>"
)


def _render(code: int):
    """Render the error page for a status code."""
    title, message = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_errorhandlers(app) -> None:
    """Attach the Japanese error pages to the app."""
    for code in (400, 403, 404, 405):
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(413)
    def too_large(error):
        """Refuse a request beyond the size limit (its body is never read) and audit the attempt."""
        user = current_user._get_current_object() if current_user.is_authenticated else None
        record_too_large(user, request.path, request.content_length)
        return _render(413)

    @app.errorhandler(429)
    def too_many_requests(error):
        """Refuse a throttled request and audit a throttled login."""
        if request.endpoint == "auth.login":
            record_throttled(request.form.get("login_id", ""))
        return _render(429)

    @app.errorhandler(500)
    def server_error(error):
        """Roll back whatever the failed request left in the session, then explain in Japanese."""
        transaction.discard()
        try:
            return _render(500)
        except Exception:
            # The page itself could not be drawn (the database may be down): answer plainly.
            app.logger.exception("the error page failed")
            return PLAIN_500, 500, {"Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """Explain a missing or stale CSRF token in Japanese."""
        title = "送信を受け付けられませんでした"
        message = "画面の有効期限が切れたか、不正な送信です。画面を開き直してから、もう一度お試しください。"
        return render_template("errors/error.html", code=400, title=title, message=message), 400
