"""What every management call shares, checked through Huawei's official SDKs and raw HTTP:
errors in APIG's shape under /v2/ and in IAM's under /v3/ (unknown paths, missing or bad
authentication, bodies that are not JSON), an X-Request-Id on every response, the
not-applicable operations answering 501, and APIG's list limits (limit ≤ 0 → 20, > 500 → 500;
bad values refused naming the parameter).

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import concurrent.futures
import uuid

from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkiam.v3 import model as im

from portico import (admin, check_model, expect, iam_refused, raw_refused, refused, run, section)

MISSING = uuid.uuid4().hex
GROUPS = 501  # with DEFAULT, 502 groups: more than the largest page


def main():
    adm = admin()
    client = adm.apig()
    iam = adm.iam()
    s = {}

    with section("setup: a gateway"):
        s["gw"] = client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="sdk-protocol", spec_id="BASIC"))).instance_id
    gw = s["gw"]
    base = adm.apig_path("")

    with section("APIG errors: unknown paths, authentication, bodies"):
        for path in (f"{base}/no-such-thing", f"{base}/instances/{gw}/no-such-thing", f"/v2/{adm.project_id}/nothing"):
            body = raw_refused(adm.raw("GET", path), 404, None, label=f"GET {path} (unknown path)")
            expect(body is None or str(body.get("error_code", "")).startswith("APIG."), f"{path}: {body}")
        for path in (f"{base}/instances", f"{base}/no-such-thing"):
            body = raw_refused(adm.raw("GET", path, token=""), 401, None, label=f"GET {path} without credentials")
            expect(body is None or str(body.get("error_code", "")).startswith("APIG.10"),
                   f"{path} without credentials: error_code {body and body.get('error_code')!r} is not APIG.10xx")
        body = raw_refused(adm.raw("GET", f"{base}/instances", token="not-a-token"), 401, None,
                           label="GET /instances with a bogus X-Auth-Token")
        for method, path in [("POST", f"{base}/instances/{gw}/api-groups"), ("PUT", f"{base}/instances/{gw}"),
                             ("POST", f"{base}/instances/{gw}/apis"), ("POST", f"{base}/certificates")]:
            response = adm.raw(method, path, data='{"name": ', headers={"Content-Type": "application/json"})
            raw_refused(response, 400, "APIG.2011", label=f"{method} {path} with a body that is not JSON")
        response = adm.raw("POST", f"{base}/instances/{gw}/api-groups", json=["not", "an", "object"])
        raw_refused(response, 400, "APIG.2011", label="POST api-groups with a JSON array for a body")
        response = adm.raw("POST", f"{base}/instances/{gw}/api-groups", json={"name": 12345})
        raw_refused(response, 400, "APIG.2011", "name", label="POST api-groups with name a number")
        other = adm.apig(project_id=MISSING)
        refused(lambda: other.list_instances_v2(m.ListInstancesV2Request()), (403, 404), None,
                label="list_instances_v2 in a project that does not exist")

    with section("IAM errors: unknown paths, authentication, bodies"):
        for path in ("/v3/no-such-thing", "/v3/users/x/nothing", "/v3.0/OS-NOTHING/things"):
            iam_refused(adm.raw("GET", path), 404, label=f"GET {path} (unknown path)")
        iam_refused(adm.raw("GET", "/v3/users", token=""), 401, label="GET /v3/users without credentials")
        iam_refused(adm.raw("GET", "/v3/users", token="not-a-token"), 401, label="GET /v3/users with a bogus token")
        response = adm.raw("POST", "/v3/groups", data='{"group": ', headers={"Content-Type": "application/json"})
        iam_refused(response, 400, label="POST /v3/groups with a body that is not JSON")
        response = adm.raw("POST", "/v3/users", json={"user": {"name": 7}})
        iam_refused(response, 400, label="POST /v3/users with name a number")
        for path, query, mention in [("/v3/projects", {"page": "abc", "per_page": "2"}, "page"),
                                     ("/v3/projects", {"page": "1", "per_page": "abc"}, "per_page"),
                                     ("/v3/roles", {"page": "0", "per_page": "2"}, "page"),
                                     ("/v3/users", {"enabled": "maybe"}, "enabled")]:
            iam_refused(adm.raw("GET", path, params=query), 400, f"GET {path}?{query}", mention)
        error = refused(lambda: iam.keystone_show_user(im.KeystoneShowUserRequest(user_id=MISSING)), 404,
                        label="keystone_show_user of a missing user (SDK)")
        expect(error is None or error.error_msg, "the IAM SDK read no error_msg from the refusal")

    with section("X-Request-Id on every response"):
        ids = []
        for method, path in [("GET", f"{base}/instances"), ("GET", f"{base}/instances/{MISSING}"),
                             ("GET", "/v3/users"), ("GET", f"/v3/users/{MISSING}"), ("GET", "/v3/auth/tokens")]:
            response = adm.raw(method, path, headers={"X-Subject-Token": adm.token})
            ids.append(response.headers.get("X-Request-Id"))
        expect(all(ids) and len(set(ids)) == len(ids), f"request ids are not distinct: {ids}")
        response = adm.raw("POST", "/v3/auth/tokens", token="", json={"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": "admin", "password": "wrong", "domain": {"name": "portico"}}}}}})
        expect(response.status_code == 401, f"a wrong password: {response.status_code}")

    with section("operations that do not apply answer 501"):
        for call, name in [
            (lambda: client.list_available_zones_v2(m.ListAvailableZonesV2Request()), "list_available_zones_v2"),
            (lambda: client.add_eip_v2(m.AddEipV2Request(instance_id=gw, body=m.EipBindReq(eip_id=MISSING))), "add_eip_v2"),
        ]:
            error = refused(call, 501, None, name, label=f"{name} (not applicable)")
            expect(error is None or str(error.error_code).startswith("APIG."), f"{name}: error_code {error and error.error_code}")

    with section(f"list limits: {GROUPS + 1} groups"):
        def make(i):
            return client.create_api_group_v2(m.CreateApiGroupV2Request(
                instance_id=gw, body=m.ApiGroupCreate(name=f"group-{i:04d}"))).id
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            made = list(pool.map(make, range(GROUPS)))
        expect(len(made) == GROUPS, f"made {len(made)} groups")
        fetch = lambda **q: client.list_api_groups_v2(m.ListApiGroupsV2Request(instance_id=gw, **q))
        total = GROUPS + 1
        for limit, size in [(None, 20), (0, 20), (-5, 20), (1, 1), (500, 500), (501, 500), (100000, 500)]:
            page = fetch(limit=limit) if limit is not None else fetch()
            check_model(page, ["size", "total", "groups"], label=f"limit={limit}")
            expect((page.size, len(page.groups or []), page.total) == (size, size, total),
                   f"limit={limit}: size {page.size}, {len(page.groups or [])} groups, total {page.total}; "
                   f"expected {size}, {size}, {total}")
        tail = fetch(limit=500, offset=500)
        expect((tail.size, len(tail.groups), tail.total) == (2, 2, total), f"offset=500: {tail.size} {tail.total}")
        everything = fetch(limit=500).groups + tail.groups
        expect(len({g.id for g in everything}) == total, "pages overlap or skip groups")
        path = f"{base}/instances/{gw}/api-groups"
        for query, mention in [({"limit": "abc"}, "limit"), ({"limit": "1.5"}, "limit"), ({"offset": "abc"}, "offset"),
                               ({"offset": "-1"}, "offset"), ({"limit": "99999999999999999999"}, "limit")]:
            raw_refused(adm.raw("GET", path, params=query), 400, "APIG.2012", mention, label=f"GET api-groups?{query}")


if __name__ == "__main__":
    run("mgmt_protocol_sdk", main)
