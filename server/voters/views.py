import csv
import io
import uuid
from pathlib import Path

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import func, or_, select

from server import jobs
from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.columns import utcnow
from server.extensions import db, limiter
from server.matching.keys import tags_ready_percent
from server.pagination import QueryPage
from server.request_input import upload
from server.scoping import current_campaign, current_membership, current_user_id, requires_role
from server.voters.importer import ImportBusy, create_import
from server.voters.models import ImportStatus, Voter, VoterImport, VoterImportProblem
from server.voters.preview import preview_file
from server.voters.problems import HEADER, problem_rows
from server.voters.reader import SAMPLE_BYTES, VoterFileError
from server.voters.schemas import (
    VoterCardSchema,
    VoterFilePreviewResultSchema,
    VoterFilePreviewSchema,
    VoterFileUploadSchema,
    VoterImportDetailSchema,
    VoterImportSchema,
    VoterListArgsSchema,
    VoterSchema,
    VoterSearchArgsSchema,
    column_map,
)
from server.voters.search import card, search_key, search_voters

blp = Blueprint("voters", __name__, url_prefix="/api/campaigns/<int:campaign_id>",
                description="The campaign's voter file: imports, name search, records.")


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@blp.route("/voter-files")
class VoterFiles(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, VoterImportSchema(many=True))
    @blp.links(200, ReadImport=("get", "/voter-files/{import_id}", {"import_id": "$response.body#/0/id"}),
               ReadProblems=("get", "/voter-files/{import_id}/problems.csv", {"import_id": "$response.body#/0/id"}))
    def get(self):
        """The campaign's voter-file imports, newest first."""
        return db.session.execute(select(VoterImport).where(VoterImport.campaign_id == current_campaign().id)
                                  .order_by(VoterImport.id.desc()).limit(100)).scalars()

    @requires_role(Role.ORGANIZER)
    @upload("VOTER_FILE_MAX_BYTES")
    @blp.arguments(VoterFileUploadSchema, location="form", content_type="multipart/form-data")
    @blp.response(202, VoterImportSchema)
    @blp.errors(409)
    @blp.links(202, ReadImport=("get", "/voter-files/{import_id}", {"import_id": "$response.body#/id"}),
               CancelImport=("delete", "/voter-files/{import_id}", {"import_id": "$response.body#/id"}))
    def post(self, options):
        """Upload a voter file and import it in the background; poll the returned import for progress.

        :raise 409: while another import of this campaign is running.
        """
        file = options["file"]
        path = upload_folder() / f"{uuid.uuid4().hex}.upload"
        file.save(path)
        try:
            job = create_import(current_campaign().id, path, file.filename or "voter file", options["format"],
                                column_map(options["map"]), current_membership().user_id, options["allow_shrink"],
                                options["no_header"])
        except ImportBusy as exc:
            abort(409, message=str(exc))
        jobs.enqueue("server.voters.importer:run_import", job.id)
        return job


@blp.route("/voter-files/preview")
class VoterFilePreview(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(VoterFilePreviewSchema, location="form", content_type="multipart/form-data")
    @blp.response(200, VoterFilePreviewResultSchema)
    @blp.errors(422)
    def post(self, options):
        """What the first rows of a file would import as, under the detected or chosen layout; nothing is stored.

        Send the file's first bytes (256 KB are enough) and its whole size.
        :raise 422: when the bytes are not a table of text at all (a spreadsheet, an empty file).
        """
        head = options["file"].stream.read(SAMPLE_BYTES)
        try:
            return preview_file(head, preset=options["format"], overrides=column_map(options["map"]),
                                no_header=options["no_header"], region=current_campaign().phone_region,
                                reference_year=utcnow().year, whole_size=options.get("file_size"),
                                priority_column=current_campaign().priority_column)
        except VoterFileError as exc:
            abort(422, message=str(exc), errors={"form": {"file": [str(exc)]}})


def _import(import_id: int) -> VoterImport:
    return VoterImport.get_in_campaign(import_id, current_campaign())


@blp.route("/voter-files/<int:import_id>")
class VoterFileById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, VoterImportDetailSchema)
    def get(self, import_id):
        """An import's progress, counts and first problems."""
        job = _import(import_id)
        job.problems = db.session.execute(select(VoterImportProblem).where(VoterImportProblem.import_id == job.id)
                                          .order_by(VoterImportProblem.line).limit(100)).scalars().all()
        job.matching_ready = tags_ready_percent(job.campaign_id)
        return job

    @requires_role(Role.ORGANIZER)
    @blp.response(202, VoterImportSchema)
    @blp.errors(409)
    def delete(self, import_id):
        """Cancel an import that has not finished; the previous voter file stays as it was.

        :raise 409: when the import has already finished.
        """
        job = _import(import_id)
        if job.status.finished:
            abort(409, message=f"This import has already {job.status.value}.")
        if job.status is ImportStatus.QUEUED:
            job.status, job.message, job.finished_at = ImportStatus.CANCELLED, "Cancelled before it started.", utcnow()
        job.cancel_requested = True
        db.session.commit()
        return job


@blp.route("/voter-files/<int:import_id>/problems.csv")
class VoterFileProblems(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, {"type": "string"}, content_type="text/csv")
    def get(self, import_id):
        """Every rejected row and dropped value of an import, as CSV (line, column, reason, rejected)."""
        job_id = _import(import_id).id

        @stream_with_context  # the query runs while the response streams, inside the request's context
        def rows():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(HEADER)
            for row in problem_rows(job_id):
                writer.writerow(row)
                yield buffer.getvalue()
                buffer.seek(0), buffer.truncate()
            yield buffer.getvalue()

        return Response(rows(), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="voter-import-{job_id}-problems.csv"'})


def _search_key() -> str:
    """Rate-limit key for name search: the volunteer, wherever they search from."""
    return f"voter-search:user:{current_user_id()}"


@blp.route("/voters/search")
class VoterSearch(MethodView):
    @requires_role(Role.VOLUNTEER)
    @limiter.limit(lambda: current_app.config["VOTER_SEARCH_RATE_LIMIT"], key_func=_search_key)
    @blp.arguments(VoterSearchArgsSchema, location="query")
    @blp.response(200, VoterCardSchema(many=True))
    @blp.errors(429)
    def get(self, args):
        """Find a friend in the voter file by name (typo-tolerant), optionally narrowed by city, zip or age."""
        year = utcnow().year
        birth_years = (year - args["age"] - 1, year - args["age"]) if "age" in args else None
        voters = search_voters(current_campaign().id, args["name"], city=args.get("city"), zip_code=args.get("zip"),
                               birth_years=birth_years, limit=args["limit"])
        return [card(voter, year) for voter in voters]


@blp.route("/voters")
class Voters(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(VoterListArgsSchema, location="query")
    @blp.response(200, VoterSchema(many=True))
    @blp.paginate(QueryPage)
    @blp.links(200, ReadVoter=("get", "/voters/{voter_id}", {"voter_id": "$response.body#/0/id"}))
    def get(self, args):
        """The voter file, filtered and paged (``page``, ``page_size``; totals in ``X-Pagination``)."""
        stmt = select(Voter).where(Voter.campaign_id == current_campaign().id)
        if args.get("name"):
            key = search_key(args["name"])
            stmt = stmt.where(or_(Voter.search_name.startswith(key), Voter.search_name.contains(f" {key}")))
        if args.get("city"):
            stmt = stmt.where(func.lower(Voter.city) == args["city"].strip().lower())
        if args.get("zip"):
            stmt = stmt.where(Voter.zip.startswith(args["zip"].strip()))
        if args.get("precinct"):
            stmt = stmt.where(Voter.precinct == args["precinct"].strip())
        if "active" in args:
            stmt = stmt.where(Voter.active.is_(args["active"]))
        return stmt.order_by(Voter.last_name, Voter.first_name, Voter.id)


@blp.route("/voters/<uuid:voter_id>")
class VoterById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, VoterSchema)
    def get(self, voter_id):
        """One voter's full record, with phones and e-mails."""
        return Voter.get_in_campaign(voter_id, current_campaign(), by="public_id")
