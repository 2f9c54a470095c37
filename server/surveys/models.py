"""Survey questions, and the answers door visits gave them (a read model of the synced visits)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.campaigns.models import CampaignScoped
from server.columns import UTCDateTime, utcnow
from server.extensions import db

YES_NO = ("yes", "no")  # a yes/no question's answers, as visits carry them


class SurveyQuestion(CampaignScoped, db.Model):
    """A question a volunteer may ask at the door. Retired: no longer on new walk lists, kept for its answers;
    one with answers is never deleted."""

    __table_args__ = (Index("ix_survey_question_campaign", "campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120))  # the words a volunteer reads at the door
    kind: Mapped[str] = mapped_column(String(8))  # "yes_no" or "choice"
    options: Mapped[list] = mapped_column(JSON, default=list)  # a choice's 2-8 answers; [] for yes/no
    position: Mapped[int] = mapped_column(default=0)  # the order volunteers see them in
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def answers(self) -> tuple[str, ...]:
        """What a visit may answer."""
        return YES_NO if self.kind == "yes_no" else tuple(self.options)


class DoorAnswer(db.Model):
    """One answer of a live door visit, written with the visit's read-model row (``server/canvass/visits.py``):
    what the console counts, and what keeps an answered question from being deleted (the foreign key)."""

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the door visit's entity id
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"), primary_key=True,
                                             index=True)
    answer: Mapped[str] = mapped_column(String(100))
