"""Opens APIs with Huawei's official SDK (huaweicloudsdkapig), as issue 4's walk does, and
drives every operation on groups, environments, variables, APIs, publications and versions:
a gateway with groups, environments and variables; APIs with path and query parameters, HTTP
and mock backends, tags; published to RELEASE and TEST, listed and filtered, versions listed,
switched and deleted; debugged as drafts and as published; exported and imported again; and
called through the gateway. Each list is paged and filtered with every filter its SDK request
has; each refusal is an APIG error with its code.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD, PORTICO_GATEWAY_URL.
"""
import json
import os
import tempfile
import time
import uuid

import requests
from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.http.formdata import FormFile

from portico import (GATEWAY_URL, admin, check_bad_queries, check_filter, check_refusal, check_model, check_models,
                     check_paging, expect, loads, refused, run, section, short)

RELEASE = "DEFAULT_ENVIRONMENT_RELEASE_ID"
MISSING = uuid.uuid4().hex

GROUP_FIELDS = ["id", "name", "status", "sl_domain", "register_time", "update_time", "on_sell_status",
                "url_domains", "sl_domain_access_enabled", "sl_domains", "remark", "is_default", "version"]
API_FIELDS = ["name", "type", "version", "req_protocol", "req_method", "req_uri", "auth_type", "cors",
              "match_mode", "backend_type", "remark", "group_id", "tags", "id", "status", "arrange_necessary",
              "register_time", "update_time", "group_name", "group_version", "run_env_name"]
PUBLISH_FIELDS = ["publish_id", "api_id", "api_name", "env_id", "remark", "publish_time", "version_id"]


def get_order(group_id, timeout):
    return m.ApiCreate(
        name="get-order", type=1, req_protocol="HTTP", req_method="GET", req_uri="/orders/{id}",
        auth_type="NONE", backend_type="HTTP", group_id=group_id, tags=["orders", "v1"],
        req_params=[
            m.ReqParamBase(name="id", type="NUMBER", location="PATH", required=1, min_num=1, max_num=99999),
            m.ReqParamBase(name="fields", type="STRING", location="QUERY", required=2, enumerations="all,summary"),
        ],
        backend_params=[m.BackendParamBase(origin="REQUEST", name="orderId", location="PATH", value="id")],
        backend_api=m.BackendApiCreate(url_domain="#host#", req_protocol="HTTP", req_method="GET",
                                       req_uri="/v1/orders/{orderId}", timeout=timeout))


def mock(name, method, uri, group_id, content, protocol="HTTP", visibility=1, tags=None):
    return m.ApiCreate(name=name, type=visibility, req_protocol=protocol, req_method=method, req_uri=uri,
                       auth_type="NONE", backend_type="MOCK", group_id=group_id, tags=tags or [],
                       mock_info=m.ApiMockCreate(result_content=content))


def check_api_detail(api, label):
    check_model(api, API_FIELDS + ["req_params", "backend_params"], label=label)
    check_models(api.req_params, ["name", "type", "location", "required", "id"], label=f"{label}.req_params")
    check_models(api.backend_params, ["origin", "name", "location", "value", "id"], label=f"{label}.backend_params")
    if api.backend_type == "HTTP":
        check_model(api.backend_api, ["url_domain", "req_protocol", "req_method", "req_uri", "timeout"],
                    label=f"{label}.backend_api")
    if api.backend_type == "MOCK":
        check_model(api.mock_info, ["result_content"], label=f"{label}.mock_info")


def debug(client, gateway_id, api_id, mode, path, stage=None):
    return client.debug_api_v2(m.DebugApiV2Request(instance_id=gateway_id, api_id=api_id, body=m.ApiDebugInfo(
        mode=mode, scheme="HTTP", method="GET", path=path, stage=stage)))


def main():
    adm = admin()
    client = adm.apig()
    s = {}

    with section("setup: a gateway"):
        s["gw"] = client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="sdk-apis", spec_id="BASIC"))).instance_id
    gw = s["gw"]

    with section("API groups"):
        group = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="orders", remark="order APIs")))
        check_model(group, GROUP_FIELDS, label="CreateApiGroupV2Response")
        s["group"] = group
        s["billing"] = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="billing"))).id
        s["archive"] = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="billing-archive"))).id
        fetch = lambda **q: client.list_api_groups_v2(m.ListApiGroupsV2Request(instance_id=gw, **q))
        of = lambda r: r.groups
        key = lambda g: g.id
        groups = check_paging(fetch, of, key, "list_api_groups_v2")
        check_models(groups, GROUP_FIELDS, label="ApiGroupInfo")
        expect(sorted(g.name for g in groups) == ["DEFAULT", "billing", "billing-archive", "orders"],
               f"{[g.name for g in groups]}")
        expect([g.is_default for g in groups if g.name == "DEFAULT"] == [1], "DEFAULT is not is_default=1")
        check_filter(fetch, of, key, "list_api_groups_v2", "id", s["archive"], groups, lambda g: g.id == s["archive"])
        one = fetch(id=s["archive"], limit=1, offset=0)
        expect([g.id for g in one.groups] == [s["archive"]] and one.total == 1,
               f"id=<the last group>&limit=1 gave {[g.name for g in one.groups]}, total {one.total}")
        check_filter(fetch, of, key, "list_api_groups_v2", "name", "billing", groups, lambda g: "billing" in g.name)
        check_filter(lambda **q: fetch(precise_search="name", **q), of, key, "list_api_groups_v2 precise_search=name",
                     "name", "billing", groups, lambda g: g.name == "billing")
        shown = client.show_details_of_api_group_v2(m.ShowDetailsOfApiGroupV2Request(instance_id=gw, group_id=group.id))
        check_model(shown, GROUP_FIELDS, label="ShowDetailsOfApiGroupV2Response")
        expect(shown.remark == "order APIs" and shown.sl_domain == f"{group.id}.apig.localhost", f"{shown}")
        updated = client.update_api_group_v2(m.UpdateApiGroupV2Request(
            instance_id=gw, group_id=s["archive"], body=m.ApiGroupBase(name="billing-old", remark="kept for audits")))
        check_model(updated, GROUP_FIELDS, label="UpdateApiGroupV2Response")
        expect(updated.name == "billing-old" and updated.remark == "kept for audits", f"{updated}")
        client.check_api_groups_v2(m.CheckApiGroupsV2Request(instance_id=gw, body=m.ApiGroupCheck(group_name="free-name")))
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/api-groups"))

    with section("API group refusals"):
        refused(lambda: client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="orders"))), 400, "APIG.3201", "orders",
            label="create_api_group_v2 with a taken name")
        refused(lambda: client.update_api_group_v2(m.UpdateApiGroupV2Request(
            instance_id=gw, group_id=s["archive"], body=m.ApiGroupBase(name="orders"))), 400, "APIG.3201", "orders",
            label="update_api_group_v2 to a taken name")
        refused(lambda: client.check_api_groups_v2(m.CheckApiGroupsV2Request(
            instance_id=gw, body=m.ApiGroupCheck(group_name="billing"))), 400, "APIG.3201", "billing",
            label="check_api_groups_v2 of a taken name")
        refused(lambda: client.show_details_of_api_group_v2(m.ShowDetailsOfApiGroupV2Request(
            instance_id=gw, group_id=MISSING)), 404, "APIG.3001", label="show_details_of_api_group_v2 of a missing group")
        refused(lambda: client.update_api_group_v2(m.UpdateApiGroupV2Request(
            instance_id=gw, group_id=MISSING, body=m.ApiGroupBase(name="whatever"))), 404, "APIG.3001",
            label="update_api_group_v2 of a missing group")
        refused(lambda: client.delete_api_group_v2(m.DeleteApiGroupV2Request(instance_id=gw, group_id=MISSING)),
                404, "APIG.3001", label="delete_api_group_v2 of a missing group")
        refused(lambda: client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="x"))), 400, "APIG.2012", "name",
            label="create_api_group_v2 with a one-letter name")

    group = s["group"]
    with section("environments"):
        test = client.create_environment_v2(m.CreateEnvironmentV2Request(
            instance_id=gw, body=m.EnvCreate(name="TEST", remark="testing")))
        check_model(test, label="CreateEnvironmentV2Response")
        s["test"] = test.id
        s["stage"] = client.create_environment_v2(m.CreateEnvironmentV2Request(
            instance_id=gw, body=m.EnvCreate(name="STAGE"))).id
        s["dev"] = client.create_environment_v2(m.CreateEnvironmentV2Request(
            instance_id=gw, body=m.EnvCreate(name="DEV"))).id
        fetch = lambda **q: client.list_environments_v2(m.ListEnvironmentsV2Request(instance_id=gw, **q))
        of = lambda r: r.envs
        key = lambda e: e.id
        envs = check_paging(fetch, of, key, "list_environments_v2")
        check_models(envs, label="EnvInfo")
        expect(sorted(e.name for e in envs) == ["DEV", "RELEASE", "STAGE", "TEST"], f"{[e.name for e in envs]}")
        check_filter(fetch, of, key, "list_environments_v2", "name", "STAGE", envs, lambda e: e.name == "STAGE")
        renamed = client.update_environment_v2(m.UpdateEnvironmentV2Request(
            instance_id=gw, env_id=s["dev"], body=m.EnvCreate(name="DEVEL", remark="development")))
        check_model(renamed, label="UpdateEnvironmentV2Response")
        expect(renamed.name == "DEVEL" and renamed.remark == "development", f"{renamed}")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/envs"))

    with section("environment refusals"):
        refused(lambda: client.create_environment_v2(m.CreateEnvironmentV2Request(
            instance_id=gw, body=m.EnvCreate(name="STAGE"))), 400, "APIG.3205", "STAGE",
            label="create_environment_v2 with a taken name")
        refused(lambda: client.update_environment_v2(m.UpdateEnvironmentV2Request(
            instance_id=gw, env_id=s["dev"], body=m.EnvCreate(name="TEST"))), 400, "APIG.3205", "TEST",
            label="update_environment_v2 to a taken name")
        refused(lambda: client.update_environment_v2(m.UpdateEnvironmentV2Request(
            instance_id=gw, env_id=MISSING, body=m.EnvCreate(name="OTHER"))), 404, "APIG.3003",
            label="update_environment_v2 of a missing environment")
        refused(lambda: client.delete_environment_v2(m.DeleteEnvironmentV2Request(instance_id=gw, env_id=MISSING)),
                404, "APIG.3003", label="delete_environment_v2 of a missing environment")
        client.delete_environment_v2(m.DeleteEnvironmentV2Request(instance_id=gw, env_id=s["dev"]))
        left = client.list_environments_v2(m.ListEnvironmentsV2Request(instance_id=gw))
        expect(sorted(e.name for e in left.envs) == ["RELEASE", "STAGE", "TEST"] and left.total == 3, f"{left}")

    with section("environment variables"):
        made = []
        for group_id, env_id, name, value in [
            (group.id, RELEASE, "host", "orders.internal"), (group.id, s["test"], "host", "orders-test.internal"),
            (group.id, s["test"], "hostname", "orders-test"), (s["billing"], s["test"], "host", "billing.internal"),
            (group.id, s["stage"], "port", "8080"),
        ]:
            variable = client.create_environment_variable_v2(m.CreateEnvironmentVariableV2Request(
                instance_id=gw, body=m.EnvVariableCreate(group_id=group_id, env_id=env_id, variable_name=name,
                                                         variable_value=value)))
            check_model(variable, label="CreateEnvironmentVariableV2Response")
            made.append(variable.id)
        s["port_var"] = made[-1]
        fetch = lambda **q: client.list_environment_variables_v2(m.ListEnvironmentVariablesV2Request(instance_id=gw, **q))
        of = lambda r: r.variables
        key = lambda v: v.id
        variables = check_paging(fetch, of, key, "list_environment_variables_v2")
        check_models(variables, label="EnvVariableInfo")
        label = "list_environment_variables_v2"
        check_filter(fetch, of, key, label, "group_id", group.id, variables, lambda v: v.group_id == group.id)
        check_filter(fetch, of, key, label, "env_id", s["test"], variables, lambda v: v.env_id == s["test"])
        check_filter(fetch, of, key, label, "variable_name", "host", variables, lambda v: "host" in v.variable_name)
        check_filter(lambda **q: fetch(precise_search="variable_name", **q), of, key,
                     f"{label} precise_search=variable_name", "variable_name", "host", variables,
                     lambda v: v.variable_name == "host")
        shown = client.show_details_of_environment_variable_v2(m.ShowDetailsOfEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=made[0]))
        check_model(shown, label="ShowDetailsOfEnvironmentVariableV2Response")
        expect((shown.variable_name, shown.variable_value, shown.env_id) == ("host", "orders.internal", RELEASE),
               f"{shown}")
        changed = client.update_environment_variable_v2(m.UpdateEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=s["port_var"], body=m.EnvVariableBase(variable_value="9090")))
        check_model(changed, label="UpdateEnvironmentVariableV2Response")
        expect(changed.variable_value == "9090", f"{changed}")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/env-variables"))

    with section("variable refusals"):
        refused(lambda: client.create_environment_variable_v2(m.CreateEnvironmentVariableV2Request(
            instance_id=gw, body=m.EnvVariableCreate(group_id=group.id, env_id=s["test"], variable_name="host",
                                                     variable_value="again"))), 400, "APIG.3206", "host",
            label="create_environment_variable_v2 with a taken name")
        refused(lambda: client.show_details_of_environment_variable_v2(m.ShowDetailsOfEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=MISSING)), 404, "APIG.3011",
            label="show_details_of_environment_variable_v2 of a missing variable")
        refused(lambda: client.update_environment_variable_v2(m.UpdateEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=MISSING, body=m.EnvVariableBase(variable_value="x"))), 404, "APIG.3011",
            label="update_environment_variable_v2 of a missing variable")
        client.delete_environment_variable_v2(m.DeleteEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=s["port_var"]))
        refused(lambda: client.delete_environment_variable_v2(m.DeleteEnvironmentVariableV2Request(
            instance_id=gw, env_variable_id=s["port_var"])), 404, "APIG.3011",
            label="delete_environment_variable_v2 of a deleted variable")

    with section("APIs: create, check, show, update"):
        bad = get_order(group.id, 5000)
        bad.req_uri = "/orders/pre-{id}"
        refused(lambda: client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=bad)), 400, "APIG.2012",
                "req_uri", label="create_api_v2 with a partial-segment path parameter")
        expect(client.list_apis_v2(m.ListApisV2Request(instance_id=gw)).total == 0, "a refused API was stored")
        api = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=get_order(group.id, 5000)))
        check_api_detail(api, "CreateApiV2Response")
        expect(api.name == "get-order" and [p.name for p in api.req_params] == ["id", "fields"], f"{short(api)}")
        s["api"] = api.id
        s["create"] = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "create-order", "POST", "/orders", group.id, "created", protocol="HTTPS", tags=["orders"]))).id
        s["ping"] = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "ping", "GET", "/ping", group.id, "pong", protocol="BOTH"))).id
        s["report"] = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "billing-report", "GET", "/reports", s["billing"], "[]", visibility=2, tags=["billing"]))).id
        s["draft"] = client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "draft-ping", "GET", "/draft-ping", group.id, "draft-pong"))).id
        client.check_apis_v2(m.CheckApisV2Request(instance_id=gw, body=m.ApiCheckInfoV2(
            type="name", group_id=group.id, name="free-api-name")))
        refused(lambda: client.check_apis_v2(m.CheckApisV2Request(instance_id=gw, body=m.ApiCheckInfoV2(
            type="path", group_id=group.id, req_method="GET", req_uri="/orders/{id}"))), 400, None, "already answers",
            label="check_apis_v2 of a taken route")
        refused(lambda: client.check_apis_v2(m.CheckApisV2Request(instance_id=gw, body=m.ApiCheckInfoV2(
            type="name", group_id=group.id, name="get-order"))), 400, "APIG.3202", "get-order",
            label="check_apis_v2 of a taken name")
        shown = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=api.id))
        check_api_detail(shown, "ShowDetailsOfApiV2Response")
        expect(shown.tags and sorted(shown.tags) == ["orders", "v1"], f"tags {shown.tags}")
        mocked = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=s["ping"]))
        check_api_detail(mocked, "ShowDetailsOfApiV2Response(MOCK)")
        expect(mocked.mock_info and mocked.mock_info.result_content == "pong", f"{short(mocked.mock_info)}")

    with section("API refusals"):
        refused(lambda: client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "get-order", "GET", "/other", group.id, "x"))), 400, "APIG.3202", "get-order",
            label="create_api_v2 with a taken name")
        refused(lambda: client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=MISSING)),
                404, "APIG.3002", label="show_details_of_api_v2 of a missing API")
        refused(lambda: client.update_api_v2(m.UpdateApiV2Request(instance_id=gw, api_id=MISSING, body=mock(
            "nowhere", "GET", "/nowhere", group.id, "x"))), 404, "APIG.3002", label="update_api_v2 of a missing API")
        refused(lambda: client.delete_api_v2(m.DeleteApiV2Request(instance_id=gw, api_id=MISSING)), 404, "APIG.3002",
                label="delete_api_v2 of a missing API")
        refused(lambda: client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=mock(
            "lost-api", "GET", "/lost", MISSING, "x"))), 404, "APIG.3001",
            label="create_api_v2 in a missing group")
        refused(lambda: client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gw, body=m.ApiActionInfo(action="online", env_id=MISSING, api_id=s["api"]))), 404, "APIG.3003",
            label="publishing to a missing environment")

    api_id = s["api"]
    with section("publishing and versions"):
        for env_id in (RELEASE, s["test"]):
            published = client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
                instance_id=gw, body=m.ApiActionInfo(action="online", env_id=env_id, api_id=api_id, remark="first")))
            check_model(published, PUBLISH_FIELDS, label="CreateOrDeletePublishRecordForApiV2Response")
            expect(published.env_id == env_id and published.version_id, f"{published}")
        shown = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=api_id))
        expect(shown.run_env_name == "RELEASE|TEST", f"run_env_name {shown.run_env_name!r}")
        expect(shown.run_env_id == f"{RELEASE}|{s['test']}", f"run_env_id {shown.run_env_id!r}")
        expect(shown.publish_id and len(shown.publish_id.split("|")) == 2, f"publish_id {shown.publish_id!r}")
        check_model(shown, ["publish_time"], label="ShowDetailsOfApiV2Response of a published API")
        client.update_api_v2(m.UpdateApiV2Request(instance_id=gw, api_id=api_id, body=get_order(group.id, 9000)))
        client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gw, body=m.ApiActionInfo(action="online", env_id=RELEASE, api_id=api_id, remark="second")))
        fetch = lambda **q: client.list_api_versions_v2(m.ListApiVersionsV2Request(instance_id=gw, api_id=api_id, **q))
        of = lambda r: r.api_versions
        key = lambda v: v.version_id
        versions = check_paging(fetch, of, key, "list_api_versions_v2")
        check_models(versions, label="ApiVersionResp")
        expect(sorted(v.env_name for v in versions) == ["RELEASE", "RELEASE", "TEST"], f"{versions}")
        check_filter(fetch, of, key, "list_api_versions_v2", "env_id", s["test"], versions,
                     lambda v: v.env_id == s["test"])
        check_filter(fetch, of, key, "list_api_versions_v2", "env_name", "RELEASE", versions,
                     lambda v: v.env_name == "RELEASE")
        runtime = client.list_api_runtime_definition_v2(m.ListApiRuntimeDefinitionV2Request(
            instance_id=gw, api_id=api_id, env_id=RELEASE))
        check_model(runtime, ["name", "type", "req_protocol", "req_method", "req_uri", "auth_type", "match_mode",
                              "backend_type", "group_id", "id", "group_name", "run_env_name", "run_env_id",
                              "publish_id", "sl_domain", "sl_domains", "req_params"],
                    label="ListApiRuntimeDefinitionV2Response")
        expect(runtime.run_env_name == "RELEASE" and runtime.sl_domain.endswith(".apig.localhost"), f"{short(runtime)}")
        # Roll RELEASE back to its first version; then delete the second one, no longer live.
        first = [v for v in versions if v.env_name == "RELEASE" and v.status == 2][0]
        second = [v for v in versions if v.env_name == "RELEASE" and v.status == 1][0]
        switched = client.change_api_version_v2(m.ChangeApiVersionV2Request(
            instance_id=gw, api_id=api_id, body=m.ApiVersion(version_id=first.version_id)))
        check_model(switched, PUBLISH_FIELDS, label="ChangeApiVersionV2Response")
        expect(switched.version_id == first.version_id, f"{switched}")
        detail = client.list_api_version_detail_v2(m.ListApiVersionDetailV2Request(
            instance_id=gw, version_id=first.version_id))
        check_model(detail, ["name", "type", "req_method", "req_uri", "backend_type", "group_id", "id", "status",
                             "run_env_id", "run_env_name", "publish_time", "version_id", "req_params", "backend_api"],
                    label="ListApiVersionDetailV2Response")
        expect(detail.status == 1 and detail.backend_api and detail.backend_api.timeout == 5000, f"{short(detail)}")
        client.delete_api_by_version_id_v2(m.DeleteApiByVersionIdV2Request(instance_id=gw, version_id=second.version_id))
        left = client.list_api_versions_v2(m.ListApiVersionsV2Request(instance_id=gw, api_id=api_id))
        expect(sorted(v.version_id for v in left.api_versions) == sorted(v.version_id for v in versions
                                                                         if v.version_id != second.version_id)
               and left.total == 2, f"after deleting a version: {left}")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/apis/publish/{api_id}"))

    with section("publication refusals"):
        refused(lambda: client.list_api_version_detail_v2(m.ListApiVersionDetailV2Request(
            instance_id=gw, version_id=MISSING)), 404, "APIG.3015", label="list_api_version_detail_v2 of a missing version")
        refused(lambda: client.delete_api_by_version_id_v2(m.DeleteApiByVersionIdV2Request(
            instance_id=gw, version_id=MISSING)), 404, "APIG.3015", label="delete_api_by_version_id_v2 of a missing version")
        refused(lambda: client.change_api_version_v2(m.ChangeApiVersionV2Request(
            instance_id=gw, api_id=api_id, body=m.ApiVersion(version_id=MISSING))), 404, "APIG.3015",
            label="change_api_version_v2 to a missing version")
        refused(lambda: client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gw, body=m.ApiActionInfo(action="offline", env_id=s["stage"], api_id=api_id))), 404, "APIG.3015",
            label="taking an API offline where it is not published")
        refused(lambda: client.batch_publish_or_offline_api_v2(m.BatchPublishOrOfflineApiV2Request(
            instance_id=gw, action="sideways", body=m.ApiBatchPublish(apis=[api_id], env_id=RELEASE))), 400, "APIG.2012",
            "action", label="batch_publish_or_offline_api_v2 with action=sideways")

    with section("batch publishing"):
        result = client.batch_publish_or_offline_api_v2(m.BatchPublishOrOfflineApiV2Request(
            instance_id=gw, action="online", body=m.ApiBatchPublish(apis=[s["ping"], MISSING], env_id=RELEASE)))
        check_models(result.success, PUBLISH_FIELDS, label="PublishResp")
        check_models(result.failure, ["api_id", "error_code", "error_msg"], label="BatchFailure")
        expect([p.api_id for p in result.success] == [s["ping"]], f"{result}")
        expect([(f.api_id, f.error_code) for f in result.failure] == [(MISSING, "APIG.3002")], f"{result.failure}")
        client.create_or_delete_publish_record_for_api_v2(m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gw, body=m.ApiActionInfo(action="online", env_id=s["test"], api_id=s["report"])))
        offline = client.batch_publish_or_offline_api_v2(m.BatchPublishOrOfflineApiV2Request(
            instance_id=gw, action="offline", body=m.ApiBatchPublish(group_id=s["billing"], env_id=s["test"])))
        expect([p.api_id for p in offline.success] == [s["report"]] and not offline.failure,
               f"taking group billing offline in TEST: {offline}")

    with section("list_apis_v2: paging and every filter"):
        fetch = lambda **q: client.list_apis_v2(m.ListApisV2Request(instance_id=gw, **q))
        of = lambda r: r.apis
        key = lambda a: a.name
        apis = check_paging(fetch, of, key, "list_apis_v2", minimum=5)
        check_models(apis, API_FIELDS, label="ApiInfoPerPage")
        by_name = {a.name: a for a in apis}
        label = "list_apis_v2"
        check_filter(fetch, of, key, label, "id", s["report"], apis, lambda a: a.id == s["report"])
        check_filter(fetch, of, key, label, "name", "order", apis, lambda a: "order" in a.name)
        check_filter(fetch, of, key, label, "name", "ping", apis, lambda a: "ping" in a.name)
        check_filter(lambda **q: fetch(precise_search="name", **q), of, key, f"{label} precise_search=name",
                     "name", "ping", apis, lambda a: a.name == "ping")
        check_filter(fetch, of, key, label, "group_id", s["billing"], apis, lambda a: a.group_id == s["billing"])
        check_filter(fetch, of, key, label, "req_protocol", "HTTPS", apis, lambda a: a.req_protocol == "HTTPS")
        check_filter(fetch, of, key, label, "req_method", "POST", apis, lambda a: a.req_method == "POST")
        check_filter(fetch, of, key, label, "req_uri", "/orders", apis, lambda a: "/orders" in a.req_uri)
        check_filter(lambda **q: fetch(precise_search="req_uri", **q), of, key, f"{label} precise_search=req_uri",
                     "req_uri", "/orders", apis, lambda a: a.req_uri == "/orders")
        check_filter(fetch, of, key, label, "auth_type", "APP", apis, lambda a: a.auth_type == "APP", may_be_empty=True)
        check_filter(fetch, of, key, label, "env_id", s["test"], apis, lambda a: a.name == "get-order")
        check_filter(fetch, of, key, label, "env_id", RELEASE, apis, lambda a: a.name in ("get-order", "ping"))
        check_filter(fetch, of, key, label, "type", 2, apis, lambda a: a.type == 2)
        check_filter(fetch, of, key, label, "tags", "orders", apis, lambda a: "orders" in (a.tags or []))
        check_filter(fetch, of, key, label, "tags", "#no_tags#", apis, lambda a: not a.tags)
        check_filter(fetch, of, key, label, "vpc_channel_name", "no-such-channel", apis, lambda a: False,
                     strict=False, may_be_empty=True)
        expect(by_name["billing-report"].group_name == "billing", f"{by_name['billing-report']}")
        # return_data_mode adds the group (include_group) and the backend (include_group_backend).
        try:
            with_group = fetch(return_data_mode="include_group_backend", limit=500)
        except Exception as error:  # may refuse it, with a 400 naming it
            check_refusal(error, 400, "APIG.2012", "return_data_mode",
                          label="list_apis_v2 return_data_mode=include_group_backend")
        else:
            for api in with_group.apis:
                check_model(api.api_group_info, ["id", "name", "sl_domain"], label=f"{api.name}.api_group_info")
                expect(api.api_group_info is None or api.api_group_info.id == api.group_id, f"{api.name}: wrong group")
            get = [a for a in with_group.apis if a.name == "get-order"]
            expect(get and get[0].backend_api is not None and get[0].backend_api.timeout == 5000,
                   f"include_group_backend: get-order has no backend_api: {short(get)}")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/apis"), typed=("type",))

    with section("debugging drafts and published APIs"):
        developer = debug(client, gw, s["draft"], "DEVELOPER", "/draft-ping")
        check_model(developer, ["request", "response", "latency", "log"], label="DebugApiV2Response")
        expect("draft-pong" in (developer.response or ""), f"DEVELOPER debug of a draft: {short(developer)}")
        expect("/draft-ping" in (developer.request or ""), f"the debug request: {short(developer.request)}")
        status_line = (developer.response or "").split("\n")[0]
        expect(status_line.startswith("HTTP/") and " 200" in status_line, f"the debug response: {short(developer.response)}")
        # ping is live as "pong" in RELEASE; its draft changes to "pong-v2", unpublished.
        client.update_api_v2(m.UpdateApiV2Request(instance_id=gw, api_id=s["ping"], body=mock(
            "ping", "GET", "/ping", group.id, "pong-v2", protocol="BOTH")))
        draft = debug(client, gw, s["ping"], "DEVELOPER", "/ping")
        expect("pong-v2" in (draft.response or ""), f"DEVELOPER debugs the draft: {short(draft.response)}")
        live = debug(client, gw, s["ping"], "CONSUMER", "/ping", stage="RELEASE")
        expect("pong" in (live.response or "") and "pong-v2" not in (live.response or ""),
               f"CONSUMER debugs what is live: {short(live.response)}")
        refused(lambda: debug(client, gw, s["ping"], "BOGUS", "/ping"), 400, "APIG.2012", "mode",
                label="debug_api_v2 with mode=BOGUS")
        refused(lambda: debug(client, gw, MISSING, "DEVELOPER", "/ping"), 404, "APIG.3002",
                label="debug_api_v2 of a missing API")

    with section("export and import (synchronous)"):
        exported = client.export_api_definitions_v2(m.ExportApiDefinitionsV2Request(
            instance_id=gw, body=m.ExportOpenApiReq(group_id=group.id, define="all", type="json")))
        chunks = []
        exported.consume_download_stream(lambda stream: chunks.append(stream.content))
        text = b"".join(chunks).decode("utf-8")
        document = loads(text, "export_api_definitions_v2")
        expect(document and "/orders/{id}" in document.get("paths", {}) and "/ping" in document.get("paths", {}),
               f"exported paths: {list((document or {}).get('paths', {}))}")
        copy = client.create_api_group_v2(m.CreateApiGroupV2Request(instance_id=gw, body=m.ApiGroupCreate(name="orders-copy")))
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "orders.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            imported = client.import_api_definitions_v2(m.ImportApiDefinitionsV2Request(
                instance_id=gw, body=m.ImportApiDefinitionsV2RequestBody(
                    is_create_group=False, group_id=copy.id, file_name=FormFile(path, "application/json"))))
        check_model(imported, ["success", "failure", "group_id"], label="ImportApiDefinitionsV2Response")
        check_models(imported.success, ["path", "method", "action", "id"], label="Success")
        expect(imported.group_id == copy.id and not imported.failure, f"{short(imported)}")
        names = sorted(a.name for a in client.list_apis_v2(m.ListApisV2Request(instance_id=gw, group_id=copy.id)).apis)
        expect(names == ["create-order", "draft-ping", "get-order", "ping"], f"imported APIs {names}")

    with section("calling through the gateway"):
        host = f"{group.id}.apig.localhost"
        deadline = time.monotonic() + 10
        while True:
            answer = requests.get(f"{GATEWAY_URL}/ping", headers={"Host": host})
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        expect(answer.status_code == 200 and answer.text == "pong", f"{answer.status_code} {answer.text[:200]}")
        expect(len(answer.headers.get("X-Request-Id", "")) == 32, f"{answer.headers}")

    with section("deleting APIs and groups"):
        client.delete_api_v2(m.DeleteApiV2Request(instance_id=gw, api_id=s["create"]))
        refused(lambda: client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gw, api_id=s["create"])),
                404, "APIG.3002", label="show_details_of_api_v2 of a deleted API")
        client.delete_api_group_v2(m.DeleteApiGroupV2Request(instance_id=gw, group_id=s["archive"]))
        refused(lambda: client.show_details_of_api_group_v2(m.ShowDetailsOfApiGroupV2Request(
            instance_id=gw, group_id=s["archive"])), 404, "APIG.3001", label="show_details_of_api_group_v2 of a deleted group")


if __name__ == "__main__":
    run("apig_apis_sdk", main)
