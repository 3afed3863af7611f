"""Authorizing callers with Huawei's official SDKs: an APP-authenticated API is created and
published, a credential gets an AppCode and is authorized for the API with huaweicloudsdkapig
(AppCodes and authorizations listed page by page and filtered, parsed into the SDK's models),
then the API is called through the gateway signed by the signer of the PyPI package
`apigateway-sdk-python`, exactly as its users call it; wrong ways of calling are refused with
APIG's codes. An IAM-authenticated API is called with the administrator's IAM access key,
signed by the same signer, and with an IAM token.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD, PORTICO_GATEWAY_URL.
"""
import json
import os
import time

import requests
from apigateway_sdk_python import signer
from huaweicloudsdkapig.v2 import model as m

from portico import admin, check_filter, check_model, check_models, check_paging, expect, refused, run, section

RELEASE = "DEFAULT_ENVIRONMENT_RELEASE_ID"
GATEWAY = os.environ["PORTICO_GATEWAY_URL"]


def api(name, group_id, auth="APP"):
    return m.ApiCreate(name=name, type=1, req_protocol="HTTP", req_method="POST", req_uri=f"/{name}",
                       auth_type=auth, auth_opt=m.AuthOpt(app_code_auth_type="HEADER") if auth == "APP" else None,
                       backend_type="MOCK", group_id=group_id,
                       mock_info=m.ApiMockCreate(result_content=f"{name} served"))


def signed_call(key, secret, host, path, body, query=""):
    """Calls the gateway as apigateway-sdk-python's README shows: sign, then send."""
    sig = signer.Signer()
    sig.Key, sig.Secret = key, secret
    url = f"{GATEWAY}{path}" + (f"?{query}" if query else "")
    request = signer.HttpRequest("POST", url, {"host": host, "content-type": "application/json"}, body)
    sig.Sign(request)
    return requests.post(url, headers=request.headers, data=request.body, timeout=10)


def main():
    adm = admin()
    client = adm.apig()

    with section("setup: a gateway, a group, APP-authenticated APIs published, a credential"):
        gw = client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="sdk-auths", spec_id="BASIC"))).instance_id
        group = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="shop"))).id
        ids = {}
        for name, auth in [("orders", "APP"), ("stock", "APP"), ("prices", "APP"), ("open", "NONE"), ("whoami", "IAM")]:
            created = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=api(name, group, auth)))
            ids[name] = created.id
            client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
                instance_id=gw, body=m.ApiActionInfo(action="online", env_id=RELEASE, api_id=created.id)))
        shown = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=ids["orders"]))
        expect(shown.auth_type == "APP" and shown.auth_opt.app_code_auth_type == "HEADER", f"{shown.auth_opt}")
        mobile = client.create_an_app_v2(m.CreateAnAppV2Request(instance_id=gw, body=m.AppCreate(name="mobile")))
        other = client.create_an_app_v2(m.CreateAnAppV2Request(instance_id=gw, body=m.AppCreate(name="other")))

    with section("AppCodes"):
        generated = client.create_app_code_auto_v2(m.CreateAppCodeAutoV2Request(instance_id=gw, app_id=mobile.id))
        check_model(generated, label="CreateAppCodeAutoV2Response")
        chosen = "Portico" + "x" * 60
        mine = client.create_app_code_v2(m.CreateAppCodeV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppCodeCreate(app_code=chosen)))
        expect(mine.app_code == chosen and mine.app_id == mobile.id, f"{mine}")
        client.create_app_code_auto_v2(m.CreateAppCodeAutoV2Request(instance_id=gw, app_id=mobile.id))
        refused(lambda: client.create_app_code_v2(m.CreateAppCodeV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppCodeCreate(app_code="short"))), 400, "APIG.2012", "app_code",
            label="a short AppCode")

        def codes(**query):
            return client.list_app_codes_v2(m.ListAppCodesV2Request(instance_id=gw, app_id=mobile.id, **query))
        listed = check_paging(codes, lambda r: r.app_codes, lambda c: c.id, "list_app_codes_v2")
        check_models(listed, label="AppCodeBaseInfo")
        one = client.show_details_of_app_code_v2(m.ShowDetailsOfAppCodeV2Request(
            instance_id=gw, app_id=mobile.id, app_code_id=mine.id))
        expect(one.app_code == chosen, f"{one}")

    with section("authorize, and list both ways"):
        refused(lambda: client.create_authorizing_apps_v2(m.CreateAuthorizingAppsV2Request(
            instance_id=gw, body=m.ApiAuthCreate(env_id=RELEASE, app_ids=[mobile.id],
                                                 api_ids=[ids["orders"], ids["open"]]))),
                400, "APIG.2012", "APP authentication", label="authorizing an API without APP authentication")
        made = client.create_authorizing_apps_v2(m.CreateAuthorizingAppsV2Request(
            instance_id=gw, body=m.ApiAuthCreate(env_id=RELEASE, app_ids=[mobile.id],
                                                 api_ids=[ids["orders"], ids["stock"], ids["prices"]])))
        check_models(made.auths, optional=["visit_params"], label="ApiAuthRelations")
        expect([a.auth_result.status for a in made.auths] == ["SUCCESS"] * 3, f"{made}")
        client.create_authorizing_apps_v2(m.CreateAuthorizingAppsV2Request(
            instance_id=gw, body=m.ApiAuthCreate(env_id=RELEASE, app_ids=[other.id], api_ids=[ids["stock"]])))

        def bound_apis(**query):
            return client.list_apis_binded_to_app_v2(m.ListApisBindedToAppV2Request(
                instance_id=gw, app_id=mobile.id, **query))
        everything = check_paging(bound_apis, lambda r: r.auths, lambda a: a.id, "list_apis_binded_to_app_v2")
        check_models(everything, optional=["publish_id", "roma_app_type", "visit_param"], label="ApiAuthInfo")
        check_filter(bound_apis, lambda r: r.auths, lambda a: a.id, "list_apis_binded_to_app_v2", "api_name", "or",
                     everything, lambda a: "or" in a.api_name)
        check_filter(bound_apis, lambda r: r.auths, lambda a: a.id, "list_apis_binded_to_app_v2", "api_id",
                     ids["stock"], everything, lambda a: a.api_id == ids["stock"])

        apps = client.list_apps_binded_to_api_v2(m.ListAppsBindedToApiV2Request(instance_id=gw, api_id=ids["stock"]))
        expect(sorted(a.app_name for a in apps.auths) == ["mobile", "other"] and apps.total == 2, f"{apps}")
        narrowed = client.list_apps_binded_to_api_v2(m.ListAppsBindedToApiV2Request(
            instance_id=gw, api_id=ids["stock"], app_name="oth", limit=1))
        expect([a.app_id for a in narrowed.auths] == [other.id] and narrowed.total == 1, f"{narrowed}")
        unbound = client.list_apis_unbinded_to_app_v2(m.ListApisUnbindedToAppV2Request(
            instance_id=gw, app_id=other.id, env_id=RELEASE))
        check_models(unbound.apis, optional=["tags", "remark"], label="ApiOutline")
        expect(sorted(a.name for a in unbound.apis) == ["orders", "prices"] and unbound.total == 2, f"{unbound}")
        one = client.list_apis_unbinded_to_app_v2(m.ListApisUnbindedToAppV2Request(
            instance_id=gw, app_id=other.id, env_id=RELEASE, api_id=ids["prices"]))
        expect([a.id for a in one.apis] == [ids["prices"]] and one.total == 1, f"api_id narrows: {one}")

    host = f"{group}.apig.localhost"
    with section("call with apigateway-sdk-python's signer"):
        deadline = time.time() + 20
        while True:
            response = signed_call(mobile.app_key, mobile.app_secret, host, "/orders", json.dumps({"n": 1}),
                                   query="b=2&a=1&b=1")
            if response.status_code == 200 or time.time() > deadline:
                break
            time.sleep(0.05)
        expect(response.status_code == 200 and response.text == "orders served",
               f"a signed call: {response.status_code} {response.text}")
        wrong = signed_call(mobile.app_key, "not-the-secret", host, "/orders", "{}")
        body = wrong.json()
        expect(wrong.status_code == 401 and body["error_code"] == "APIG.0303"
               and body["error_msg"].startswith("Incorrect app authentication information: verify signature fail"),
               f"a wrong secret: {wrong.status_code} {body}")
        stranger = signed_call(other.app_key, other.app_secret, host, "/orders", "{}")
        expect(stranger.status_code == 401 and stranger.json()["error_code"] == "APIG.0304",
               f"a credential not authorized for the API: {stranger.status_code} {stranger.text}")
        bare = requests.post(f"{GATEWAY}/orders", headers={"host": host}, data="{}", timeout=10)
        expect(bare.status_code == 401 and bare.json()["error_code"] == "APIG.0303",
               f"no credentials: {bare.status_code} {bare.text}")
        code_over_http = requests.post(f"{GATEWAY}/orders", headers={"host": host, "x-apig-appcode": chosen},
                                       data="{}", timeout=10)
        expect(code_over_http.status_code == 401 and "HTTPS" in code_over_http.json()["error_msg"],
               f"an AppCode over plain HTTP: {code_over_http.status_code} {code_over_http.text}")

    with section("IAM authentication: an IAM access key signed with apigateway-sdk-python, a token"):
        shown = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=ids["whoami"]))
        expect(shown.auth_type == "IAM", f"{shown.auth_type}")
        by_key = signed_call(adm.ak, adm.sk, host, "/whoami", "{}")
        expect(by_key.status_code == 200 and by_key.text == "whoami served",
               f"signed with an IAM access key: {by_key.status_code} {by_key.text}")
        by_token = requests.post(f"{GATEWAY}/whoami", headers={"host": host, "x-auth-token": adm.token},
                                 data="{}", timeout=10)
        expect(by_token.status_code == 200, f"with an IAM token: {by_token.status_code} {by_token.text}")
        credential = signed_call(mobile.app_key, mobile.app_secret, host, "/whoami", "{}")
        expect(credential.status_code == 401 and credential.json()["error_code"] == "APIG.0301",
               f"a credential's signature on an IAM API: {credential.status_code} {credential.text}")
        wrong = signed_call(adm.ak, "not-the-secret", host, "/whoami", "{}")
        expect(wrong.status_code == 401 and wrong.json()["error_msg"].startswith(
            "Incorrect IAM authentication information: verify signature fail"),
            f"a wrong IAM secret: {wrong.status_code} {wrong.text}")

    with section("a credential's access control"):
        set_acl = client.update_app_acl(m.UpdateAppAclRequest(instance_id=gw, app_id=mobile.id, body=m.AppAclCreate(
            app_acl_type="DENY", app_acl_values=["127.0.0.1", "::1"])))
        check_model(set_acl, label="UpdateAppAclResponse")
        shown = client.show_details_of_app_acl(m.ShowDetailsOfAppAclRequest(instance_id=gw, app_id=mobile.id))
        expect((shown.app_acl_type, shown.app_acl_values) == ("DENY", ["127.0.0.1", "::1"]), f"{shown}")
        refused(lambda: client.update_app_acl(m.UpdateAppAclRequest(instance_id=gw, app_id=mobile.id, body=m.AppAclCreate(
            app_acl_type="PERMIT", app_acl_values=["10.0.0.0/40"]))), 400, "APIG.2012", "prefix length",
            label="a CIDR block with a bad prefix")
        deadline = time.time() + 20
        while True:
            denied = signed_call(mobile.app_key, mobile.app_secret, host, "/orders", "{}")
            if denied.status_code == 403 or time.time() > deadline:
                break
            time.sleep(0.05)
        expect(denied.status_code == 403 and denied.json()["error_code"] == "APIG.0405",
               f"a call from a denied address: {denied.status_code} {denied.text}")
        client.delete_app_acl(m.DeleteAppAclRequest(instance_id=gw, app_id=mobile.id))

    with section("revoke"):
        first = everything[0]
        client.canceling_authorization_v2(m.CancelingAuthorizationV2Request(instance_id=gw, app_auth_id=first.id))
        refused(lambda: client.canceling_authorization_v2(m.CancelingAuthorizationV2Request(
            instance_id=gw, app_auth_id=first.id)), 404, "APIG.3010", label="revoking twice")
        left = bound_apis()
        expect(left.total == 2 and first.id not in [a.id for a in left.auths], f"{left}")
        outline = client.list_app_quantities_v2(m.ListAppQuantitiesV2Request(instance_id=gw))
        expect((outline.authed_nums, outline.unauthed_nums) == (2, 0), f"{outline}")


if __name__ == "__main__":
    run("apig_app_auth_sdk.py", main)
