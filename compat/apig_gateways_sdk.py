"""Drives Portico's gateway (instance) API with Huawei's official SDK (huaweicloudsdkapig),
as a Huawei Cloud user would: create gateways, list them page by page and filtered, read one
back, change it, set parameters, tag it, give it inbound ports; read its limits, counts and
restrictions; give it an API group, an environment and a variable; and delete it all. Each
refusal (a taken name, a missing gateway or port, bad input) is an APIG error with its code.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import uuid

from huaweicloudsdkapig.v2 import model as m

from portico import (admin, admin_client, check_bad_queries, check_filter, check_model, check_models,
                     check_paging, expect, raw_refused, refused, run, section)

__all__ = ["admin_client"]  # other scripts used to import it from here

MISSING = uuid.uuid4().hex
PORTS = (28081, 28082, 28443)  # distinct from the other scripts' ports: tests run side by side

GATEWAY_FIELDS = ["id", "project_id", "instance_name", "status", "instance_status", "type", "spec",
                  "create_time", "enterprise_project_id", "charging_mode", "loadbalancer_provider"]
DETAIL_FIELDS = GATEWAY_FIELDS + ["description", "maintain_begin", "maintain_end", "ingress_ip", "user_id",
                                  "instance_version", "supported_features", "is_releasable"]


def main():
    adm = admin()
    client = admin_client()
    s = {}

    with section("create gateways"):
        created = client.create_instance_v2(m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(
            instance_name="sdk-gateway", spec_id="PROFESSIONAL", description="made by the SDK",
            tags=[m.TmsKeyValue(key="team", value="payments")])))
        check_model(created, ["instance_id", "message", "job_id"])
        s["gw"] = gateway_id = created.instance_id
        expect(gateway_id and len(gateway_id) == 32, f"instance_id {gateway_id!r} is not 32 hex digits")
        s["other"] = client.create_instance_v2(m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(
            instance_name="sdk-other", spec_id="BASIC"))).instance_id
        s["alpha"] = client.create_instance_v2(m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(
            instance_name="alpha-gw", spec_id="ENTERPRISE"))).instance_id
    gateway_id = s["gw"]

    with section("gateway refusals"):
        refused(lambda: client.create_instance_v2(m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(
            instance_name="sdk-gateway", spec_id="BASIC"))), 400, "APIG.3216", "sdk-gateway",
            label="create_instance_v2 with a taken name")
        refused(lambda: client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="x", spec_id="BASIC"))), 400, "APIG.2012", "instance_name",
            label="create_instance_v2 with a one-letter name")
        refused(lambda: client.show_details_of_instance_v2(m.ShowDetailsOfInstanceV2Request(instance_id=MISSING)),
                404, "APIG.3030", label="show_details_of_instance_v2 of a missing gateway")
        refused(lambda: client.update_instance_v2(m.UpdateInstanceV2Request(
            instance_id=MISSING, body=m.InstanceModReq(description="x"))), 404, "APIG.3030",
            label="update_instance_v2 of a missing gateway")
        refused(lambda: client.delete_instances_v2(m.DeleteInstancesV2Request(instance_id=MISSING)),
                404, "APIG.3030", label="delete_instances_v2 of a missing gateway")
        refused(lambda: client.list_api_groups_v2(m.ListApiGroupsV2Request(instance_id=MISSING)),
                404, "APIG.3030", label="list_api_groups_v2 in a missing gateway")
        refused(lambda: client.update_instance_v2(m.UpdateInstanceV2Request(
            instance_id=s["other"], body=m.InstanceModReq(instance_name="alpha-gw"))), 400, "APIG.3216",
            "alpha-gw", label="update_instance_v2 to a taken name")
        response = adm.raw("POST", adm.apig_path("/instances"), data="{not json",
                           headers={"Content-Type": "application/json"})
        raw_refused(response, 400, "APIG.2011", label="POST /instances with a body that is not JSON")
        response = adm.raw("POST", adm.apig_path("/instances"), json={"instance_name": "sdk-typed", "spec_id": 7})
        raw_refused(response, 400, "APIG.2011", label="POST /instances with spec_id a number")

    with section("list_instances_v2: paging and filters"):
        fetch = lambda **q: client.list_instances_v2(m.ListInstancesV2Request(**q))
        items = check_paging(fetch, lambda r: r.instances, lambda g: g.id, "list_instances_v2")
        check_models(items, GATEWAY_FIELDS, label="RespInstanceBase")
        expect(sorted(g.instance_name for g in items) == ["alpha-gw", "sdk-gateway", "sdk-other"],
               f"gateways listed: {[g.instance_name for g in items]}")
        mine = next(g for g in items if g.id == gateway_id)
        expect(mine.spec == "PROFESSIONAL" and mine.status == "Running", f"{mine}")
        key = lambda g: g.id
        check_filter(fetch, lambda r: r.instances, key, "list_instances_v2", "instance_id", s["other"],
                     items, lambda g: g.id == s["other"])
        check_filter(fetch, lambda r: r.instances, key, "list_instances_v2", "instance_name", "sdk",
                     items, lambda g: "sdk" in g.instance_name)
        check_filter(fetch, lambda r: r.instances, key, "list_instances_v2", "status", "Creating",
                     items, lambda g: g.status == "Creating", may_be_empty=True)
        running = fetch(status="Running", limit=500)
        expect(running.total == 3 and len(running.instances) == 3, f"status=Running: {running.total} gateways")
        check_bad_queries(adm, adm.apig_path("/instances"))

    with section("show, progress, update, restriction"):
        shown = client.show_details_of_instance_v2(m.ShowDetailsOfInstanceV2Request(instance_id=gateway_id))
        check_model(shown, DETAIL_FIELDS, label="ShowDetailsOfInstanceV2Response")
        expect(shown.description == "made by the SDK" and shown.maintain_begin == "22:00:00", f"{shown}")
        progress = client.show_details_of_instance_progress_v2(
            m.ShowDetailsOfInstanceProgressV2Request(instance_id=gateway_id))
        check_model(progress, ["progress", "status", "start_time", "end_time"])
        expect(progress.progress == 100, f"progress {progress.progress}")
        updated = client.update_instance_v2(m.UpdateInstanceV2Request(instance_id=gateway_id, body=m.InstanceModReq(
            instance_name="sdk-gw", maintain_begin="06:00:00", maintain_end="10:00:00")))
        check_model(updated, DETAIL_FIELDS, label="UpdateInstanceV2Response")
        expect(updated.instance_name == "sdk-gw" and updated.maintain_end == "10:00:00", f"{updated}")
        restriction = client.show_restriction_of_instance_v2(
            m.ShowRestrictionOfInstanceV2Request(instance_id=gateway_id))
        check_model(restriction, ["restrict_cidrs", "resource_subnet_cidr"])

    with section("features (gateway parameters)"):
        feature = client.create_feature_v2(m.CreateFeatureV2Request(instance_id=gateway_id, body=m.FeatureToggle(
            name="ratelimit", enable=True, config='{"api_limits":500}')))
        check_model(feature, label="CreateFeatureV2Response")
        expect(feature.config == '{"api_limits":500}', f"{feature}")
        client.create_feature_v2(m.CreateFeatureV2Request(instance_id=gateway_id, body=m.FeatureToggle(
            name="request_body_size", enable=True, config="104857600")))
        client.create_feature_v2(m.CreateFeatureV2Request(instance_id=gateway_id, body=m.FeatureToggle(
            name="backend_timeout", enable=True, config='{"max_timeout":120000}')))
        fetch = lambda **q: client.list_features_v2(m.ListFeaturesV2Request(instance_id=gateway_id, **q))
        features = check_paging(fetch, lambda r: r.features, lambda f: f.name, "list_features_v2")
        check_models(features, label="FeatureInfo")  # every field: id, name, enable, config, instance_id, update_time
        expect(any(f.name == "ratelimit" and f.config == '{"api_limits":500}' for f in features), f"{features}")
        expect(len({f.id for f in features}) == len(features), f"feature ids are not distinct: {[f.id for f in features]}")
        expect(all(f.instance_id == gateway_id for f in features), "features of another gateway")
        refused(lambda: client.create_feature_v2(m.CreateFeatureV2Request(instance_id=gateway_id, body=m.FeatureToggle(
            name="no_such_feature", enable=True))), 400, "APIG.2012", "no_such_feature",
            label="create_feature_v2 of an unknown parameter")
        fetch = lambda **q: client.list_instance_features(m.ListInstanceFeaturesRequest(instance_id=gateway_id, **q))
        supported = check_paging(fetch, lambda r: r.features, lambda f: f, "list_instance_features")
        expect("request_body_size" in supported, f"{supported}")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gateway_id}/features"))
        check_bad_queries(adm, adm.apig_path(f"/instances/{gateway_id}/instance-features"))

    with section("tags"):
        client.batch_create_or_delete_instance_tags(m.BatchCreateOrDeleteInstanceTagsRequest(
            instance_id=gateway_id,
            body=m.TmsUpdatePublicReq(action="create", tags=[m.TmsKeyValue(key="env", value="prod"),
                                                            m.TmsKeyValue(key="tier", value="gold")])))
        client.batch_create_or_delete_instance_tags(m.BatchCreateOrDeleteInstanceTagsRequest(
            instance_id=s["other"], body=m.TmsUpdatePublicReq(action="create", tags=[m.TmsKeyValue(key="env", value="dev")])))
        tags = client.list_instance_tags(m.ListInstanceTagsRequest(instance_id=gateway_id)).tags
        expect(sorted((t.key, t.value) for t in tags) == [("env", "prod"), ("team", "payments"), ("tier", "gold")],
               f"{tags}")
        client.batch_create_or_delete_instance_tags(m.BatchCreateOrDeleteInstanceTagsRequest(
            instance_id=gateway_id, body=m.TmsUpdatePublicReq(action="delete", tags=[m.TmsKeyValue(key="tier", value="gold")])))
        tags = client.list_instance_tags(m.ListInstanceTagsRequest(instance_id=gateway_id)).tags
        expect(sorted(t.key for t in tags) == ["env", "team"], f"after deleting tier: {tags}")
        project_tags = client.list_project_instance_tags(m.ListProjectInstanceTagsRequest()).tags
        values = {t.key: sorted(t.values or []) for t in project_tags}
        expect(values == {"env": ["dev", "prod"], "team": ["payments"]}, f"project tags {values}")
        refused(lambda: client.batch_create_or_delete_instance_tags(m.BatchCreateOrDeleteInstanceTagsRequest(
            instance_id=gateway_id, body=m.TmsUpdatePublicReq(action="rename", tags=[m.TmsKeyValue(key="a", value="b")]))),
            400, "APIG.2012", "action", label="batch_create_or_delete_instance_tags with action=rename")
        refused(lambda: client.list_instance_tags(m.ListInstanceTagsRequest(instance_id=MISSING)), 404, "APIG.3030",
                label="list_instance_tags of a missing gateway")

    with section("custom inbound ports"):
        ports = {}
        for protocol, number in zip(("HTTP", "HTTP", "HTTPS"), PORTS):
            port = client.add_custom_ingress_port(m.AddCustomIngressPortRequest(
                instance_id=gateway_id, body=m.IngressPortCreate(protocol=protocol, ingress_port=number)))
            check_model(port, label="AddCustomIngressPortResponse")
            expect(port.ingress_port == number and port.protocol == protocol, f"{port}")
            ports[number] = port.ingress_port_id
        fetch = lambda **q: client.list_custom_ingress_ports(m.ListCustomIngressPortsRequest(instance_id=gateway_id, **q))
        items = check_paging(fetch, lambda r: r.ingress_port_infos, lambda p: p.ingress_port_id,
                             "list_custom_ingress_ports")
        check_models(items, label="IngressPortInfo")
        key = lambda p: p.ingress_port_id
        check_filter(fetch, lambda r: r.ingress_port_infos, key, "list_custom_ingress_ports", "protocol", "HTTP",
                     items, lambda p: p.protocol == "HTTP")
        check_filter(fetch, lambda r: r.ingress_port_infos, key, "list_custom_ingress_ports", "ingress_port", PORTS[1],
                     items, lambda p: p.ingress_port == PORTS[1])
        refused(lambda: client.add_custom_ingress_port(m.AddCustomIngressPortRequest(
            instance_id=gateway_id, body=m.IngressPortCreate(protocol="HTTP", ingress_port=PORTS[0]))), 400, None,
            str(PORTS[0]), label="add_custom_ingress_port of a port the gateway has")
        domains = client.list_custom_ingress_port_domains(m.ListCustomIngressPortDomainsRequest(
            instance_id=gateway_id, ingress_port_id=ports[PORTS[2]], limit=10, offset=0))
        check_model(domains, ["size", "total", "domain_infos"])
        expect(domains.total == 0 and domains.domain_infos == [], f"a new port serves domains: {domains}")
        refused(lambda: client.list_custom_ingress_port_domains(m.ListCustomIngressPortDomainsRequest(
            instance_id=gateway_id, ingress_port_id=MISSING)), 404, "APIG.3041",
            label="list_custom_ingress_port_domains of a missing port")
        client.delete_custom_ingress_port(m.DeleteCustomIngressPortRequest(
            instance_id=gateway_id, ingress_port_id=ports[PORTS[0]]))
        refused(lambda: client.delete_custom_ingress_port(m.DeleteCustomIngressPortRequest(
            instance_id=gateway_id, ingress_port_id=ports[PORTS[0]])), 404, "APIG.3041",
            label="delete_custom_ingress_port of a deleted port")
        left = client.list_custom_ingress_ports(m.ListCustomIngressPortsRequest(instance_id=gateway_id))
        expect(sorted(p.ingress_port for p in left.ingress_port_infos) == sorted(PORTS[1:]), f"{left}")
        base = f"/instances/{gateway_id}/custom-ingress-ports"
        check_bad_queries(adm, adm.apig_path(base), typed=("ingress_port",))
        check_bad_queries(adm, adm.apig_path(f"{base}/{ports[PORTS[2]]}/domains"))
        for number in PORTS[1:]:
            client.delete_custom_ingress_port(m.DeleteCustomIngressPortRequest(
                instance_id=gateway_id, ingress_port_id=ports[number]))

    with section("limits and counts"):
        fetch = lambda **q: client.list_project_cofigs_v2(m.ListProjectCofigsV2Request(instance_id=gateway_id, **q))
        configs = check_paging(fetch, lambda r: r.configs, lambda c: c.config_name, "list_project_cofigs_v2")
        check_models(configs, label="Config")
        instance = client.list_instance_configs_v2(m.ListInstanceConfigsV2Request(limit=10, offset=0))
        check_models(instance.configs, label="InstanceConfig")
        expect([c.config_name for c in instance.configs] == ["INSTANCE_NUM_LIMIT"], f"{instance}")
        expect(instance.total == 1 and instance.size == 1, f"instance configs total {instance.total} size {instance.size}")
        past = client.list_instance_configs_v2(m.ListInstanceConfigsV2Request(limit=10, offset=1))
        expect(past.configs == [] and past.total == 1 and past.size == 0, f"offset=1: {past}")
        check_bad_queries(adm, adm.apig_path("/instance/configs"))
        check_bad_queries(adm, adm.apig_path(f"/instances/{gateway_id}/project/configs"))
        groups = client.list_api_groups_quantities_v2(m.ListApiGroupsQuantitiesV2Request(instance_id=gateway_id))
        check_model(groups, label="ListApiGroupsQuantitiesV2Response")
        expect((groups.onsell_nums, groups.offsell_nums) == (0, 1), f"{groups}")
        apis = client.list_api_quantities_v2(m.ListApiQuantitiesV2Request(instance_id=gateway_id))
        check_model(apis, label="ListApiQuantitiesV2Response")
        expect((apis.instance_num, apis.nums_on_release, apis.nums_off_release) == (0, 0, 0), f"{apis}")
        apps = client.list_app_quantities_v2(m.ListAppQuantitiesV2Request(instance_id=gateway_id))
        check_model(apps, label="ListAppQuantitiesV2Response")
        expect((apps.authed_nums, apps.unauthed_nums) == (0, 0), f"{apps}")

    with section("groups, environments and variables; deleting what holds them"):
        groups = client.list_api_groups_v2(m.ListApiGroupsV2Request(instance_id=gateway_id)).groups
        expect([g.name for g in groups] == ["DEFAULT"], f"{groups}")
        group = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gateway_id, body=m.ApiGroupCreate(name="sdk-group", remark="from the SDK")))
        expect(group.sl_domain == f"{group.id}.apig.localhost", f"{group}")
        refused(lambda: client.check_api_groups_v2(m.CheckApiGroupsV2Request(
            instance_id=gateway_id, body=m.ApiGroupCheck(group_name="sdk-group"))), 400, "APIG.3201", "already exists",
            label="check_api_groups_v2 of a taken name")
        env = client.create_environment_v2(m.CreateEnvironmentV2Request(
            instance_id=gateway_id, body=m.EnvCreate(name="TEST", remark="testing")))
        envs = client.list_environments_v2(m.ListEnvironmentsV2Request(instance_id=gateway_id)).envs
        expect([e.name for e in envs] == ["RELEASE", "TEST"], f"{envs}")
        variable = client.create_environment_variable_v2(m.CreateEnvironmentVariableV2Request(
            instance_id=gateway_id,
            body=m.EnvVariableCreate(group_id=group.id, env_id=env.id, variable_name="host", variable_value="10.0.0.7")))
        changed = client.update_environment_variable_v2(m.UpdateEnvironmentVariableV2Request(
            instance_id=gateway_id, env_variable_id=variable.id, body=m.EnvVariableBase(variable_value="10.0.0.8")))
        expect(changed.variable_value == "10.0.0.8", f"{changed}")
        listed = client.list_environment_variables_v2(m.ListEnvironmentVariablesV2Request(
            instance_id=gateway_id, group_id=group.id)).variables
        expect([(v.variable_name, v.variable_value) for v in listed] == [("host", "10.0.0.8")], f"{listed}")
        # A gateway that still holds them is not deleted, and says what it holds.
        error = refused(lambda: client.delete_instances_v2(m.DeleteInstancesV2Request(instance_id=gateway_id)),
                        (400, 409), None, "1 API group, 1 environment and 1 variable",
                        label="delete_instances_v2 of a gateway holding a group")
        client.delete_environment_v2(m.DeleteEnvironmentV2Request(instance_id=gateway_id, env_id=env.id))
        client.delete_api_group_v2(m.DeleteApiGroupV2Request(instance_id=gateway_id, group_id=group.id))

    with section("delete the gateways"):
        for gid in (gateway_id, s["other"], s["alpha"]):
            client.delete_instances_v2(m.DeleteInstancesV2Request(instance_id=gid))
        remaining = client.list_instances_v2(m.ListInstancesV2Request())
        expect(remaining.total == 0 and remaining.instances == [], f"{remaining}")
        refused(lambda: client.show_details_of_instance_v2(m.ShowDetailsOfInstanceV2Request(instance_id=gateway_id)),
                404, "APIG.3030", label="show_details_of_instance_v2 of a deleted gateway")


if __name__ == "__main__":
    run("apig_gateways_sdk", main)
