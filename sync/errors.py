"""The named ways a sync request can fail as a whole. A single bad op is not an exception: it becomes a
``rejected`` result, so that the rest of its batch still goes through."""


class ProtocolError(Exception):
    """The batch as a whole is malformed (the server answers 422); ``field`` names the part at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class UnsupportedProtocol(Exception):
    """The app speaks a protocol version this server does not (the server answers 426; the phone keeps its
    outbox and asks the volunteer to update the app)."""

    def __init__(self, version: int, supported: frozenset[int]):
        self.version = version
        self.message = (f"Sync protocol {version} is not supported; this server speaks "
                        f"{', '.join(map(str, sorted(supported)))}. Update the app.")
        super().__init__(self.message)


class ClockDriftError(Exception):
    """A stamp is further ahead of this clock than the protocol allows, so the clock that made it is wrong."""


class CounterOverflow(Exception):
    """More than 65,536 stamps in one millisecond of logical time: refuse rather than reuse a stamp."""


class Problem(str):
    """One thing wrong with a field: English words for a person (the string itself), plus a stable ``code`` and
    its ``params``, so that the app can say it in the volunteer's language (docs/sync.md, Rejections)."""

    def __new__(cls, code: str, message: str, **params):
        problem = super().__new__(cls, message)
        problem.code, problem.params = code, params
        return problem

    def to_json(self) -> dict:
        return {"code": self.code, "params": self.params} if self.params else {"code": self.code}
