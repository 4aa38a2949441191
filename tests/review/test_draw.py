"""The expert draw: random, reproducible from its record, never a candidate's colleague; replacements need a reason."""

import pytest
from django.db import transaction

from review import services as review
from review.models import Expert, ExpertDraw, ExpertPool
from tests.factories import level, series
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict

from .helpers import awaiting_meeting, meeting, other_unit, pool, travel

pytestmark = pytest.mark.django_db


def _eligible_from_record(draw: ExpertDraw) -> list[int]:
    out = {x["id"] for x in draw.excluded}
    return [x["id"] for x in draw.pool_snapshot if x["id"] not in out]


def test_draw_records_seed_pool_and_result_and_replays(world):
    apps = awaiting_meeting(world, [world.unit])
    pool(world, colleagues=2, others=8)
    m = meeting(world, apps, seed="2024-建设工程-中级")
    draw = m.draw
    assert draw.seed == "2024-建设工程-中级" and draw.size == 5 and len(draw.result) == 5
    assert [x["id"] for x in draw.pool_snapshot] == sorted(x["id"] for x in draw.pool_snapshot)
    assert len(draw.pool_snapshot) == 10 and len(draw.excluded) == 2
    assert all(x["reason"] == "与申报人同单位，回避" for x in draw.excluded)
    # anyone can replay the draw from the record alone
    assert review.draw_panel(draw.seed, _eligible_from_record(draw), draw.size) == draw.result
    assert set(m.experts.values_list("pk", flat=True)) == set(draw.result)


def test_same_seed_and_pool_draw_the_same_panel(world):
    apps = awaiting_meeting(world, [world.unit, world.unit])
    pool(world, colleagues=3, others=12)
    first = meeting(world, apps[:1], seed="same")
    second = meeting(world, apps[1:], seed="same")  # same unit, so the same eligible experts
    third = review.draw_panel("other", _eligible_from_record(first.draw), 5)
    assert first.draw.result == second.draw.result
    assert third != first.draw.result  # a different seed draws differently (fixed seeds: not flaky)


def test_panel_never_holds_a_colleague_whatever_the_seed(world):
    second = other_unit(world)
    apps = awaiting_meeting(world, [world.unit, second])
    p = pool(world, colleagues=6, others=6)
    pool(world, colleagues=4, others=0, colleague_unit=second)
    colleagues = set(Expert.objects.filter(pool=p, unit__in=[world.unit, second]).values_list("pk", flat=True))
    m = meeting(world, apps, draw=False)
    seen = set()
    with travel(2024, 5, 11, 9):
        for i in range(25):
            sid = transaction.savepoint()
            draw = review.experts_draw(meeting=m, actor=world.clerk, seed=f"seed-{i}")
            assert not colleagues & set(draw.result)
            assert {x["id"] for x in draw.excluded} == colleagues
            seen.add(tuple(draw.result))
            transaction.savepoint_rollback(sid)
    assert len(seen) > 1  # the draw is random across seeds


def test_draw_without_seed_generates_and_records_one(world):
    apps = awaiting_meeting(world, [world.unit])
    m = meeting(world, apps, draw=False)
    with travel(2024, 5, 11, 9):
        draw = review.experts_draw(meeting=m, actor=world.clerk)
    assert len(draw.seed) == 16 and int(draw.seed, 16) >= 0
    assert review.draw_panel(draw.seed, _eligible_from_record(draw), draw.size) == draw.result


def test_draw_refusals_change_nothing(world):
    apps = awaiting_meeting(world, [world.unit])
    pool(world, colleagues=5, others=4)  # 4 eligible < panel of 5
    m = meeting(world, apps, draw=False)
    with travel(2024, 5, 11, 9):
        with pytest.raises(PermissionDenied):
            review.experts_draw(meeting=m, actor=world.supervisor, seed="x")
        with pytest.raises(DomainError) as exc:
            review.experts_draw(meeting=m, actor=world.clerk, seed="x")
        assert exc.value.code == "pool_too_small"
        assert not ExpertDraw.objects.exists() and m.experts.count() == 0
        draw = review.experts_draw(meeting=m, actor=world.clerk, seed="x", size=3)
        with pytest.raises(TransitionConflict):
            review.experts_draw(meeting=m, actor=world.clerk, seed="y", size=3)
    assert ExpertDraw.objects.get().pk == draw.pk


def test_replacement_needs_a_reason_and_is_never_a_colleague(world):
    apps = awaiting_meeting(world, [world.unit])
    pool(world, colleagues=4, others=7)
    m = meeting(world, apps, seed="r")
    out = Expert.objects.get(pk=m.draw.result[0])
    with travel(2024, 5, 12, 9):
        for reason in ("", "  "):
            with pytest.raises(DomainError):
                review.expert_replace(meeting=m, actor=world.clerk, expert=out, reason=reason)
        with pytest.raises(PermissionDenied):
            review.expert_replace(meeting=m, actor=world.supervisor, expert=out, reason="出差")
        m.draw.refresh_from_db()
        assert m.draw.replacements == []
        new = review.expert_replace(meeting=m, actor=world.clerk, expert=out, reason="出差无法到会")
    m.draw.refresh_from_db()
    assert new.unit_id != world.unit.pk and new.pk not in {out.pk}
    assert m.draw.result[0] == new.pk and out.pk not in m.draw.result
    line = m.draw.replacements[0]
    assert line["out"] == out.pk and line["in"] == new.pk and line["reason"] == "出差无法到会"
    assert line["seed"] == "r/r1" and line["by"] == world.clerk.pk
    assert set(m.experts.values_list("pk", flat=True)) == set(m.draw.result)


def test_clerk_keeps_the_pool(world):
    with pytest.raises(PermissionDenied):
        review.expert_pool_create(
            actor=world.unit_reviewer, office=world.office, series=series("建设工程"), level=level("中级")
        )
    p = review.expert_pool_create(
        actor=world.clerk, office=world.office, series=series("建设工程"), level=level("中级")
    )
    e = review.expert_add(actor=world.clerk, pool=p, name="王工", unit=world.unit, title="正高级工程师")
    with pytest.raises(PermissionDenied):
        review.expert_add(actor=world.association_clerk, pool=p, name="李工")
    review.expert_set_active(actor=world.clerk, expert=e, active=False)
    assert list(ExpertPool.objects.get().experts.filter(active=True)) == []
