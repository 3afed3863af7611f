"""Credentials (apps) with Huawei's official SDK (huaweicloudsdkapig): created with generated
and with chosen keys and secrets, listed page by page and filtered as the SDK sends its
arguments, shown, renamed, their secrets reset (generated and chosen), and deleted. Each
refusal (a taken name or key, bad input, a missing credential) is an APIG error with its code,
and stores nothing.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import uuid

from huaweicloudsdkapig.v2 import model as m

from portico import admin, check_bad_queries, check_filter, check_model, check_models, check_paging, expect, refused, run, section

MISSING = uuid.uuid4().hex


def main():
    adm = admin()
    client = adm.apig()

    with section("setup: a gateway"):
        gw = client.create_instance_v2(m.CreateInstanceV2Request(
            body=m.InstanceCreateReqV2(instance_name="sdk-apps", spec_id="BASIC"))).instance_id

    def create(**fields):
        return client.create_an_app_v2(m.CreateAnAppV2Request(instance_id=gw, body=m.AppCreate(**fields)))

    def listed(**query):
        return client.list_apps_v2(m.ListAppsV2Request(instance_id=gw, **query))

    with section("create"):
        mobile = create(name="mobile", remark="phones")
        check_model(mobile, optional=["related_domain_id", "related_project_id", "roma_app_type"],
                    label="CreateAnAppV2Response")
        expect(len(mobile.app_key) == 32 and len(mobile.app_secret) == 32, f"generated key and secret: {mobile}")
        expect((mobile.status, mobile.creator, mobile.app_type) == (1, "USER", "apig"), f"{mobile}")
        partner = create(name="partner", app_key="partner-key-1", app_secret="Partner_Secret1")
        expect((partner.app_key, partner.app_secret) == ("partner-key-1", "Partner_Secret1"), f"{partner}")
        create(name="backoffice")
        refused(lambda: create(name="Mobile"), 400, "APIG.3203", "Mobile", label="a taken name")
        refused(lambda: create(name="third", app_key="partner-key-1"), 400, "APIG.3203", "key", label="a taken key")
        refused(lambda: create(name="9lives"), 400, "APIG.2012", "name", label="a name starting with a digit")
        refused(lambda: create(name="third", app_secret="short"), 400, "APIG.2012", "app_secret",
                label="a short secret")
        expect(listed().total == 3, "refusals stored nothing")

    with section("list, page by page and filtered"):
        everything = check_paging(listed, lambda r: r.apps, lambda a: a.id, "list_apps_v2")
        check_models(everything, optional=["related_domain_id", "related_project_id", "roma_app_type"],
                     label="AppInfoWithBindNum")
        expect(all(a.bind_num == 0 for a in everything), f"no credential is authorized yet: {everything}")
        key = lambda a: a.id  # noqa: E731
        check_filter(listed, lambda r: r.apps, key, "list_apps_v2", "name", "o", everything,
                     lambda a: "o" in a.name)
        check_filter(listed, lambda r: r.apps, key, "list_apps_v2", "id", mobile.id, everything,
                     lambda a: a.id == mobile.id)
        check_filter(listed, lambda r: r.apps, key, "list_apps_v2", "app_key", "partner-key-1", everything,
                     lambda a: a.app_key == "partner-key-1")
        exact = listed(name="mobil", precise_search="name")
        expect(exact.total == 0, f"precise_search=name matches whole names only: {exact}")
        expect(listed(name="mobile", precise_search="name").apps[0].id == mobile.id, "an exact name matches")
        expect(listed(status=1).total == 3 and listed(creator="USER").total == 3, "every credential is a valid user's")
        check_bad_queries(adm, adm.apig_path(f"/instances/{gw}/apps"), typed=["status"])

    with section("show, rename, reset the secret"):
        shown = client.show_details_of_app_v2(m.ShowDetailsOfAppV2Request(instance_id=gw, app_id=mobile.id))
        expect((shown.app_key, shown.app_secret) == (mobile.app_key, mobile.app_secret), f"{shown}")
        renamed = client.update_app_v2(m.UpdateAppV2Request(instance_id=gw, app_id=mobile.id,
                                                            body=m.AppCreate(name="mobile_v2", remark="renamed")))
        expect((renamed.name, renamed.remark, renamed.app_key) == ("mobile_v2", "renamed", mobile.app_key),
               f"{renamed}")
        refused(lambda: client.update_app_v2(m.UpdateAppV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppCreate(name="partner"))), 400, "APIG.3203", "partner",
            label="renaming to a taken name")
        generated = client.resetting_app_secret_v2(m.ResettingAppSecretV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppResetCreate()))
        expect(generated.app_secret != mobile.app_secret and len(generated.app_secret) == 32, f"{generated}")
        chosen = client.resetting_app_secret_v2(m.ResettingAppSecretV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppResetCreate(app_secret="Chosen_Secret9")))
        expect(chosen.app_secret == "Chosen_Secret9", f"{chosen}")
        refused(lambda: client.resetting_app_secret_v2(m.ResettingAppSecretV2Request(
            instance_id=gw, app_id=mobile.id, body=m.AppResetCreate(app_secret="bad secret"))),
            400, "APIG.2012", "app_secret", label="a secret with a space")
        outline = client.list_app_quantities_v2(m.ListAppQuantitiesV2Request(instance_id=gw))
        expect((outline.authed_nums, outline.unauthed_nums) == (0, 3), f"{outline}")

    with section("delete"):
        client.delete_app_v2(m.DeleteAppV2Request(instance_id=gw, app_id=mobile.id))
        refused(lambda: client.show_details_of_app_v2(m.ShowDetailsOfAppV2Request(instance_id=gw, app_id=mobile.id)),
                404, "APIG.3004", label="a deleted credential")
        refused(lambda: client.delete_app_v2(m.DeleteAppV2Request(instance_id=gw, app_id=MISSING)),
                404, "APIG.3004", label="a missing credential")
        expect(listed().total == 2, "the others stay")


if __name__ == "__main__":
    run("apig_credentials_sdk", main)
