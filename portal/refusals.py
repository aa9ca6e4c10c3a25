"""The one refusal: a rule said no, nothing was saved, and the person is told why in Japanese.

Services raise Refusal for input or a state their rules do not allow; pages show its messages on the
form (or as flashed messages) and socket events answer them in their acknowledgement. Something the
person may not see at all is not a refusal: the policy answers 404 (abort), so its existence is not
revealed.
"""


class Refusal(Exception):
    """A business rule refused the operation; nothing was saved.

    `errors` maps form field names to their messages, "" standing for the form as a whole; the
    plain messages given positionally belong to the whole form.
    """

    def __init__(self, *messages: str, errors: dict[str, list[str]] | None = None):
        self.errors: dict[str, list[str]] = {}
        if messages:
            self.errors[""] = list(messages)
        for name, texts in (errors or {}).items():
            self.errors.setdefault(name, []).extend(texts)
        super().__init__(*self.messages)

    @property
    def messages(self) -> list[str]:
        """Return every message, the whole form's first."""
        return [text for texts in self.errors.values() for text in texts]
