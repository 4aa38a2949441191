"""Windows of "依据文件时间申报" lines, published by the committee office (镇职称办〔2024〕11号 附件)."""

import datetime as dt

import pytest

from applications.models import ApplicationWindow, Committee
from applications.windows import committee_windows, open_window, window_publish
from organisations.models import CommitteeOffice
from tests.factories import UserFactory, grant
from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db
APRIL, JUNE = dt.date(2024, 4, 1), dt.date(2024, 6, 30)


def line(row, entry=1) -> Committee:
    return Committee.objects.select_related("cycle", "office").get(cycle__year=2024, row=row, entry=entry)


def clerk_of(office_name):
    return grant(UserFactory(), Role.COMMITTEE_CLERK, office=CommitteeOffice.objects.get(name=office_name))


def windows_snapshot():
    return list(ApplicationWindow.objects.order_by("pk").values_list("pk", "committee_id", "start", "end"))


def assert_refused(call, error, code):
    before = windows_snapshot()
    with pytest.raises(error) as exc:
        call()
    assert exc.value.code == code
    assert windows_snapshot() == before
    return exc.value


def test_publish_allowed_for_the_lines_own_office(world):
    committee = line(2, 1)  # 机械工程 镇江市区 — 镇江市职工技术协会, 依据文件时间申报
    clerk = clerk_of("镇江市职工技术协会")
    window = window_publish(committee=committee, actor=clerk, start=APRIL, end=JUNE)
    assert (window.source, window.published_by, window.committee) == ("办事机构发布", clerk, committee)
    assert open_window(committee_windows(committee), dt.date(2024, 6, 30)) == window
    assert open_window(committee_windows(committee), dt.date(2024, 7, 1)) is None
    # a second, separate window is allowed
    window_publish(committee=committee, actor=clerk, start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 30))
    assert len(committee_windows(committee)) == 2


def test_publish_wrong_role_changes_nothing(world):
    committee = line(2, 1)
    other_office_clerk = world.clerk  # 镇江市职称与执业资格评价服务中心
    association_clerk = world.association_clerk  # same office, but the 初定 role
    for user in (other_office_clerk, association_clerk, world.supervisor, world.unit_reviewer, world.outsider):
        err = assert_refused(
            lambda u=user: window_publish(committee=committee, actor=u, start=APRIL, end=JUNE),
            PermissionDenied,
            "forbidden",
        )
        assert "镇江市职工技术协会" in err.message


def test_publish_refused_for_a_line_with_a_fixed_window(world):
    committee = line(1, 1)  # 建设工程 镇江市区: 3月15日-5月30日；7月1日-9月15日
    err = assert_refused(
        lambda: window_publish(committee=committee, actor=world.clerk, start=APRIL, end=JUNE),
        DomainError,
        "window_fixed",
    )
    assert err.source == "镇职称办〔2024〕11号 附件"


def test_merged_rows_take_the_window_of_the_row_above(world):
    row23, row24, row25 = line(23), line(24), line(25)
    assert_refused(
        lambda: window_publish(committee=row24, actor=world.clerk, start=APRIL, end=JUNE),
        DomainError,
        "window_inherited",
    )
    assert committee_windows(row24) == []
    window = window_publish(committee=row23, actor=world.clerk, start=APRIL, end=JUNE)
    assert committee_windows(row24) == [window] == committee_windows(row25)


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (JUNE, APRIL, "window_order"),
        (dt.date(2023, 12, 1), dt.date(2024, 1, 31), "window_year"),
        (dt.date(2024, 12, 1), dt.date(2025, 1, 31), "window_year"),
        (dt.date(2025, 3, 1), dt.date(2025, 4, 1), "window_year"),
    ],
)
def test_publish_refused_for_bad_dates(world, start, end, code):
    committee = line(23)
    assert_refused(
        lambda: window_publish(committee=committee, actor=world.clerk, start=start, end=end), DomainError, code
    )


@pytest.mark.parametrize(
    ("start", "end"), [(APRIL, JUNE), (dt.date(2024, 6, 30), dt.date(2024, 7, 31)), (dt.date(2024, 3, 1), APRIL)]
)
def test_publish_refused_when_overlapping(world, start, end):
    committee = line(23)
    window_publish(committee=committee, actor=world.clerk, start=APRIL, end=JUNE)
    err = assert_refused(
        lambda: window_publish(committee=committee, actor=world.clerk, start=start, end=end),
        DomainError,
        "window_overlap",
    )
    assert "2024年04月01日至2024年06月30日" in err.message


def test_start_equal_end_is_a_one_day_window(world):
    committee = line(28)
    clerk = clerk_of("镇江市卫健委")
    window = window_publish(committee=committee, actor=clerk, start=JUNE, end=JUNE)
    assert open_window(committee_windows(committee), JUNE) == window


def test_row1_has_its_two_annex_windows(reference):
    windows = committee_windows(line(1, 1))
    assert [(w.start, w.end) for w in windows] == [
        (dt.date(2024, 3, 15), dt.date(2024, 5, 30)),
        (dt.date(2024, 7, 1), dt.date(2024, 9, 15)),
    ]
    assert all(w.published_by is None and w.source == "镇职称办〔2024〕11号 附件" for w in windows)
