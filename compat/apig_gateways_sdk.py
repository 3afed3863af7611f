"""Drives Portico's gateway (instance) API with Huawei's official SDK (huaweicloudsdkapig),
as a Huawei Cloud user would: create a gateway, read it back, change it, set a parameter,
tag it, give it an inbound port; give it an API group, an environment and a variable; and
delete it all; a bad request gets an APIG error.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import os
import sys

import requests
from huaweicloudsdkapig.v2 import ApigClient
from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

URL = os.environ["PORTICO_URL"]
ADMIN_PASSWORD = os.environ["PORTICO_ADMIN_PASSWORD"]


def admin_client():
    """An access key for the administrator, through the IAM API, and a client signing with it."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": ADMIN_PASSWORD, "domain": {"name": "portico"}}}}}}
    response = requests.post(f"{URL}/v3/auth/tokens", json=body)
    response.raise_for_status()
    token = response.headers["X-Subject-Token"]
    project_id = response.json()["token"]["project"]["id"]
    me = requests.get(f"{URL}/v3/users?name=admin", headers={"X-Auth-Token": token}).json()["users"][0]
    key = requests.post(
        f"{URL}/v3.0/OS-CREDENTIAL/credentials",
        headers={"X-Auth-Token": token},
        json={"credential": {"user_id": me["id"], "description": "apig compat"}},
    ).json()["credential"]
    credentials = BasicCredentials(key["access"], key["secret"], project_id)
    return ApigClient.new_builder().with_credentials(credentials).with_endpoint(URL).build()


def main():
    client = admin_client()

    created = client.create_instance_v2(
        m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(
                instance_name="sdk-gateway",
                spec_id="PROFESSIONAL",
                description="made by the SDK",
                tags=[m.TmsKeyValue(key="team", value="payments")],
            )
        )
    )
    gateway_id = created.instance_id
    assert gateway_id and len(gateway_id) == 32, created

    listed = client.list_instances_v2(m.ListInstancesV2Request(instance_name="sdk")).instances
    assert [g.instance_name for g in listed] == ["sdk-gateway"], listed
    assert listed[0].spec == "PROFESSIONAL" and listed[0].status == "Running", listed[0]

    shown = client.show_details_of_instance_v2(m.ShowDetailsOfInstanceV2Request(instance_id=gateway_id))
    assert shown.description == "made by the SDK" and shown.maintain_begin == "22:00:00", shown
    progress = client.show_details_of_instance_progress_v2(
        m.ShowDetailsOfInstanceProgressV2Request(instance_id=gateway_id)
    )
    assert progress.progress == 100, progress

    updated = client.update_instance_v2(
        m.UpdateInstanceV2Request(
            instance_id=gateway_id,
            body=m.InstanceModReq(instance_name="sdk-gw", maintain_begin="06:00:00", maintain_end="10:00:00"),
        )
    )
    assert updated.instance_name == "sdk-gw" and updated.maintain_end == "10:00:00", updated

    feature = client.create_feature_v2(
        m.CreateFeatureV2Request(
            instance_id=gateway_id,
            body=m.FeatureToggle(name="ratelimit", enable=True, config='{"api_limits":500}'),
        )
    )
    assert feature.config == '{"api_limits":500}', feature
    features = client.list_features_v2(m.ListFeaturesV2Request(instance_id=gateway_id, limit=100)).features
    assert any(f.name == "ratelimit" and f.config == '{"api_limits":500}' for f in features), features
    supported = client.list_instance_features(m.ListInstanceFeaturesRequest(instance_id=gateway_id)).features
    assert "request_body_size" in supported, supported

    client.batch_create_or_delete_instance_tags(
        m.BatchCreateOrDeleteInstanceTagsRequest(
            instance_id=gateway_id,
            body=m.TmsUpdatePublicReq(action="create", tags=[m.TmsKeyValue(key="env", value="prod")]),
        )
    )
    tags = client.list_instance_tags(m.ListInstanceTagsRequest(instance_id=gateway_id)).tags
    assert sorted((t.key, t.value) for t in tags) == [("env", "prod"), ("team", "payments")], tags
    project_tags = client.list_project_instance_tags(m.ListProjectInstanceTagsRequest()).tags
    assert sorted(t.key for t in project_tags) == ["env", "team"], project_tags

    port = client.add_custom_ingress_port(
        m.AddCustomIngressPortRequest(
            instance_id=gateway_id, body=m.IngressPortCreate(protocol="HTTPS", ingress_port=18443)
        )
    )
    assert port.ingress_port == 18443, port
    ports = client.list_custom_ingress_ports(
        m.ListCustomIngressPortsRequest(instance_id=gateway_id)
    ).ingress_port_infos
    assert [p.ingress_port for p in ports] == [18443], ports
    client.delete_custom_ingress_port(
        m.DeleteCustomIngressPortRequest(instance_id=gateway_id, ingress_port_id=port.ingress_port_id)
    )

    # Bad input: an APIG error naming the field; nothing is created.
    try:
        client.create_instance_v2(
            m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(instance_name="x", spec_id="BASIC"))
        )
    except ClientRequestException as error:
        assert error.status_code == 400, error
        assert error.error_code == "APIG.2012", error
        assert "instance_name" in error.error_msg, error
    else:
        raise AssertionError("a one-letter gateway name was accepted")

    # Groups, environments and variables.
    groups = client.list_api_groups_v2(m.ListApiGroupsV2Request(instance_id=gateway_id)).groups
    assert [g.name for g in groups] == ["DEFAULT"], groups
    group = client.create_api_group_v2(
        m.CreateApiGroupV2Request(instance_id=gateway_id, body=m.ApiGroupCreate(name="sdk-group", remark="from the SDK"))
    )
    assert group.sl_domain == f"{group.id}.apig.localhost", group
    try:
        client.check_api_groups_v2(
            m.CheckApiGroupsV2Request(instance_id=gateway_id, body=m.ApiGroupCheck(group_name="sdk-group"))
        )
    except ClientRequestException as error:
        assert "already exists" in error.error_msg, error
    else:
        raise AssertionError("a taken group name passed the check")
    env = client.create_environment_v2(
        m.CreateEnvironmentV2Request(instance_id=gateway_id, body=m.EnvCreate(name="TEST", remark="testing"))
    )
    envs = client.list_environments_v2(m.ListEnvironmentsV2Request(instance_id=gateway_id)).envs
    assert [e.name for e in envs] == ["RELEASE", "TEST"], envs
    variable = client.create_environment_variable_v2(
        m.CreateEnvironmentVariableV2Request(
            instance_id=gateway_id,
            body=m.EnvVariableCreate(group_id=group.id, env_id=env.id, variable_name="host", variable_value="10.0.0.7"),
        )
    )
    changed = client.update_environment_variable_v2(
        m.UpdateEnvironmentVariableV2Request(
            instance_id=gateway_id, env_variable_id=variable.id, body=m.EnvVariableBase(variable_value="10.0.0.8")
        )
    )
    assert changed.variable_value == "10.0.0.8", changed
    listed = client.list_environment_variables_v2(
        m.ListEnvironmentVariablesV2Request(instance_id=gateway_id, group_id=group.id)
    ).variables
    assert [(v.variable_name, v.variable_value) for v in listed] == [("host", "10.0.0.8")], listed

    # A gateway that still holds them is not deleted, and says what it holds.
    try:
        client.delete_instances_v2(m.DeleteInstancesV2Request(instance_id=gateway_id))
    except ClientRequestException as error:
        assert "1 API group, 1 environment and 1 variable" in error.error_msg, error
    else:
        raise AssertionError("a gateway holding groups was deleted")
    client.delete_environment_v2(m.DeleteEnvironmentV2Request(instance_id=gateway_id, env_id=env.id))
    client.delete_api_group_v2(m.DeleteApiGroupV2Request(instance_id=gateway_id, group_id=group.id))

    client.delete_instances_v2(m.DeleteInstancesV2Request(instance_id=gateway_id))
    remaining = client.list_instances_v2(m.ListInstancesV2Request()).total
    assert remaining == 0, remaining

    print("apig_gateways_sdk: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # report the SDK's own error text
        print(f"apig_gateways_sdk: FAILED: {error!r}", file=sys.stderr)
        raise
