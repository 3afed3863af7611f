"""Domains, certificates, async import/export, quotas and outlines with Huawei's official SDK
(huaweicloudsdkapig): domains bound to groups and changed, a certificate uploaded onto one and
others created globally and for the gateway, listed page by page and filtered, renamed,
attached to domains by id and by name and detached; the domains on a custom inbound port; a
group exported and imported again as tasks; the gateway's limits and counts. Each refusal (a
taken domain or certificate name, a missing domain, certificate or task, bad input) is an APIG
error with its code, and stores nothing.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD, and PORTICO_CERT / PORTICO_KEY (a PEM
certificate for *.shop.example.com and its key) and PORTICO_OTHER_CERT / PORTICO_OTHER_KEY
(one for www.example.org).
"""
import json
import os
import tempfile
import uuid

from huaweicloudsdkapig.v2 import model as m
from huaweicloudsdkcore.http.formdata import FormFile

from portico import (admin, check_bad_queries, check_filter, check_model, check_models, check_paging, expect,
                     loads, refused, run, section, short, wait_task)

CERT, KEY = os.environ["PORTICO_CERT"], os.environ["PORTICO_KEY"]
OTHER_CERT, OTHER_KEY = os.environ["PORTICO_OTHER_CERT"], os.environ["PORTICO_OTHER_KEY"]
MISSING = uuid.uuid4().hex
PORT = 28543  # a custom HTTPS inbound port, distinct from the other scripts' ports

DOMAIN_FIELDS = ["url_domain", "id", "status", "min_ssl_version", "is_http_redirect_to_https",
                 "verified_client_certificate_enabled", "ingress_http_port", "ingress_https_port"]
CERT_BASE = ["id", "name", "type", "instance_id", "project_id", "common_name", "san", "not_after",
             "signature_algorithm", "create_time", "update_time", "is_has_trusted_root_ca", "algorithm_type"]
CERT_DETAIL = CERT_BASE + ["version", "organization", "organizational_unit", "locality", "state", "country",
                           "not_before", "serial_number", "issuer"]


def main():
    adm = admin()
    client = adm.apig()
    s = {}

    with section("setup: a gateway, groups, an inbound port"):
        s["gw"] = client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="sdk-domains", spec_id="BASIC"))).instance_id
        s["shop"] = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=s["gw"], body=m.ApiGroupCreate(name="shop"))).id
        s["shop2"] = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=s["gw"], body=m.ApiGroupCreate(name="shop-two"))).id
        s["port"] = client.add_custom_ingress_port(m.AddCustomIngressPortRequest(
            instance_id=s["gw"], body=m.IngressPortCreate(protocol="HTTPS", ingress_port=PORT))).ingress_port_id
    gw, shop, shop2 = s["gw"], s["shop"], s["shop2"]

    with section("domains"):
        refused(lambda: client.associate_domain_v2(m.AssociateDomainV2Request(
            instance_id=gw, group_id=shop, body=m.UrlDomainCreate(url_domain="not a domain"))),
            400, "APIG.2012", "url_domain", label="associate_domain_v2 of 'not a domain'")
        domain = client.associate_domain_v2(m.AssociateDomainV2Request(
            instance_id=gw, group_id=shop, body=m.UrlDomainCreate(url_domain="api.shop.example.com",
                                                                  min_ssl_version="TLSv1.2")))
        check_model(domain, DOMAIN_FIELDS, label="AssociateDomainV2Response")
        expect(domain.url_domain == "api.shop.example.com" and domain.min_ssl_version == "TLSv1.2", f"{domain}")
        s["domain"] = domain.id
        s["others"] = {}
        for name, group_id in [("pay.shop.example.com", shop), ("www.shop.example.com", shop),
                               ("img.shop.example.com", shop2)]:
            bound = client.associate_domain_v2(m.AssociateDomainV2Request(
                instance_id=gw, group_id=group_id, body=m.UrlDomainCreate(
                    url_domain=name, ingress_http_port=80, ingress_https_port=PORT)))
            expect(bound.ingress_https_port == PORT, f"{bound}")
            s["others"][name] = (group_id, bound.id)
        changed = client.update_domain_v2(m.UpdateDomainV2Request(
            instance_id=gw, group_id=shop, domain_id=domain.id, body=m.UrlDomainModify(
                min_ssl_version="TLSv1.1", is_http_redirect_to_https=False, ingress_http_port=80,
                ingress_https_port=PORT)))
        check_model(changed, DOMAIN_FIELDS, label="UpdateDomainV2Response")
        expect(changed.min_ssl_version == "TLSv1.1" and changed.ingress_https_port == PORT, f"{changed}")
        shown = client.show_details_of_api_group_v2(m.ShowDetailsOfApiGroupV2Request(instance_id=gw, group_id=shop))
        check_models(shown.url_domains, ["id", "domain", "cname_status", "min_ssl_version", "ssl_infos"],
                     label="UrlDomain")
        expect(sorted(d.domain for d in shown.url_domains) ==
               ["api.shop.example.com", "pay.shop.example.com", "www.shop.example.com"], f"{shown.url_domains}")

    with section("domain refusals"):
        refused(lambda: client.associate_domain_v2(m.AssociateDomainV2Request(
            instance_id=gw, group_id=shop2, body=m.UrlDomainCreate(url_domain="api.shop.example.com"))),
            400, "APIG.3210", "api.shop.example.com", label="associate_domain_v2 of a domain another group has")
        refused(lambda: client.update_domain_v2(m.UpdateDomainV2Request(
            instance_id=gw, group_id=shop, domain_id=MISSING, body=m.UrlDomainModify(min_ssl_version="TLSv1.2"))),
            404, "APIG.3020", label="update_domain_v2 of a missing domain")
        refused(lambda: client.disassociate_domain_v2(m.DisassociateDomainV2Request(
            instance_id=gw, group_id=shop, domain_id=MISSING)), 404, "APIG.3020",
            label="disassociate_domain_v2 of a missing domain")
        refused(lambda: client.associate_certificate_v2(m.AssociateCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=MISSING,
            body=m.CertForm(name="nowhere_cert", cert_content=CERT, private_key=KEY))), 404, "APIG.3020",
            label="associate_certificate_v2 onto a missing domain")

    with section("domains on a custom inbound port"):
        fetch = lambda **q: client.list_custom_ingress_port_domains(m.ListCustomIngressPortDomainsRequest(
            instance_id=gw, ingress_port_id=s["port"], **q))
        of = lambda r: r.domain_infos
        key = lambda d: d.domain_name
        infos = check_paging(fetch, of, key, "list_custom_ingress_port_domains")
        check_models(infos, label="PortBindingDomainInfo")
        expect(sorted(d.domain_name for d in infos) == ["api.shop.example.com", "img.shop.example.com",
                                                       "pay.shop.example.com", "www.shop.example.com"], f"{infos}")
        check_filter(fetch, of, key, "list_custom_ingress_port_domains", "domain_name", "img.shop.example.com",
                     infos, lambda d: d.domain_name == "img.shop.example.com")

    domain_id = s["domain"]
    with section("a certificate uploaded onto a domain"):
        refused(lambda: client.associate_certificate_v2(m.AssociateCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id,
            body=m.CertForm(name="wrong_cert", cert_content=OTHER_CERT, private_key=OTHER_KEY))),
            400, "APIG.2012", "not api.shop.example.com", label="associate_certificate_v2 of a certificate for another name")
        expect(client.list_certificates_v2(m.ListCertificatesV2Request()).total == 0, "a refused certificate was stored")
        bound = client.associate_certificate_v2(m.AssociateCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id,
            body=m.CertForm(name="shop_cert", cert_content=CERT, private_key=KEY)))
        check_model(bound, ["url_domain", "id", "ssl_id", "ssl_name"], label="AssociateCertificateV2Response")
        expect(bound.ssl_name == "shop_cert", f"{bound}")
        detail = client.show_details_of_domain_name_certificate_v2(m.ShowDetailsOfDomainNameCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id, certificate_id=bound.ssl_id))
        check_model(detail, label="ShowDetailsOfDomainNameCertificateV2Response")
        expect(detail.common_name == "*.shop.example.com" and detail.san == ["*.shop.example.com"], f"{detail}")
        client.disassociate_certificate_v2(m.DisassociateCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id, certificate_id=bound.ssl_id))
        refused(lambda: client.show_details_of_domain_name_certificate_v2(m.ShowDetailsOfDomainNameCertificateV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id, certificate_id=MISSING)), 404, "APIG.3021",
            label="show_details_of_domain_name_certificate_v2 of a missing certificate")

    with section("certificates: create, list, filter, show, rename"):
        certs = {}
        for name, cert, key, kind in [("global_cert", CERT, KEY, "global"), ("org_cert", OTHER_CERT, OTHER_KEY, "global"),
                                      ("shop_cert_b", CERT, KEY, "global"), ("inst_cert", CERT, KEY, "instance")]:
            created = client.create_certificate_v2(m.CreateCertificateV2Request(body=m.CertificateForm(
                name=name, cert_content=cert, private_key=key, type=kind,
                instance_id=gw if kind == "instance" else None)))
            check_model(created, CERT_DETAIL, label=f"CreateCertificateV2Response({name})")
            expect(created.type == kind, f"{name}: type {created.type}")
            certs[name] = created.id
        s["certs"] = certs
        fetch = lambda **q: client.list_certificates_v2(m.ListCertificatesV2Request(**q))
        of = lambda r: r.certs
        key = lambda c: c.id
        listed = check_paging(fetch, of, key, "list_certificates_v2")
        check_models(listed, CERT_BASE, label="CertBase")
        label = "list_certificates_v2"
        check_filter(fetch, of, key, label, "name", "org_cert", listed, lambda c: c.name == "org_cert")
        check_filter(fetch, of, key, label, "common_name", "www.example.org", listed,
                     lambda c: c.common_name == "www.example.org")
        check_filter(fetch, of, key, label, "type", "instance", listed, lambda c: c.type == "instance")
        check_filter(fetch, of, key, label, "instance_id", gw, listed, lambda c: c.instance_id == gw)
        check_filter(fetch, of, key, label, "signature_algorithm", "sha1WithRSAEncryption", listed,
                     lambda c: c.signature_algorithm == "sha1WithRSAEncryption", may_be_empty=True)
        other = "RSA" if listed and listed[0].algorithm_type != "RSA" else "ECC"
        check_filter(fetch, of, key, label, "algorithm_type", other, listed, lambda c: c.algorithm_type == other,
                     may_be_empty=True)
        shown = client.show_details_of_certificate_v2(m.ShowDetailsOfCertificateV2Request(certificate_id=certs["org_cert"]))
        check_model(shown, CERT_DETAIL, label="ShowDetailsOfCertificateV2Response")
        expect(shown.common_name == "www.example.org" and shown.name == "org_cert", f"{shown}")
        renamed = client.update_certificate_v2(m.UpdateCertificateV2Request(
            certificate_id=certs["shop_cert_b"], body=m.CertificateForm(
                name="shop_cert_c", cert_content=CERT, private_key=KEY, type="global")))
        check_model(renamed, CERT_DETAIL, label="UpdateCertificateV2Response")
        expect(renamed.name == "shop_cert_c" and renamed.id == certs["shop_cert_b"], f"{renamed}")
        check_bad_queries(adm, adm.apig_path("/certificates"))

    with section("certificate refusals"):
        certs = s["certs"]
        refused(lambda: client.create_certificate_v2(m.CreateCertificateV2Request(body=m.CertificateForm(
            name="org_cert", cert_content=OTHER_CERT, private_key=OTHER_KEY, type="global"))), 400, "APIG.3212",
            "org_cert", label="create_certificate_v2 with a taken name")
        refused(lambda: client.update_certificate_v2(m.UpdateCertificateV2Request(
            certificate_id=certs["shop_cert_b"], body=m.CertificateForm(
                name="org_cert", cert_content=CERT, private_key=KEY, type="global"))), 400, "APIG.3212", "org_cert",
            label="update_certificate_v2 to a taken name")
        refused(lambda: client.show_details_of_certificate_v2(m.ShowDetailsOfCertificateV2Request(
            certificate_id=MISSING)), 404, "APIG.3021", label="show_details_of_certificate_v2 of a missing certificate")
        refused(lambda: client.update_certificate_v2(m.UpdateCertificateV2Request(
            certificate_id=MISSING, body=m.CertificateForm(name="ghost_cert", cert_content=CERT, private_key=KEY,
                                                         type="global"))), 404, "APIG.3021",
            label="update_certificate_v2 of a missing certificate")
        refused(lambda: client.delete_certificate_v2(m.DeleteCertificateV2Request(certificate_id=MISSING)),
                404, "APIG.3021", label="delete_certificate_v2 of a missing certificate")
        refused(lambda: client.batch_associate_certs_v2(m.BatchAssociateCertsV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id,
            body=m.AttachOrDetachCertsReqBody(certificate_ids=[MISSING]))), 404, "APIG.3021",
            label="batch_associate_certs_v2 of a missing certificate")
        refused(lambda: client.list_attached_domains_v2(m.ListAttachedDomainsV2Request(certificate_id=MISSING)),
                404, "APIG.3021", label="list_attached_domains_v2 of a missing certificate")
        refused(lambda: client.batch_associate_domains_v2(m.BatchAssociateDomainsV2Request(
            certificate_id=certs["global_cert"], body=m.AttachOrDetachDomainsReqBody(
                domains=[m.AttachOrDetachDomainInfo(domain="nowhere.shop.example.com")]))), 404, "APIG.3020",
            label="batch_associate_domains_v2 of a domain no group has")

    with section("certificates attached to domains by id and by name"):
        certificate_id = s["certs"]["global_cert"]
        client.batch_associate_certs_v2(m.BatchAssociateCertsV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id,
            body=m.AttachOrDetachCertsReqBody(certificate_ids=[certificate_id])))
        names = sorted(s["others"])
        client.batch_associate_domains_v2(m.BatchAssociateDomainsV2Request(
            certificate_id=certificate_id, body=m.AttachOrDetachDomainsReqBody(domains=[
                m.AttachOrDetachDomainInfo(domain=name, instance_ids=[gw]) for name in names])))
        fetch = lambda **q: client.list_attached_domains_v2(m.ListAttachedDomainsV2Request(
            certificate_id=certificate_id, **q))
        of = lambda r: r.bound_domains
        key = lambda d: d.url_domain
        attached = check_paging(fetch, of, key, "list_attached_domains_v2")
        check_models(attached, DOMAIN_FIELDS + ["ssl_id", "ssl_name", "api_group_id", "api_group_name", "instance_id"],
                     label="UrlDomainRefInfo")
        expect(sorted(d.url_domain for d in attached) == sorted(["api.shop.example.com"] + names), f"{attached}")
        check_filter(fetch, of, key, "list_attached_domains_v2", "url_domain", "pay.shop.example.com", attached,
                     lambda d: d.url_domain == "pay.shop.example.com")
        check_bad_queries(adm, adm.apig_path(f"/certificates/{certificate_id}/attached-domains"))
        refused(lambda: client.delete_certificate_v2(m.DeleteCertificateV2Request(certificate_id=certificate_id)),
                (400, 409), None, "unbind it first", label="delete_certificate_v2 of an attached certificate")
        client.batch_disassociate_domains_v2(m.BatchDisassociateDomainsV2Request(
            certificate_id=certificate_id, body=m.AttachOrDetachDomainsReqBody(domains=[
                m.AttachOrDetachDomainInfo(domain=name) for name in names])))
        left = client.list_attached_domains_v2(m.ListAttachedDomainsV2Request(certificate_id=certificate_id))
        expect([d.url_domain for d in left.bound_domains] == ["api.shop.example.com"] and left.total == 1, f"{left}")
        client.batch_disassociate_certs_v2(m.BatchDisassociateCertsV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id,
            body=m.AttachOrDetachCertsReqBody(certificate_ids=[certificate_id])))
        left = client.list_attached_domains_v2(m.ListAttachedDomainsV2Request(certificate_id=certificate_id))
        expect(left.bound_domains == [] and left.total == 0, f"{left}")
        client.delete_certificate_v2(m.DeleteCertificateV2Request(certificate_id=certificate_id))
        refused(lambda: client.show_details_of_certificate_v2(m.ShowDetailsOfCertificateV2Request(
            certificate_id=certificate_id)), 404, "APIG.3021", label="show_details_of_certificate_v2 of a deleted one")
        client.disassociate_domain_v2(m.DisassociateDomainV2Request(instance_id=gw, group_id=shop, domain_id=domain_id))
        refused(lambda: client.update_domain_v2(m.UpdateDomainV2Request(
            instance_id=gw, group_id=shop, domain_id=domain_id, body=m.UrlDomainModify(min_ssl_version="TLSv1.2"))),
            404, "APIG.3020", label="update_domain_v2 of an unbound domain")

    with section("async export and import"):
        client.create_api_v2(m.CreateApiV2Request(instance_id=gw, body=m.ApiCreate(
            name="list-items", type=1, req_protocol="HTTP", req_method="GET", req_uri="/items", auth_type="NONE",
            backend_type="MOCK", group_id=shop, mock_info=m.ApiMockCreate(result_content="[]"))))
        exported = client.export_api_definitions_async(m.ExportApiDefinitionsAsyncRequest(
            instance_id=gw, body=m.ExportOpenApiReq(group_id=shop, define="all", type="json")))
        check_model(exported, ["task_id"])
        task = wait_task(client, m, gw, exported.task_id)
        check_model(task, label="ShowAsyncTaskResultResponse")
        expect(task.task_status == "succeed" and task.task_type == "export_api", f"{short(task)}")
        result = loads(task.task_result, "export task_result") or {}
        expect(isinstance(result, dict) and set(result) >= {"file_type", "content"},
               f"export task_result is not {{file_type, content}}: {short(task.task_result)}")
        content = result.get("content") if isinstance(result, dict) else None
        expect(result.get("file_type") == "json", f"file_type {result.get('file_type')!r}")
        document = loads(content, "export task_result.content") if isinstance(content, str) else content
        expect(isinstance(document, dict) and "/items" in document.get("paths", {}), f"exported: {short(document)}")
        text = content if isinstance(content, str) else json.dumps(document)
        s["copy"] = copy = client.create_api_group_v2(m.CreateApiGroupV2Request(
            instance_id=gw, body=m.ApiGroupCreate(name="copy"))).id
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "shop.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write(text or "")
            imported = client.import_api_definitions_async(m.ImportApiDefinitionsAsyncRequest(
                instance_id=gw, body=m.ImportApiDefinitionsAsyncRequestBody(
                    is_create_group=False, group_id=copy, file_name=FormFile(path, "application/json"))))
        check_model(imported, ["task_id"])
        task = wait_task(client, m, gw, imported.task_id)
        expect(task.task_status == "succeed" and task.task_type == "import_api", f"{short(task)}")
        report = loads(task.task_result, "import task_result") or {}
        expect(report.get("group_id") == copy, f"import task_result.group_id: {short(report)}")
        expect([x.get("action") for x in report.get("success", [])] == ["create"], f"{short(report)}")
        expect(report.get("failure") == [], f"import failures: {short(report)}")
        apis = client.list_apis_v2(m.ListApisV2Request(instance_id=gw, group_id=copy))
        expect([a.name for a in apis.apis] == ["list-items"], f"{apis}")
        refused(lambda: client.show_async_task_result(m.ShowAsyncTaskResultRequest(instance_id=gw, task_id=MISSING)),
                404, "APIG.3040", label="show_async_task_result of a missing task")
        refused(lambda: client.export_api_definitions_async(m.ExportApiDefinitionsAsyncRequest(
            instance_id=gw, body=m.ExportOpenApiReq(group_id=MISSING, define="all", type="json"))), 404, "APIG.3001",
            label="export_api_definitions_async of a missing group")

    with section("quotas and outlines"):
        configs = client.list_project_cofigs_v2(m.ListProjectCofigsV2Request(instance_id=gw))
        limits = {c.config_name: (c.config_value, c.used) for c in configs.configs}
        expect(limits.get("API_NUM_LIMIT") == ("250", 2), f"{limits}")
        expect((limits.get("APIGROUP_NUM_LIMIT") or (None, None))[1] == 4, f"{limits}")
        instance = client.list_instance_configs_v2(m.ListInstanceConfigsV2Request())
        expect([c.config_name for c in instance.configs] == ["INSTANCE_NUM_LIMIT"], f"{instance}")
        outline = client.list_api_quantities_v2(m.ListApiQuantitiesV2Request(instance_id=gw))
        expect((outline.instance_num, outline.nums_on_release, outline.nums_off_release) == (2, 0, 2), f"{outline}")
        groups = client.list_api_groups_quantities_v2(m.ListApiGroupsQuantitiesV2Request(instance_id=gw))
        expect((groups.onsell_nums, groups.offsell_nums) == (0, 4), f"{groups}")


if __name__ == "__main__":
    run("apig_domains_sdk", main)
