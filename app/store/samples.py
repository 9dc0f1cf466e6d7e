"""The sample repository: store, find, count, delete and export labelled drawings.

:func:`open_store` turns a database URL into a :class:`SampleStore`. Each method is one
session (one transaction for writes) and returns plain dataclasses, never ORM objects, so
callers need not know SQLAlchemy. Values are checked here too (``ValueError`` with the
reason, see fields.py), even though the web layer validates first.
"""

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from typing import TypeVar

from sqlalchemy import Engine, bindparam, case, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ColumnElement

from app.store.db import check_connection, create_store_engine, migrate
from app.store.fields import DIGITS, digit, new_values, to_sample
from app.store.records import NewNumber, NewSample, Page, Sample, Stats, StoredNumber
from app.store.revisions import bump, current
from app.store.tables import NUMBER_LENGTH, SAMPLE_STATUSES, NumberRow, SampleRow, as_utc

T = TypeVar("T")


def not_rejected() -> ColumnElement[bool]:
    """Samples not rejected (a NULL status: not scored yet)."""
    return or_(SampleRow.status.is_(None), SampleRow.status != "rejected")


# Built once: composing a statement costs more than running this one (~0.1 ms).
_LABELS = select(SampleRow.id, SampleRow.label).where(
    SampleRow.contributor == bindparam("contributor"), not_rejected()
)


class SampleStore:
    """The labelled drawings in one database. Safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine`` as it is (:func:`open_store` also creates the schema).

        ``engine`` stays public for tests and maintenance scripts; callers use the methods.
        """
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite lets one connection write at a time and makes the others poll with
        # growing sleeps (up to 100 ms each), which gave contributions a p99 near a second
        # under 16 concurrent clients. A lock makes this process's writers queue instead.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    def _writing(self) -> AbstractContextManager[Session]:
        """A write transaction in a session, one at a time on SQLite."""
        return self._one_writer(self._sessions.begin())

    def _one_writer(self, transaction: AbstractContextManager[T]) -> AbstractContextManager[T]:
        """``transaction``, entered by one thread at a time on SQLite."""
        if self._write_lock is None:
            return transaction
        return _locked(self._write_lock, transaction)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def ping(self) -> None:
        """Return if the database answers; raise ``StoreUnavailableError`` otherwise."""
        check_connection(self.engine)

    def add(self, sample: NewSample, *, idempotency_key: str | None = None) -> Sample:
        """Store ``sample`` and return it as stored, after the transaction has committed.

        A second add with the same ``idempotency_key`` (at most 128 characters) stores
        nothing and returns the sample stored first, also when both adds race.
        """
        values = new_values(sample, idempotency_key)
        try:
            # A Core insert on a connection: a third of the time of an ORM session's flush.
            with self._one_writer(self.engine.begin()) as connection:
                insert_row = insert(SampleRow).returning(SampleRow.id)
                sample_id = connection.execute(insert_row, values).scalar_one()
                bump(connection, [sample.contributor])
        except IntegrityError:
            # The only constraint the checks above cannot rule out is the unique key.
            existing = self._find_by_key(idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing
        return to_sample(SampleRow(id=sample_id, **values))

    def add_number(
        self, number: NewNumber, digits: Sequence[NewSample], *, idempotency_key: str | None = None
    ) -> StoredNumber:
        """Store a contributed number and its digits (one sample each, left to right) in one
        transaction. A second add with the same ``idempotency_key`` stores nothing and
        returns the number stored first. ``ValueError`` for fields that do not fit."""
        if not number.label.isdigit() or not 0 < len(number.label) <= NUMBER_LENGTH:
            raise ValueError(f"label must be 1 to {NUMBER_LENGTH} digits, got {number.label!r}")
        if len(digits) != len(number.label) or len(number.split) != len(digits):
            raise ValueError("expected one sample and one group of strokes per digit")
        rows = [new_values(sample, None) for sample in digits]
        values = {**asdict(number), "created_at": rows[0]["created_at"]}
        try:
            with self._one_writer(self.engine.begin()) as connection:
                number_id = connection.execute(
                    insert(NumberRow).returning(NumberRow.id),
                    {**values, "idempotency_key": idempotency_key},
                ).scalar_one()
                for position, row in enumerate(rows):
                    row.update(number_id=number_id, number_position=position)
                ids = connection.execute(
                    insert(SampleRow).returning(SampleRow.id, sort_by_parameter_order=True), rows
                ).scalars()
                stored = tuple(ids)
                bump(connection, [number.contributor, *(d.contributor for d in digits)])
        except IntegrityError:
            existing = self._number_by_key(idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing
        return StoredNumber(number_id, number.label, rows[0]["created_at"], stored)

    def _number_by_key(self, idempotency_key: str) -> StoredNumber | None:
        with self._sessions() as session:
            row = session.scalar(
                select(NumberRow).where(NumberRow.idempotency_key == idempotency_key)
            )
            if row is None:
                return None
            ids = session.scalars(
                select(SampleRow.id)
                .where(SampleRow.number_id == row.id)
                .order_by(SampleRow.number_position)
            )
            return StoredNumber(row.id, row.label, as_utc(row.created_at), tuple(ids))

    def get(self, sample_id: int) -> Sample | None:
        """The sample with this id, or None."""
        with self._sessions() as session:
            row = session.get(SampleRow, sample_id)
            return None if row is None else to_sample(row)

    def list(
        self,
        *,
        label: int | None = None,
        wrong_only: bool = False,
        limit: int = 50,
        before_id: int | None = None,
        contributor: str | None = None,
        status: str | None = None,
    ) -> Page:
        """Up to ``limit`` samples, newest first, with ids below ``before_id`` if given.

        ``label`` keeps one digit; ``wrong_only`` keeps samples whose stored prediction
        differs from their label; ``contributor``, one contributor's samples; ``status``,
        the samples of that moderation status.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = select(SampleRow).order_by(SampleRow.id.desc()).limit(limit + 1)
        if label is not None:
            query = query.where(SampleRow.label == digit(label, "label"))
        if wrong_only:
            query = query.where(
                SampleRow.predicted.is_not(None), SampleRow.predicted != SampleRow.label
            )
        if before_id is not None:
            query = query.where(SampleRow.id < before_id)
        if contributor is not None:
            query = query.where(SampleRow.contributor == contributor)
        if status is not None:
            query = query.where(SampleRow.status == status)
        with self._sessions() as session:
            items = [to_sample(row) for row in session.scalars(query)]
        if len(items) <= limit:
            return Page(items=items, next_before_id=None)
        return Page(items=items[:limit], next_before_id=items[limit - 1].id)

    def stats(self) -> Stats:
        """Totals, samples per label and per status, and how often the stored prediction
        was right."""
        statuses = select(SampleRow.status, func.count()).group_by(SampleRow.status)
        query = select(
            SampleRow.label,
            func.count(),
            func.count(SampleRow.predicted),
            func.count(case((SampleRow.predicted == SampleRow.label, 1))),
        ).group_by(SampleRow.label)
        per_label = dict.fromkeys(DIGITS, 0)
        with_prediction = prediction_matched = 0
        with self._sessions() as session:
            for label, count, predicted, matched in session.execute(query):
                per_label[label] = count
                with_prediction += predicted
                prediction_matched += matched
            per_status = {status or "unscored": n for status, n in session.execute(statuses)}
        return Stats(
            total=sum(per_label.values()),
            per_label=per_label,
            with_prediction=with_prediction,
            prediction_matched=prediction_matched,
            per_status={s: per_status.get(s, 0) for s in (*SAMPLE_STATUSES, "unscored")},
        )

    def contributor_revision(self, contributor: str) -> int:
        """The revision of one contributor's drawings (revisions.py), 0 if they never
        saved one: it changes whenever one of theirs is added, deleted, relabelled,
        rejected or accepted again. One lookup by primary key."""
        return current(self.engine, contributor)

    def contributor_labels(self, contributor: str) -> dict[int, int]:
        """``{sample id: label}`` of one contributor's samples not rejected: one small
        query over an index, cheap enough to run when their revision changed."""
        with self.engine.connect() as connection:
            rows = connection.execute(_LABELS, {"contributor": contributor})
            return {int(i): int(label) for i, label in rows}

    def samples_of(self, sample_ids: Sequence[int]) -> dict[int, Sample]:
        """``{sample id: sample}`` of the given samples that exist."""
        if not sample_ids:
            return {}
        query = select(SampleRow).where(SampleRow.id.in_(sample_ids))
        with self._sessions() as session:
            return {row.id: to_sample(row) for row in session.scalars(query)}

    def count_of(self, contributor: str) -> int:
        """How many samples ``contributor`` saved, whatever their status."""
        query = select(func.count()).where(SampleRow.contributor == contributor)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def delete(self, sample_id: int) -> bool:
        """Delete one sample; False if there was no such id."""
        query = delete(SampleRow).where(SampleRow.id == sample_id)
        with self._writing() as session:
            deleted = session.execute(query.returning(SampleRow.contributor)).one_or_none()
            if deleted is not None:
                bump(session.connection(), [deleted.contributor])
            return deleted is not None

    def delete_contributed(self, contributor: str, sample_id: int | None = None) -> int:
        """Delete one contributor's sample ``sample_id``, or all their samples when it is
        None; how many were deleted (0: none of theirs has that id, or they have none)."""
        query = delete(SampleRow).where(SampleRow.contributor == contributor)
        if sample_id is not None:
            query = query.where(SampleRow.id == sample_id)
        with self._writing() as session:
            deleted = len(session.scalars(query.returning(SampleRow.id)).all())
            if deleted:
                bump(session.connection(), [contributor])
            if sample_id is None:  # their numbers too (their digits are gone already)
                session.execute(delete(NumberRow).where(NumberRow.contributor == contributor))
            return deleted

    def iter_all(self, batch_size: int = 1000) -> Iterator[Sample]:
        """Every sample by ascending id, read ``batch_size`` at a time (one session each)."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        return self._iter_batches(batch_size)

    def _iter_batches(self, batch_size: int, *where: ColumnElement[bool]) -> Iterator[Sample]:
        after_id = 0
        while True:
            query = (
                select(SampleRow)
                .where(SampleRow.id > after_id, *where)
                .order_by(SampleRow.id)
                .limit(batch_size)
            )
            with self._sessions() as session:
                batch = [to_sample(row) for row in session.scalars(query)]
            yield from batch
            if len(batch) < batch_size:
                return
            after_id = batch[-1].id

    def _find_by_key(self, idempotency_key: str) -> Sample | None:
        with self._sessions() as session:
            row = session.scalars(
                select(SampleRow).where(SampleRow.idempotency_key == idempotency_key)
            ).one_or_none()
            return None if row is None else to_sample(row)

    def iter_matching(
        self,
        *,
        label: int | None = None,
        after_id: int = 0,
        contributor: str | None = None,
        status: str | None = None,
        batch_size: int = 1000,
    ) -> Iterator[Sample]:
        """Like `iter_all`, keeping the samples of one ``label``, one ``contributor`` and
        one moderation ``status`` (each if given) whose ids are above ``after_id``: an
        export can go on from the last sample it had."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        where = [SampleRow.id > after_id]
        if label is not None:
            where.append(SampleRow.label == digit(label, "label"))
        if contributor is not None:
            where.append(SampleRow.contributor == contributor)
        if status is not None:
            where.append(SampleRow.status == status)
        return self._iter_batches(batch_size, *where)

    def add_many(self, samples: Sequence[NewSample]) -> tuple[int, ...]:
        """Store ``samples`` in one transaction, all or none; return their ids in order.

        Every sample is checked before anything is written (``ValueError`` naming the
        first bad one's index)."""
        rows = []
        for index, sample in enumerate(samples):
            try:
                rows.append(new_values(sample, None))
            except ValueError as error:
                raise ValueError(f"sample {index}: {error}") from None
        if not rows:
            return ()
        insert_rows = insert(SampleRow).returning(SampleRow.id, sort_by_parameter_order=True)
        with self._one_writer(self.engine.begin()) as connection:
            ids = tuple(connection.execute(insert_rows, rows).scalars())
            bump(connection, [sample.contributor for sample in samples])
            return ids


def open_store(url: str) -> SampleStore:
    """Connect to ``url``, upgrade its schema to the newest migration, and return the store.

    Raises ``ValueError`` for a bad URL and ``StoreUnavailableError`` when the database
    cannot be reached.
    """
    engine = create_store_engine(url)
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return SampleStore(engine)


@contextmanager
def _locked(lock: threading.Lock, transaction: AbstractContextManager[T]) -> Iterator[T]:
    with lock, transaction as entered:
        yield entered
