"""Domains, certificates, async import/export, quotas and outlines with Huawei's official SDK
(huaweicloudsdkapig): a domain bound to a group, a certificate uploaded onto it and one
created globally and attached by id, the certificate's details and attached domains; a
group exported and imported again as tasks; the gateway's limits and counts. Bad input gets
an APIG error that names the field, and stores nothing.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD, and PORTICO_CERT / PORTICO_KEY (a PEM
certificate for *.shop.example.com and its key) and PORTICO_OTHER_CERT / PORTICO_OTHER_KEY
(one for www.example.org).
"""
import json
import os
import sys
import tempfile
import time

from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.formdata import FormFile

from apig_gateways_sdk import admin_client

CERT, KEY = os.environ["PORTICO_CERT"], os.environ["PORTICO_KEY"]
OTHER_CERT, OTHER_KEY = os.environ["PORTICO_OTHER_CERT"], os.environ["PORTICO_OTHER_KEY"]


def refused(call, status, mention):
    try:
        call()
    except ClientRequestException as error:
        assert error.status_code == status, (error.status_code, error.error_msg)
        assert mention in error.error_msg, error.error_msg
        return
    raise AssertionError(f"expected a {status} naming {mention!r}")


def task_result(client, gateway_id, task_id):
    """Polls the task until it finishes (an import of one API takes well under a second)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        task = client.show_async_task_result(m.ShowAsyncTaskResultRequest(instance_id=gateway_id, task_id=task_id))
        if task.task_status in ("succeed", "failed"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not finish")


def main():
    client = admin_client()
    gateway_id = client.create_instance_v2(
        m.CreateInstanceV2Request(body=m.InstanceCreateReqV2(instance_name="sdk-domains", spec_id="BASIC"))
    ).instance_id
    group = client.create_api_group_v2(
        m.CreateApiGroupV2Request(instance_id=gateway_id, body=m.ApiGroupCreate(name="shop"))
    )

    # Domains.
    refused(
        lambda: client.associate_domain_v2(m.AssociateDomainV2Request(
            instance_id=gateway_id, group_id=group.id, body=m.UrlDomainCreate(url_domain="not a domain"))),
        400, "url_domain")
    domain = client.associate_domain_v2(m.AssociateDomainV2Request(
        instance_id=gateway_id, group_id=group.id,
        body=m.UrlDomainCreate(url_domain="api.shop.example.com", min_ssl_version="TLSv1.2")))
    assert domain.url_domain == "api.shop.example.com", domain
    shown = client.show_details_of_api_group_v2(
        m.ShowDetailsOfApiGroupV2Request(instance_id=gateway_id, group_id=group.id))
    assert [d.domain for d in shown.url_domains] == ["api.shop.example.com"], shown.url_domains

    # A certificate that does not cover the domain is refused and not stored.
    refused(
        lambda: client.associate_certificate_v2(m.AssociateCertificateV2Request(
            instance_id=gateway_id, group_id=group.id, domain_id=domain.id,
            body=m.CertForm(name="wrong_cert", cert_content=OTHER_CERT, private_key=OTHER_KEY))),
        400, "not api.shop.example.com")
    assert client.list_certificates_v2(m.ListCertificatesV2Request()).total == 0
    bound = client.associate_certificate_v2(m.AssociateCertificateV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id,
        body=m.CertForm(name="shop_cert", cert_content=CERT, private_key=KEY)))
    assert bound.ssl_name == "shop_cert", bound
    detail = client.show_details_of_domain_name_certificate_v2(m.ShowDetailsOfDomainNameCertificateV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id, certificate_id=bound.ssl_id))
    assert detail.common_name == "*.shop.example.com" and detail.san == ["*.shop.example.com"], detail
    client.disassociate_certificate_v2(m.DisassociateCertificateV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id, certificate_id=bound.ssl_id))

    # A global certificate, attached by id, listed with its domains, then detached.
    created = client.create_certificate_v2(m.CreateCertificateV2Request(body=m.CertificateForm(
        name="global_cert", cert_content=CERT, private_key=KEY, type="global")))
    assert created.type == "global" and created.not_after is not None, created
    client.batch_associate_certs_v2(m.BatchAssociateCertsV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id,
        body=m.AttachOrDetachCertsReqBody(certificate_ids=[created.id])))
    attached = client.list_attached_domains_v2(m.ListAttachedDomainsV2Request(certificate_id=created.id))
    assert [d.url_domain for d in attached.bound_domains] == ["api.shop.example.com"], attached
    refused(lambda: client.delete_certificate_v2(m.DeleteCertificateV2Request(certificate_id=created.id)),
            409, "unbind it first")
    client.batch_disassociate_certs_v2(m.BatchDisassociateCertsV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id,
        body=m.AttachOrDetachCertsReqBody(certificate_ids=[created.id])))
    client.delete_certificate_v2(m.DeleteCertificateV2Request(certificate_id=created.id))
    client.disassociate_domain_v2(m.DisassociateDomainV2Request(
        instance_id=gateway_id, group_id=group.id, domain_id=domain.id))

    # Async export and import: an API exported as a task imports back as a task.
    client.create_api_v2(m.CreateApiV2Request(instance_id=gateway_id, body=m.ApiCreate(
        name="list-items", type=1, req_protocol="HTTP", req_method="GET", req_uri="/items", auth_type="NONE",
        backend_type="MOCK", group_id=group.id, mock_info=m.ApiMockCreate(result_content="[]"))))
    exported = client.export_api_definitions_async(m.ExportApiDefinitionsAsyncRequest(
        instance_id=gateway_id, body=m.ExportOpenApiReq(group_id=group.id, define="all", type="json")))
    task = task_result(client, gateway_id, exported.task_id)
    assert task.task_status == "succeed" and task.task_type == "export_api", task
    document = json.loads(task.task_result)
    assert "/items" in document["paths"], document
    other = client.create_api_group_v2(
        m.CreateApiGroupV2Request(instance_id=gateway_id, body=m.ApiGroupCreate(name="copy"))
    )
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "shop.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write(task.task_result)
        imported = client.import_api_definitions_async(m.ImportApiDefinitionsAsyncRequest(
            instance_id=gateway_id,
            body=m.ImportApiDefinitionsAsyncRequestBody(
                is_create_group=False, group_id=other.id, file_name=FormFile(path, "application/json"))))
    task = task_result(client, gateway_id, imported.task_id)
    assert task.task_status == "succeed" and task.task_type == "import_api", task
    report = json.loads(task.task_result)
    assert [s["action"] for s in report["success"]] == ["create"], report
    apis = client.list_apis_v2(m.ListApisV2Request(instance_id=gateway_id, group_id=other.id))
    assert [a.name for a in apis.apis] == ["list-items"], apis

    # Quotas and outlines.
    configs = client.list_project_cofigs_v2(m.ListProjectCofigsV2Request(instance_id=gateway_id))
    limits = {c.config_name: (c.config_value, c.used) for c in configs.configs}
    assert limits["API_NUM_LIMIT"] == ("250", 2), limits
    assert limits["APIGROUP_NUM_LIMIT"][1] == 3, limits
    instance = client.list_instance_configs_v2(m.ListInstanceConfigsV2Request())
    assert [c.config_name for c in instance.configs] == ["INSTANCE_NUM_LIMIT"], instance
    outline = client.list_api_quantities_v2(m.ListApiQuantitiesV2Request(instance_id=gateway_id))
    assert (outline.instance_num, outline.nums_on_release, outline.nums_off_release) == (2, 0, 2), outline
    groups = client.list_api_groups_quantities_v2(m.ListApiGroupsQuantitiesV2Request(instance_id=gateway_id))
    assert (groups.onsell_nums, groups.offsell_nums) == (0, 3), groups
    print("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except ClientRequestException as error:
        print(f"unexpected APIG error {error.status_code}: {error.error_code} {error.error_msg}", file=sys.stderr)
        raise
