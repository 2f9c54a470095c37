from tests.server.conversations.conftest import log, phone_of, team, voter  # noqa: F401 (the same fixtures)
