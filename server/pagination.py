"""Paging over SQLAlchemy selects for flask-smorest's ``@blp.paginate``."""

from flask_smorest import Page
from sqlalchemy import func, select

from server.extensions import db
from server.request_input import MAX_ID as MAX_ROWS


class QueryPage(Page):
    """One page of a select, with the total counted by the database."""

    @property
    def item_count(self):
        return db.session.execute(select(func.count()).select_from(self.collection.subquery())).scalar_one()

    @property
    def items(self):
        if self.page_params.first_item > MAX_ROWS:  # past any table's end, and past what a BIGINT offset holds
            return []
        stmt = self.collection.offset(self.page_params.first_item).limit(self.page_params.page_size)
        return db.session.execute(stmt).scalars().all()
