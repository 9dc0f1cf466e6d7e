"""The moderation repository: samples' statuses, contributors' records, blocked ids.

Shares the sample store's engine (``ModerationStore(store.engine)``). A sample's status
is set by "moderation" (the scores, which may change it again as evidence comes in) or
by an "admin" (final: moderation never overrides it). Blocking a contributor records the
id in ``contributors`` and rejects all their samples, as an admin, in one transaction;
unblocking gives the samples the block rejected back to moderation.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.store.fields import digit, to_sample, verdict_values
from app.store.records import Sample, Verdict
from app.store.revisions import bump
from app.store.tables import ContributorRow, SampleRow

_BY_ID = (
    update(SampleRow)
    .where(SampleRow.id == bindparam("sample_id"), or_(SampleRow.status_by.is_(None),
                                                      SampleRow.status_by != "admin"))
    .execution_options(synchronize_session=False)
)  # fmt: skip


_RESTORED = (  # the samples a block rejected, its decision undone
    update(SampleRow)
    .where(SampleRow.id == bindparam("sample_id"))
    .execution_options(synchronize_session=False)
)


@dataclass(frozen=True)
class Scored:
    """One of a contributor's samples as moderation last scored it."""

    id: int
    support: float
    trust: float | None
    status: str | None
    decided_by: str | None


@dataclass(frozen=True)
class Stored:
    """What moderation's index keeps of a stored sample."""

    id: int
    label: int
    contributor: str | None
    pixels: bytes  # 28x28 uint8, row-major
    support: float | None
    status: str | None


_AFTER = (
    select(SampleRow.id, SampleRow.label, SampleRow.contributor, SampleRow.pixels,
           SampleRow.support, SampleRow.status)
    .where(SampleRow.id > bindparam("after"))
    .order_by(SampleRow.id)
)  # fmt: skip


class ModerationStore:
    """Statuses and blocked contributors in one database. Safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def record(self, contributor: str) -> tuple[int, float]:
        """(scored samples, their summed support) of one contributor: their record's data."""
        query = select(func.count(SampleRow.support), func.coalesce(func.sum(SampleRow.support), 0))
        query = query.where(SampleRow.contributor == contributor)
        with self.engine.connect() as connection:
            count, summed = connection.execute(query).one()
        return int(count), float(summed or 0)

    def stored_after(self, after_id: int) -> list[Stored]:
        """Every sample with an id above ``after_id``, by id: only the few columns
        moderation's index needs, not the strokes."""
        with self.engine.connect() as connection:
            return [Stored(*row) for row in connection.execute(_AFTER, {"after": after_id})]

    def scored_of(
        self, contributor: str, *, support_between: tuple[float, float] | None = None
    ) -> list[Scored]:
        """Every scored sample of one contributor, by id; with ``support_between``, those
        whose support lies in that closed range."""
        query = (
            select(
                SampleRow.id,
                SampleRow.support,
                SampleRow.trust,
                SampleRow.status,
                SampleRow.status_by,
            )
            .where(SampleRow.contributor == contributor, SampleRow.support.is_not(None))
            .order_by(SampleRow.id)
        )
        if support_between is not None:
            query = query.where(SampleRow.support.between(*support_between))
        with self.engine.connect() as connection:
            return [
                Scored(i, float(support or 0), trust, status, by)
                for i, support, trust, status, by in connection.execute(query)
            ]

    def set_verdicts(self, verdicts: Iterable[tuple[int, Verdict]]) -> None:
        """Store moderation's verdicts by sample id, in one transaction; samples an admin
        decided keep their status."""
        now = datetime.now(UTC)
        rows = [
            {"sample_id": sample_id, **verdict_values(verdict, now)}
            for sample_id, verdict in verdicts
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(_BY_ID, rows)

    def restate(self, changes: Iterable[tuple[int, str, float]]) -> None:
        """New (status, trust) for samples by id, their evidence kept, in one transaction;
        samples an admin decided keep their status."""
        now = datetime.now(UTC)
        rows = [
            {"sample_id": i, "status": status, "trust": trust, "status_at": now}
            for i, status, trust in changes
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(_BY_ID, rows)

    def unscored(self) -> int:
        """How many samples have no status yet."""
        query = select(func.count()).where(SampleRow.status.is_(None))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def decide(
        self, sample_id: int, *, status: str | None = None, label: int | None = None
    ) -> Sample | None:
        """An admin's decision on one sample: a status, a new label (which accepts it
        unless ``status`` says otherwise), or both. None if there is no such id."""
        if label is not None:
            label = digit(label, "label")
            status = status or "accepted"
        if status is None:
            raise ValueError("expected a status or a label, got neither")
        with self._sessions.begin() as session:
            row = session.get(SampleRow, sample_id)
            if row is None:
                return None
            values = verdict_values(
                Verdict(status=status, decided_by="admin", support=row.support,
                        trust=row.trust, evidence=row.evidence),
                datetime.now(UTC),
            )  # fmt: skip
            for name, value in values.items():
                setattr(row, name, value)
            if label is not None:
                row.label = label
            session.flush()
            bump(session.connection(), [row.contributor])
            return to_sample(row)

    def block(self, contributor: str) -> int:
        """Block ``contributor``: their samples rejected (by an admin) and their id kept,
        so that their further contributions are refused. How many samples the block
        rejected (those an admin rejected before are not counted)."""
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            _set_blocked(session, contributor, now)
            return _reject_all(session, contributor, now)

    def unblock(self, contributor: str, status_of: Callable[[float], str]) -> int | None:
        """Lift ``contributor``'s block: their contributions are taken again, and the
        samples the block rejected go back to moderation, each with the status
        ``status_of`` its trust (or unscored, without one), in one transaction; those an
        admin had rejected before the block stay rejected. How many samples went back;
        None if the id is not blocked."""
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            blocked_at = session.scalar(
                select(ContributorRow.blocked_at).where(ContributorRow.id == contributor)
            )
            if blocked_at is None:
                return None
            _set_blocked(session, contributor, None)
            rejected = session.execute(
                select(SampleRow.id, SampleRow.trust).where(
                    SampleRow.contributor == contributor,
                    SampleRow.status_by == "admin",
                    SampleRow.status_at == blocked_at,
                )
            ).all()
            rows = [
                {
                    "sample_id": i,
                    "status": None if trust is None else status_of(trust),
                    "status_by": None if trust is None else "moderation",
                    "status_at": now,
                }
                for i, trust in rejected
            ]
            if rows:
                session.connection().execute(_RESTORED, rows)
            return len(rows)

    def is_blocked(self, contributor: str) -> bool:
        """Whether an admin blocked ``contributor``."""
        query = select(ContributorRow.blocked_at).where(ContributorRow.id == contributor)
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one_or_none() is not None

    def blocked(self) -> set[str]:
        """Every blocked contributor id."""
        query = select(ContributorRow.id).where(ContributorRow.blocked_at.is_not(None))
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())


def _set_blocked(session: Session, contributor: str, at: datetime | None) -> None:
    """Mark ``contributor`` blocked since ``at`` (None: not blocked), their revision
    bumped (which also gives a new id its row), in ``session``'s transaction."""
    bump(session.connection(), [contributor])
    session.execute(
        update(ContributorRow)
        .where(ContributorRow.id == contributor)
        .values(blocked_at=at)
        .execution_options(synchronize_session=False)
    )


def _reject_all(session: Session, contributor: str, now: datetime) -> int:
    """Reject, as an admin, each of the contributor's samples an admin has not rejected
    already (those keep the time of that decision, so that an unblock leaves them)."""
    not_yet = or_(
        SampleRow.status.is_distinct_from("rejected"), SampleRow.status_by.is_distinct_from("admin")
    )  # NULLs included: an unscored sample is rejected too
    query = (
        update(SampleRow)
        .where(SampleRow.contributor == contributor, not_yet)
        .values(status="rejected", status_by="admin", status_at=now)
        .execution_options(synchronize_session=False)
    )
    return session.execute(query).rowcount  # type: ignore[attr-defined, no-any-return]
