"""An import's problems as CSV rows: the same file from the API (problems.csv) and from the command line."""

from collections.abc import Iterator

from sqlalchemy import select

from server.extensions import db
from server.voters.models import VoterImportProblem

HEADER = ["line", "column", "reason", "rejected", "code"]  # code last: a reader of the first four keeps working


def problem_rows(import_id: int) -> Iterator[list]:
    """Every rejected row and dropped value of an import, in file order, streamed from the database."""
    problems = db.session.execute(
        select(VoterImportProblem).where(VoterImportProblem.import_id == import_id)
        .order_by(VoterImportProblem.line, VoterImportProblem.id).execution_options(yield_per=1000)
    ).scalars()
    for problem in problems:
        yield [problem.line, problem.column or "", problem.reason, "yes" if problem.rejected else "no",
               problem.code or ""]
