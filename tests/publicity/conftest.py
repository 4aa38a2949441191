import pytest


@pytest.fixture(autouse=True)
def outbound(monkeypatch):
    """Email/SMS of a set-based close are queued on commit: record the queued batches instead of a broker."""
    queued: list[list[int]] = []
    monkeypatch.setattr("publicity.tasks.send_notifications_task.delay", lambda ids, *a, **k: queued.append(ids))
    return queued
