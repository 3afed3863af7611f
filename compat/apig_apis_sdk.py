"""Opens an API with Huawei's official SDK (huaweicloudsdkapig), as issue 4's walk does:
a gateway, a group, a TEST environment with a variable, an API with path and query
parameters and an HTTP backend, published to RELEASE and TEST; both versions are listed,
an older one is switched back to, and the runtime definition follows. Bad input gets an
APIG error that names the field, and creates nothing.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import os
import sys
import time

import requests

from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from apig_gateways_sdk import admin_client

RELEASE = "DEFAULT_ENVIRONMENT_RELEASE_ID"
GATEWAY_URL = os.environ["PORTICO_GATEWAY_URL"]


def api_body(group_id, timeout):
    return m.ApiCreate(
        name="get-order",
        type=1,
        req_protocol="HTTP",
        req_method="GET",
        req_uri="/orders/{id}",
        auth_type="NONE",
        backend_type="HTTP",
        group_id=group_id,
        req_params=[
            m.ReqParamBase(name="id", type="NUMBER", location="PATH", required=1, min_num=1, max_num=99999),
            m.ReqParamBase(name="fields", type="STRING", location="QUERY", required=2, enumerations="all,summary"),
        ],
        backend_params=[m.BackendParamBase(origin="REQUEST", name="orderId", location="PATH", value="id")],
        backend_api=m.BackendApiCreate(
            url_domain="#host#", req_protocol="HTTP", req_method="GET", req_uri="/v1/orders/{orderId}", timeout=timeout
        ),
    )


def main():
    client = admin_client()
    gateway_id = client.create_instance_v2(
        m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(instance_name="sdk-apis", spec_id="BASIC"))
    ).instance_id
    group = client.create_api_group_v2(
        m.CreateApiGroupV2Request(instance_id=gateway_id, body=m.ApiGroupCreate(name="orders"))
    )
    test = client.create_environment_v2(
        m.CreateEnvironmentV2Request(instance_id=gateway_id, body=m.EnvCreate(name="TEST"))
    )
    for env_id, host in [(RELEASE, "orders.internal"), (test.id, "orders-test.internal")]:
        client.create_environment_variable_v2(
            m.CreateEnvironmentVariableV2Request(
                instance_id=gateway_id,
                body=m.EnvVariableCreate(group_id=group.id, env_id=env_id, variable_name="host", variable_value=host),
            )
        )

    # Bad input: refused with the field named; nothing created.
    bad = api_body(group.id, 5000)
    bad.req_uri = "/orders/pre-{id}"
    try:
        client.create_api_v2(m.CreateApiV2Request(instance_id=gateway_id, body=bad))
    except ClientRequestException as error:
        assert error.status_code == 400 and "req_uri" in error.error_msg, error
    else:
        raise AssertionError("a path with a partial-segment parameter was accepted")
    assert client.list_apis_v2(m.ListApisV2Request(instance_id=gateway_id)).total == 0

    api = client.create_api_v2(m.CreateApiV2Request(instance_id=gateway_id, body=api_body(group.id, 5000)))
    assert api.name == "get-order" and [p.name for p in api.req_params] == ["id", "fields"], api
    listed = client.list_apis_v2(m.ListApisV2Request(instance_id=gateway_id, group_id=group.id)).apis
    assert [a.id for a in listed] == [api.id], listed
    try:
        client.check_apis_v2(
            m.CheckApisV2Request(
                instance_id=gateway_id,
                body=m.ApiCheckInfoV2(type="path", group_id=group.id, req_method="GET", req_uri="/orders/{id}"),
            )
        )
    except ClientRequestException as error:
        assert "already answers" in error.error_msg, error
    else:
        raise AssertionError("a taken route passed the check")

    for env_id in (RELEASE, test.id):
        published = client.create_or_delete_publish_record_for_api_v2(
            m.CreateOrDeletePublishRecordForApiV2Request(
                instance_id=gateway_id, body=m.ApiActionInfo(action="online", env_id=env_id, api_id=api.id)
            )
        )
        assert published.env_id == env_id and published.version_id, published
    shown = client.show_details_of_api_v2(m.ShowDetailsOfApiV2Request(instance_id=gateway_id, api_id=api.id))
    assert shown.run_env_name == "RELEASE|TEST", shown.run_env_name

    # A changed backend, published to RELEASE: a second version there.
    client.update_api_v2(m.UpdateApiV2Request(instance_id=gateway_id, api_id=api.id, body=api_body(group.id, 9000)))
    client.create_or_delete_publish_record_for_api_v2(
        m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gateway_id, body=m.ApiActionInfo(action="online", env_id=RELEASE, api_id=api.id)
        )
    )
    versions = client.list_api_versions_v2(
        m.ListApiVersionsV2Request(instance_id=gateway_id, api_id=api.id)
    ).api_versions
    assert sorted(v.env_name for v in versions) == ["RELEASE", "RELEASE", "TEST"], versions
    runtime = client.list_api_runtime_definition_v2(
        m.ListApiRuntimeDefinitionV2Request(instance_id=gateway_id, api_id=api.id, env_id=RELEASE)
    )
    assert runtime.run_env_name == "RELEASE" and runtime.sl_domain.endswith(".apig.localhost"), runtime

    # Roll RELEASE back to its first version.
    first = [v for v in versions if v.env_name == "RELEASE" and v.status == 2][0]
    client.change_api_version_v2(
        m.ChangeApiVersionV2Request(instance_id=gateway_id, api_id=api.id, body=m.ApiVersion(version_id=first.version_id))
    )
    detail = client.list_api_version_detail_v2(
        m.ListApiVersionDetailV2Request(instance_id=gateway_id, version_id=first.version_id)
    )
    assert detail.status == 1 and detail.backend_api.timeout == 5000, detail

    # Take everything in the group offline in one batch.
    result = client.batch_publish_or_offline_api_v2(
        m.BatchPublishOrOfflineApiV2Request(
            instance_id=gateway_id, action="offline", body=m.ApiBatchPublish(group_id=group.id, env_id=test.id)
        )
    )
    assert len(result.success) == 1 and not result.failure, result

    # Defined and published with the SDK, called through the gateway on the group's subdomain.
    mocked = client.create_api_v2(m.CreateApiV2Request(instance_id=gateway_id, body=m.ApiCreate(
        name="ping", type=1, req_protocol="HTTP", req_method="GET", req_uri="/ping", auth_type="NONE",
        backend_type="MOCK", group_id=group.id, mock_info=m.ApiMockCreate(result_content="pong"))))
    client.create_or_delete_publish_record_for_api_v2(
        m.CreateOrDeletePublishRecordForApiV2Request(
            instance_id=gateway_id, body=m.ApiActionInfo(action="online", env_id=RELEASE, api_id=mocked.id)
        )
    )
    host = f"{group.id}.apig.localhost"
    deadline = time.monotonic() + 10
    while True:
        answer = requests.get(f"{GATEWAY_URL}/ping", headers={"Host": host})
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
    assert answer.status_code == 200 and answer.text == "pong", (answer.status_code, answer.text)
    assert len(answer.headers["X-Request-Id"]) == 32, answer.headers
    print("apig_apis_sdk: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # report the SDK's own error text
        print(f"apig_apis_sdk: FAILED: {error!r}", file=sys.stderr)
        raise
