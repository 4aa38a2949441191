"""Register a new applicant and carry their 职称评审 case to its e-certificate through the REST API alone (docs/api.md).

It starts from nothing the demo made for the applicant: POST /api/v1/auth/register/ (the ID number checked by
GB 11643), the record (个人信息) through /api/v1/me/profile/…, then the case. The reviewers are the demo accounts.
Every role signs in with its own token; every act is a POST named after it; the publicity periods and the timers
are real, so the clock has to move: against a server started with the test settings this script moves it with the
test clock (POST /__test__/clock/) and waits for the timer sweep (celery beat) to move the case on.

    python examples/api_client.py --base-url http://127.0.0.1:8000 \\
        --unit danwei --dept zhuguan --clerk pingwei --supervisor zhichengban --password Zhicheng@2024 \\
        --unit-name 镇江示范建设工程有限公司

tests/api/test_example_client.py runs the same `carry_case` against a live test server.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import requests

ROLES = ("unit", "dept", "clerk", "supervisor")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class ApiError(RuntimeError):
    pass


class Api:
    """A thin client: one token per role, JSON in and out, errors raised with the server's Chinese message."""

    def __init__(self, base_url: str, session: requests.Session | None = None):
        self.base = base_url.rstrip("/")
        self.http = session or requests.Session()
        self.tokens: dict[str, str] = {}

    def login(self, role: str, username: str, password: str) -> None:
        r = self.http.post(f"{self.base}/api/v1/auth/token/", json={"username": username, "password": password})
        self.tokens[role] = self._json(r)["token"]

    def call(self, role: str | None, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Token {self.tokens[role]}"} if role else {}
        r = self.http.request(method, f"{self.base}/api/v1/{path.lstrip('/')}", headers=headers, **kwargs)
        return self._json(r) if "json" in r.headers.get("Content-Type", "") else r

    def get(self, role, path, **params):
        return self.call(role, "GET", path, params=params)

    def post(self, role, path, body: dict | None = None):
        return self.call(role, "POST", path, json=body or {})

    @staticmethod
    def _json(r: requests.Response):
        body = r.json()
        if r.status_code >= 400:
            where = f"（{body.get('source')}）" if body.get("source") else ""
            raise ApiError(f"{r.status_code} {body.get('code')}: {body.get('message')}{where}")
        return body


def id_number(seq: int) -> str:
    """A valid 居民身份证号 (GB 11643-1999 check character) for a made-up person born 1990-05-17."""
    body = f"321102199005170{seq % 100:02d}"[:17]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def register_applicant(api: Api, *, unit_name: str, seq: int, log: Callable[[str], None] = print) -> dict:
    """A new person registers, signs in with the ID number, and fills 个人信息: unit, dates, 本科 education,
    the 助理级 title held, 2023 continuing education split into 公需科目 and 专业科目."""
    number, password = id_number(seq), "Example-2026!"
    body = {"name": "示例申报人", "id_kind": "resident", "id_number": number, "phone": f"1390511{seq % 10000:04d}",
            "email": f"example{seq}@example.cn", "password": password}  # fmt: skip
    api.call(None, "POST", "auth/register/", json=body)
    api.login("applicant", number, password)  # sign in with the ID number
    unit = _one(api, "applicant", "reference/units/", name=unit_name)
    api.call("applicant", "PATCH", "me/profile/", json={"unit": unit["id"], "employed_since": "2015-07-01",
                                                        "work_started_on": "2015-07-01"})  # fmt: skip
    series = _one(api, "applicant", "reference/series/", name="建设工程")
    junior = _one(api, "applicant", "reference/levels/", name="助理级")
    api.post("applicant", "me/profile/educations/", {"degree": "bachelor", "graduated_on": "2015-06-30",
             "school": "江苏大学", "major": "土木工程", "chsi_code": f"EX{seq:06d}"})  # fmt: skip
    api.post("applicant", "me/profile/titles/", {"series": series["id"], "level": junior["id"],
             "obtained_on": "2016-12-01", "issuer": "镇江市人力资源和社会保障局"})  # fmt: skip
    api.post("applicant", "me/profile/ce_hours/", {"year": 2023, "public_hours": 30, "professional_hours": 66})
    profile = api.get("applicant", "me/profile/")
    log(f"新申报人注册并填写个人信息：{profile['name']}（{profile['id_number']}），单位 {profile['unit_name']}")
    return profile


def _one(api: Api, role: str, path: str, **params) -> dict:
    rows = api.get(role, path, **params)["results"]
    if not rows:
        raise ApiError(f"{path} {params}：没有结果")
    return rows[0]


def carry_case(api: Api, advance: Callable[[str], None], log: Callable[[str], None] = print) -> dict:
    """Submission → unit 公示 → recheck → committee 公示 and paper → meeting (报备 15 days ahead) → result 公示 →
    发文 → e-certificate. `advance(iso_moment)` moves the server's clock there and lets the timers run."""
    advance("2024-04-10T09:00:00+08:00")
    series = _one(api, "applicant", "reference/series/", name="建设工程")
    level = _one(api, "applicant", "reference/levels/", name="中级")
    check = api.post("applicant", "precheck/", {"series": series["id"], "level": level["id"], "cycle": 2024})
    used = "；".join(p["detail"] for p in check["passed"] if p["detail"])
    log(f"申报预检：{'符合' if check['eligible'] else '不符合'}申报条件（{used}）")
    app = api.post("applicant", "applications/", {"series": series["id"], "level": level["id"], "cycle": 2024})
    case = f"applications/{app['id']}/"
    log(f"申报人新建草稿 {app['number']}")
    app = api.post("applicant", case + "submit/", {"pledge_accepted": True})
    log(f"提交：{app['status_display']}，受理评委会：{app['committee']['name']}")
    app = api.post("unit", case + "unit-approve/")
    log(f"单位审核通过：{app['status_display']}，期满 {app['held_until']}")

    advance("2024-04-18T09:00:00+08:00")
    app = wait_for(api, case, "dept_recheck", log)
    app = api.post("dept", case + "dept-approve/")
    log(f"主管部门复核通过：{app['status_display']}")
    app = api.post("clerk", case + "committee-approve/")
    api.post("clerk", case + "paper-received/")
    log(f"评委会办事机构审核通过并公示，纸质材料已登记：{app['status_display']}")

    advance("2024-04-26T09:00:00+08:00")
    app = wait_for(api, case, "awaiting_meeting", log)
    office, committee = app["office"]["id"], app["committee"]["id"]
    pools = api.get("clerk", "expert-pools/", office=office, series=series["id"], level=level["id"])["results"]
    pool = (
        pools[0]
        if pools
        else api.post("clerk", "expert-pools/", {"office": office, "series": series["id"], "level": level["id"]})
    )
    for i in range(3):
        api.post("clerk", "experts/", {"pool": pool["id"], "name": f"示例专家{i + 1}", "unit_name": "江苏大学"})
    meeting = api.post(
        "clerk",
        "meetings/",
        {
            "committee": committee,
            "series": series["id"],
            "level": level["id"],
            "date": "2024-05-20",
            "place": "镇江市人社局会议室",
            "pass_rate": "1.000",
            "panel_size": 3,
        },
    )
    m = f"meetings/{meeting['id']}/"
    api.post("clerk", m + "add-cases/", {"applications": [app["id"]]})
    meeting = api.post("clerk", m + "draw-experts/")
    filing = api.post("clerk", m + "file/", {"note": "资格审查、评前公示、专家抽取均已完成"})
    api.post("supervisor", f"filings/{filing['id']}/accept/")
    log(f"评审会议 {meeting['date']} 已报备并经市职称办同意（提前 15 天）")

    advance("2024-05-20T09:00:00+08:00")
    meeting = api.post("clerk", m + "open/")
    votes = [{"expert": e, "approve": True} for e in meeting["experts"]]
    tally = api.post("clerk", m + "record-votes/", {"application": app["id"], "votes": votes})
    api.post("clerk", m + "record-results/")
    api.post("clerk", m + "result-publicity/")
    log(f"评审通过（{tally['approvals']}/{tally['present']} 票），评审结果公示")

    advance("2024-06-05T09:00:00+08:00")
    wait_for(api, case, "awaiting_publication", log)
    api.post(
        "supervisor",
        "publications/",
        {"document_number": "镇职称〔2024〕示例1号", "date": "2024-06-05", "applications": [app["id"]]},
    )
    app = api.get("applicant", case)
    cert = _one(api, "applicant", "certificates/", application=app["id"])
    pdf = api.get("applicant", case + "certificate-pdf/")
    check = api.get(None, "public/certificates/verify/", number=cert["number"], name=cert["holder_name"])
    log(f"已发文并核发电子证书 {cert['number']}（PDF {len(pdf.content)} 字节），公众核验：{check['status']}")
    return {"application": app, "certificate": cert, "verification": check}


def wait_for(api: Api, case: str, status: str, log, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        app = api.get("applicant", case)
        if app["status"] == status:
            log(f"定时任务已推进：{app['status_display']}")
            return app
        if time.monotonic() > deadline:
            raise ApiError(f"等待「{status}」超时（当前 {app['status']}）：定时任务（celery beat）是否在运行？")
        time.sleep(1)


def test_clock(api: Api) -> Callable[[str], None]:
    def advance(moment: str) -> None:
        r = api.http.post(f"{api.base}/__test__/clock/", data={"to": moment})
        if r.status_code != 200:
            raise ApiError("服务器未启用测试时钟：请用测试设置启动（docs/api.md「示例」）")

    return advance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--unit-name", default="镇江示范建设工程有限公司", help="新申报人的工作单位（已确认）")
    defaults = {
        "unit": "danwei",
        "dept": "zhuguan",
        "clerk": "pingwei",
        "supervisor": "zhichengban",
    }
    for role in ROLES:
        parser.add_argument(f"--{role}", default=defaults[role], help=f"{role} 的用户名")
    parser.add_argument("--password", default="Zhicheng@2024")
    args = parser.parse_args(argv)
    api = Api(args.base_url)
    for role in ROLES:
        api.login(role, getattr(args, role), args.password)
    try:
        register_applicant(api, unit_name=args.unit_name, seq=int(time.time()) % 100)
        carry_case(api, test_clock(api))
    except ApiError as exc:
        print(f"失败：{exc}", file=sys.stderr)
        return 1
    finally:
        api.http.post(f"{api.base}/__test__/clock/", data={"to": "reset"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
