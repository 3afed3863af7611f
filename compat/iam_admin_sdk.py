"""Every IAM operation Portico serves, through Huawei's official SDK (huaweicloudsdkiam), the
way an administrator scripts an account: tokens by password and by token, validated; the
account (domain); projects with descriptions; users in both APIs (Keystone and OS-USER), their
passwords and contact details; user groups and memberships; system roles, custom policies and
their grants in projects; permanent and temporary access keys. Lists are paged and filtered
with every filter their SDK request has; each refusal has its status and a message.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import datetime
import time
import uuid

from huaweicloudsdkiam.v3 import model as m

from portico import (ACCOUNT, ADMIN_PASSWORD, admin, check_filter, check_model, check_models, expect, iam_client,
                     iam_refused, parse_time, refused, run, section, short)

MISSING = uuid.uuid4().hex
ALICE_PASSWORD = "Alice-Garden-2026"
ALICE_NEW_PASSWORD = "Alice-Orchard-2027"
BOB_PASSWORD = "Bob-Meadow-2026"

GROUP_FIELDS = ["description", "id", "domain_id", "name", "links", "create_time"]
PROJECT_FIELDS = ["is_domain", "description", "links", "enabled", "id", "parent_id", "domain_id", "name"]
ROLE_FIELDS = ["catalog", "name", "description", "links", "id", "display_name", "type", "policy"]
CUSTOM_FIELDS = ["catalog", "display_name", "description", "links", "policy", "domain_id", "type", "id", "name",
                 "created_time"]


def anonymous():
    """The IAM SDK signs every call; a token request ignores the signature."""
    return iam_client("UNUSEDACCESSKEY00000", "unused-secret", "unused-domain")


def password_token(name, password, project=None, domain=None):
    scope = None
    if project or domain:
        scope = m.AuthScope(project=m.AuthScopeProject(**project) if project else None,
                            domain=m.AuthScopeDomain(**domain) if domain else None)
    body = m.KeystoneCreateUserTokenByPasswordRequestBody(auth=m.PwdAuth(
        identity=m.PwdIdentity(methods=["password"], password=m.PwdPassword(user=m.PwdPasswordUser(
            domain=m.PwdPasswordUserDomain(name=ACCOUNT), name=name, password=password))),
        scope=scope))
    return anonymous().keystone_create_user_token_by_password(m.KeystoneCreateUserTokenByPasswordRequest(body=body))


def check_token(token, label, user_name, project_id=None, methods=None):
    """A token's fields, as a user reads them: times, user, project, domains."""
    check_model(token, ["expires_at", "issued_at", "methods", "user"], label=label)
    try:
        expires, issued = parse_time(token.expires_at), parse_time(token.issued_at)
        now = datetime.datetime.now(datetime.timezone.utc)
        expect(issued <= now + datetime.timedelta(minutes=1) and expires > now, f"{label}: issued {issued}, expires {expires}")
    except (TypeError, ValueError):
        pass  # reported by check_model
    if methods:
        expect(token.methods == methods, f"{label}: methods {token.methods}")
    if token.user:
        check_model(token.user, ["id", "name", "domain"], label=f"{label}.user")
        expect(token.user.name == user_name, f"{label}: user {token.user.name}")
        if token.user.domain:
            check_model(token.user.domain, ["id", "name"], label=f"{label}.user.domain")
    if project_id is not None:
        check_model(token, ["project"], label=label)
        if token.project:
            check_model(token.project, ["id", "name", "domain"], label=f"{label}.project")
            expect(token.project.id == project_id, f"{label}: project {token.project.id}, expected {project_id}")
            if token.project.domain:
                check_model(token.project.domain, ["id", "name"], label=f"{label}.project.domain")


def check_pages(fetch, of, key, label, full):
    """IAM paging: page (from 1) and per_page."""
    keys = [key(i) for i in full]
    expect(len(keys) >= 4, f"{label}: the test needs 4 items, found {len(keys)}")
    first = [key(i) for i in of(fetch(page=1, per_page=2)) or []]
    second = [key(i) for i in of(fetch(page=2, per_page=2)) or []]
    expect(first == keys[0:2], f"{label}: page=1&per_page=2 gave {first}, expected {keys[0:2]}")
    expect(second == keys[2:4], f"{label}: page=2&per_page=2 gave {second}, expected {keys[2:4]}")


def main():
    adm = admin()
    iam = adm.iam()
    s = {}

    with section("tokens by password"):
        response = password_token("admin", ADMIN_PASSWORD)
        expect(response.x_subject_token, "no X-Subject-Token")
        check_token(response.token, "KeystoneCreateUserTokenByPasswordResponse.token", "admin", adm.project_id,
                    ["password"])
        s["admin_token"] = response.x_subject_token
        scoped = password_token("admin", ADMIN_PASSWORD, project={"name": "default"})
        check_token(scoped.token, "password token scoped to project name=default", "admin", adm.project_id)
        domain_scoped = password_token("admin", ADMIN_PASSWORD, domain={"name": ACCOUNT})
        check_model(domain_scoped.token, ["domain", "expires_at", "issued_at"], label="domain-scoped token")
        if domain_scoped.token.domain:
            check_model(domain_scoped.token.domain, ["id", "name"], label="domain-scoped token.domain")
            expect((domain_scoped.token.domain.id, domain_scoped.token.domain.name) == (adm.domain_id, ACCOUNT),
                   f"domain-scoped token.domain {domain_scoped.token.domain}")
        refused(lambda: password_token("admin", "not-the-password"), 401, None,
                label="a token with a wrong password")
        response = adm.raw("POST", "/v3/auth/tokens", token="", json={"auth": {"identity": {
            "methods": ["password"], "password": {"user": {"name": "admin", "password": "wrong",
                                                           "domain": {"name": ACCOUNT}}}}}})
        iam_refused(response, 401, label="POST /v3/auth/tokens with a wrong password (raw)")
        response = adm.raw("POST", "/v3/auth/tokens", token="", data="{not json",
                           headers={"Content-Type": "application/json"})
        iam_refused(response, 400, label="POST /v3/auth/tokens with a body that is not JSON")

    with section("tokens by token (scoped), validated"):
        body = m.KeystoneCreateScopedTokenRequestBody(auth=m.ScopedTokenAuth(
            identity=m.ScopedTokenIdentity(methods=["token"], token=m.ScopedToken(id=adm.token)),
            scope=m.TokenSocpeOption(project=m.ScopeProjectOption(id=adm.project_id))))
        scoped = anonymous().keystone_create_scoped_token(m.KeystoneCreateScopedTokenRequest(body=body))
        expect(scoped.x_subject_token and scoped.x_subject_token != adm.token, "no new X-Subject-Token")
        check_token(scoped.token, "KeystoneCreateScopedTokenResponse.token", "admin", adm.project_id, ["token"])
        check = adm.raw("GET", "/v3/auth/tokens", token=scoped.x_subject_token,
                        headers={"X-Subject-Token": scoped.x_subject_token})
        expect(check.status_code == 200, f"the scoped token does not authenticate: {check.status_code} {check.text[:200]}")
        bogus = m.KeystoneCreateScopedTokenRequestBody(auth=m.ScopedTokenAuth(
            identity=m.ScopedTokenIdentity(methods=["token"], token=m.ScopedToken(id="not-a-token")),
            scope=m.TokenSocpeOption(project=m.ScopeProjectOption(id=adm.project_id))))
        refused(lambda: anonymous().keystone_create_scoped_token(m.KeystoneCreateScopedTokenRequest(body=bogus)),
                401, None, label="keystone_create_scoped_token with a bogus token")
        validated = iam.keystone_validate_token(m.KeystoneValidateTokenRequest(x_subject_token=adm.token))
        check_token(validated.token, "KeystoneValidateTokenResponse.token", "admin", adm.project_id)
        refused(lambda: iam.keystone_validate_token(m.KeystoneValidateTokenRequest(x_subject_token="not-a-token")),
                404, None, label="keystone_validate_token of a bogus token")

    with section("the account"):
        domains = iam.keystone_list_auth_domains(m.KeystoneListAuthDomainsRequest())
        check_models(domains.domains, ["enabled", "id", "name", "links"], label="Domains")
        expect([(d.id, d.name) for d in domains.domains] == [(adm.domain_id, ACCOUNT)], f"{domains}")

    with section("projects"):
        made = {}
        for name, description in [("sdk-staging", "staging area"), ("sdk-prod", "production"), ("sdk-lab", "")]:
            project = iam.keystone_create_project(m.KeystoneCreateProjectRequest(
                body=m.KeystoneCreateProjectRequestBody(project=m.KeystoneCreateProjectOption(
                    name=name, parent_id=adm.domain_id, domain_id=adm.domain_id, description=description)))).project
            check_model(project, PROJECT_FIELDS, label="AuthProjectResult")
            expect(project.description == description, f"{name}: description {project.description!r}")
            made[name] = project.id
        s["projects"] = made
        shown = iam.keystone_show_project(m.KeystoneShowProjectRequest(project_id=made["sdk-staging"])).project
        check_model(shown, PROJECT_FIELDS, label="ProjectResult")
        expect(shown.description == "staging area", f"show: description {shown.description!r}")
        updated = iam.keystone_update_project(m.KeystoneUpdateProjectRequest(
            project_id=made["sdk-lab"], body=m.KeystoneUpdateProjectRequestBody(
                project=m.KeystoneUpdateProjectOption(name="sdk-research", description="research work")))).project
        check_model(updated, PROJECT_FIELDS, label="KeystoneUpdateProjectResult")
        expect((updated.name, updated.description) == ("sdk-research", "research work"), f"{updated}")
        fetch = lambda **q: iam.keystone_list_projects(m.KeystoneListProjectsRequest(**q))
        of = lambda r: r.projects
        key = lambda p: p.id
        projects = of(fetch())
        check_models(projects, PROJECT_FIELDS, label="ProjectResult")
        expect(sorted(p.name for p in projects) == ["default", "sdk-prod", "sdk-research", "sdk-staging"],
               f"{[p.name for p in projects]}")
        expect([p.description for p in projects if p.name == "sdk-staging"] == ["staging area"],
               "keystone_list_projects does not return the description")
        label = "keystone_list_projects"
        check_filter(fetch, of, key, label, "name", "sdk-prod", projects, lambda p: p.name == "sdk-prod", counted=False)
        check_filter(fetch, of, key, label, "domain_id", MISSING, projects, lambda p: False, counted=False,
                     may_be_empty=True)
        check_filter(fetch, of, key, label, "enabled", False, projects, lambda p: not p.enabled, counted=False,
                     may_be_empty=True)
        check_filter(fetch, of, key, label, "parent_id", MISSING, projects, lambda p: False, counted=False,
                     may_be_empty=True, strict=False)
        check_filter(fetch, of, key, label, "is_domain", True, projects, lambda p: p.is_domain, counted=False,
                     may_be_empty=True, strict=False)
        check_pages(fetch, of, key, label, projects)
        mine = iam.keystone_list_projects_for_user(m.KeystoneListProjectsForUserRequest(user_id=adm.user_id)).projects
        check_models(mine, PROJECT_FIELDS, label="keystone_list_projects_for_user ProjectResult")
        expect(sorted(p.id for p in mine) == sorted(p.id for p in projects), f"{[p.name for p in mine]}")
        federation = iam.keystone_list_federation_projects(m.KeystoneListFederationProjectsRequest()).projects
        check_models(federation, PROJECT_FIELDS, label="keystone_list_federation_projects AuthProjectResult")
        expect(sorted(p.id for p in federation) == sorted(p.id for p in projects), f"{[p.name for p in federation]}")
        scoped = password_token("admin", ADMIN_PASSWORD, project={"id": made["sdk-prod"]})
        check_token(scoped.token, "a token scoped to project sdk-prod", "admin", made["sdk-prod"])

    with section("project refusals"):
        refused(lambda: iam.keystone_show_project(m.KeystoneShowProjectRequest(project_id=MISSING)), 404,
                label="keystone_show_project of a missing project")
        refused(lambda: iam.keystone_update_project(m.KeystoneUpdateProjectRequest(
            project_id=MISSING, body=m.KeystoneUpdateProjectRequestBody(
                project=m.KeystoneUpdateProjectOption(description="x")))), 404,
            label="keystone_update_project of a missing project")
        refused(lambda: iam.keystone_create_project(m.KeystoneCreateProjectRequest(
            body=m.KeystoneCreateProjectRequestBody(project=m.KeystoneCreateProjectOption(
                name="sdk-prod", parent_id=adm.domain_id, domain_id=adm.domain_id)))), (400, 409), None, "sdk-prod",
            label="keystone_create_project with a taken name")
        iam_refused(adm.raw("GET", f"/v3/projects/{MISSING}"), 404, label="GET /v3/projects/<missing> (raw)")

    with section("users"):
        alice = iam.keystone_create_user(m.KeystoneCreateUserRequest(body=m.KeystoneCreateUserRequestBody(
            user=m.KeystoneCreateUserOption(name="sdk-alice", domain_id=adm.domain_id, password=ALICE_PASSWORD,
                                            description="reads things")))).user
        check_model(alice, ["domain_id", "name", "description", "links", "id", "enabled"],
                    label="KeystoneCreateUserResult")
        bob = iam.create_user(m.CreateUserRequest(body=m.CreateUserRequestBody(user=m.CreateUserOption(
            name="sdk-bob", domain_id=adm.domain_id, password=BOB_PASSWORD, email="bob@example.com",
            description="writes things")))).user
        check_model(bob, ["id", "name", "domain_id", "enabled", "email", "description", "create_time", "access_mode"],
                    label="CreateUserResult")
        carol = iam.keystone_create_user(m.KeystoneCreateUserRequest(body=m.KeystoneCreateUserRequestBody(
            user=m.KeystoneCreateUserOption(name="sdk-carol", domain_id=adm.domain_id, password=BOB_PASSWORD)))).user
        s.update(alice=alice.id, bob=bob.id, carol=carol.id)
        shown = iam.keystone_show_user(m.KeystoneShowUserRequest(user_id=alice.id)).user
        check_model(shown, ["domain_id", "name", "description", "links", "id", "enabled", "access_mode", "pwd_status"],
                    label="KeystoneShowUserResult")
        changed = iam.keystone_update_user_by_admin(m.KeystoneUpdateUserByAdminRequest(
            user_id=bob.id, body=m.KeystoneUpdateUserByAdminRequestBody(user=m.KeystoneUpdateUserOption(
                enabled=False, description="on leave")))).user
        check_model(changed, ["domain_id", "name", "description", "links", "id", "enabled"],
                    label="KeystoneUpdateUserByAdminResult")
        expect(changed.enabled is False and changed.description == "on leave", f"{changed}")
        updated = iam.update_user(m.UpdateUserRequest(user_id=alice.id, body=m.UpdateUserRequestBody(
            user=m.UpdateUserOption(email="alice@example.com", description="reads everything")))).user
        check_model(updated, ["id", "name", "domain_id", "enabled", "email", "description", "links"],
                    label="UpdateUserResult")
        expect(updated.email == "alice@example.com", f"{updated}")
        iam.update_user_information(m.UpdateUserInformationRequest(user_id=carol.id, body=m.UpdateUserInformationRequestBody(
            user=m.UpdateUserInformationOption(email="carol@example.com"))))
        detail = iam.show_user(m.ShowUserRequest(user_id=carol.id)).user
        check_model(detail, ["enabled", "id", "domain_id", "name", "links", "email", "create_time", "is_domain_owner",
                             "access_mode", "description", "pwd_status"], label="ShowUserResult")
        expect(detail.email == "carol@example.com" and detail.is_domain_owner is False, f"{detail}")
        fetch = lambda **q: iam.keystone_list_users(m.KeystoneListUsersRequest(**q))
        of = lambda r: r.users
        key = lambda u: u.id
        users = of(fetch())
        check_models(users, ["domain_id", "name", "description", "links", "id", "enabled", "access_mode"],
                     label="KeystoneListUsersResult")
        expect(sorted(u.name for u in users) == ["admin", "sdk-alice", "sdk-bob", "sdk-carol"], f"{[u.name for u in users]}")
        label = "keystone_list_users"
        check_filter(fetch, of, key, label, "name", "sdk-alice", users, lambda u: u.name == "sdk-alice", counted=False)
        check_filter(fetch, of, key, label, "enabled", False, users, lambda u: u.enabled is False, counted=False)
        check_filter(fetch, of, key, label, "enabled", True, users, lambda u: u.enabled is True, counted=False)
        check_filter(fetch, of, key, label, "domain_id", MISSING, users, lambda u: False, counted=False, may_be_empty=True)
        check_filter(fetch, of, key, label, "password_expires_at", "lt:2000-01-01T00:00:00Z", users, lambda u: False,
                     counted=False, may_be_empty=True, strict=False)

    with section("a user's own password"):
        key = iam.create_permanent_access_key(m.CreatePermanentAccessKeyRequest(
            body=m.CreatePermanentAccessKeyRequestBody(credential=m.CreateCredentialOption(
                user_id=s["alice"], description="alice's key")))).credential
        s["alice_key"] = key
        own = iam_client(key.access, key.secret, adm.domain_id)
        own.keystone_update_user_password(m.KeystoneUpdateUserPasswordRequest(
            user_id=s["alice"], body=m.KeystoneUpdateUserPasswordRequestBody(user=m.KeystoneUpdatePasswordOption(
                original_password=ALICE_PASSWORD, password=ALICE_NEW_PASSWORD))))
        token = password_token("sdk-alice", ALICE_NEW_PASSWORD)
        check_token(token.token, "alice's token with her new password", "sdk-alice", adm.project_id)
        refused(lambda: password_token("sdk-alice", ALICE_PASSWORD), 401, label="a token with the old password")
        validated = iam.keystone_validate_token(m.KeystoneValidateTokenRequest(x_subject_token=token.x_subject_token))
        check_token(validated.token, "the admin validating alice's token", "sdk-alice", adm.project_id)
        refused(lambda: own.keystone_update_user_password(m.KeystoneUpdateUserPasswordRequest(
            user_id=s["carol"], body=m.KeystoneUpdateUserPasswordRequestBody(user=m.KeystoneUpdatePasswordOption(
                original_password=BOB_PASSWORD, password=ALICE_NEW_PASSWORD)))), 403,
            label="keystone_update_user_password of another user")

    with section("user refusals"):
        refused(lambda: iam.keystone_create_user(m.KeystoneCreateUserRequest(body=m.KeystoneCreateUserRequestBody(
            user=m.KeystoneCreateUserOption(name="sdk-alice", domain_id=adm.domain_id, password=ALICE_PASSWORD)))),
            409, None, "sdk-alice", label="keystone_create_user with a taken name")
        refused(lambda: iam.keystone_show_user(m.KeystoneShowUserRequest(user_id=MISSING)), 404,
                label="keystone_show_user of a missing user")
        refused(lambda: iam.show_user(m.ShowUserRequest(user_id=MISSING)), 404, label="show_user of a missing user")
        refused(lambda: iam.keystone_update_user_by_admin(m.KeystoneUpdateUserByAdminRequest(
            user_id=MISSING, body=m.KeystoneUpdateUserByAdminRequestBody(user=m.KeystoneUpdateUserOption(
                description="x")))), 404, label="keystone_update_user_by_admin of a missing user")
        refused(lambda: iam.keystone_delete_user(m.KeystoneDeleteUserRequest(user_id=MISSING)), 404,
                label="keystone_delete_user of a missing user")
        iam_refused(adm.raw("GET", f"/v3/users/{MISSING}"), 404, label="GET /v3/users/<missing> (raw)")
        iam.keystone_delete_user(m.KeystoneDeleteUserRequest(user_id=s["carol"]))
        refused(lambda: iam.keystone_show_user(m.KeystoneShowUserRequest(user_id=s["carol"])), 404,
                label="keystone_show_user of a deleted user")

    with section("user groups and members"):
        groups = {}
        for name, description in [("sdk-readers", "read-only APIG users"), ("sdk-writers", "APIG editors"),
                                  ("sdk-ops", "operators")]:
            group = iam.keystone_create_group(m.KeystoneCreateGroupRequest(body=m.KeystoneCreateGroupRequestBody(
                group=m.KeystoneCreateGroupOption(name=name, description=description)))).group
            check_model(group, GROUP_FIELDS, label="KeystoneGroupResultWithLinksSelf")
            now_ms = time.time() * 1000
            expect(isinstance(group.create_time, int) and abs(group.create_time - now_ms) < 3_600_000,
                   f"{name}: create_time {group.create_time!r} is not the creation time in ms since 1970")
            groups[name] = group.id
        s["groups"] = groups
        readers = groups["sdk-readers"]
        shown = iam.keystone_show_group(m.KeystoneShowGroupRequest(group_id=readers)).group
        check_model(shown, GROUP_FIELDS, label="KeystoneGroupResult")
        updated = iam.keystone_update_group(m.KeystoneUpdateGroupRequest(
            group_id=groups["sdk-ops"], body=m.KeystoneUpdateGroupRequestBody(
                group=m.KeystoneUpdateGroupOption(description="on-call operators")))).group
        check_model(updated, GROUP_FIELDS, label="keystone_update_group KeystoneGroupResultWithLinksSelf")
        expect(updated.description == "on-call operators", f"{updated}")
        fetch = lambda **q: iam.keystone_list_groups(m.KeystoneListGroupsRequest(**q))
        of = lambda r: r.groups
        key = lambda g: g.id
        listed = of(fetch())
        check_models(listed, GROUP_FIELDS, label="keystone_list_groups KeystoneGroupResult")
        check_filter(fetch, of, key, "keystone_list_groups", "name", "sdk-writers", listed,
                     lambda g: g.name == "sdk-writers", counted=False)
        check_filter(fetch, of, key, "keystone_list_groups", "domain_id", MISSING, listed, lambda g: False,
                     counted=False, may_be_empty=True)
        for group_id in (readers, groups["sdk-writers"]):
            iam.keystone_add_user_to_group(m.KeystoneAddUserToGroupRequest(group_id=group_id, user_id=s["alice"]))
        iam.keystone_check_user_in_group(m.KeystoneCheckUserInGroupRequest(group_id=readers, user_id=s["alice"]))
        of_user = iam.keystone_list_groups_for_user(m.KeystoneListGroupsForUserRequest(user_id=s["alice"])).groups
        check_models(of_user, GROUP_FIELDS, label="keystone_list_groups_for_user KeystoneGroupResult")
        expect(sorted(g.name for g in of_user) == ["sdk-readers", "sdk-writers"], f"{of_user}")
        members = iam.keystone_list_users_for_group_by_admin(
            m.KeystoneListUsersForGroupByAdminRequest(group_id=readers)).users
        check_models(members, ["domain_id", "name", "description", "links", "id", "enabled"], label="KeystoneUserResult")
        expect([u.name for u in members] == ["sdk-alice"], f"{members}")
        iam.keystone_remove_user_from_group(m.KeystoneRemoveUserFromGroupRequest(
            group_id=groups["sdk-writers"], user_id=s["alice"]))
        refused(lambda: iam.keystone_check_user_in_group(m.KeystoneCheckUserInGroupRequest(
            group_id=groups["sdk-writers"], user_id=s["alice"])), 404, label="keystone_check_user_in_group after removal",
            head=True)
        iam.keystone_delete_group(m.KeystoneDeleteGroupRequest(group_id=groups["sdk-ops"]))
        refused(lambda: iam.keystone_show_group(m.KeystoneShowGroupRequest(group_id=groups["sdk-ops"])), 404,
                label="keystone_show_group of a deleted group")

    with section("user group refusals"):
        refused(lambda: iam.keystone_create_group(m.KeystoneCreateGroupRequest(body=m.KeystoneCreateGroupRequestBody(
            group=m.KeystoneCreateGroupOption(name="sdk-readers")))), 409, None, "sdk-readers",
            label="keystone_create_group with a taken name")
        refused(lambda: iam.keystone_update_group(m.KeystoneUpdateGroupRequest(
            group_id=MISSING, body=m.KeystoneUpdateGroupRequestBody(group=m.KeystoneUpdateGroupOption(description="x")))),
            404, label="keystone_update_group of a missing group")
        refused(lambda: iam.keystone_delete_group(m.KeystoneDeleteGroupRequest(group_id=MISSING)), 404,
                label="keystone_delete_group of a missing group")
        refused(lambda: iam.keystone_add_user_to_group(m.KeystoneAddUserToGroupRequest(
            group_id=s["groups"]["sdk-readers"], user_id=MISSING)), 404, label="keystone_add_user_to_group of a missing user")
        iam_refused(adm.raw("GET", f"/v3/groups/{MISSING}"), 404, label="GET /v3/groups/<missing> (raw)")

    with section("system roles"):
        fetch = lambda **q: iam.keystone_list_permissions(m.KeystoneListPermissionsRequest(**q))
        of = lambda r: r.roles
        key = lambda r: r.id
        everything = fetch()
        roles = of(everything)
        check_models(roles, ROLE_FIELDS, label="RoleResult")
        expect(everything.total_number == len(roles), f"total_number {everything.total_number} for {len(roles)} roles")
        label = "keystone_list_permissions"
        reader = [r for r in roles if r.display_name == "APIG ReadOnlyAccess"]
        expect(len(reader) == 1, f"{[r.display_name for r in roles]}")
        s["reader_role"] = reader[0].id if reader else None
        iam_reader = [r.id for r in roles if r.display_name == "IAM ReadOnlyAccess"]
        expect(len(iam_reader) == 1, f"{[r.display_name for r in roles]}")
        s["iam_reader_role"] = iam_reader[0] if iam_reader else None
        check_filter(fetch, of, key, label, "display_name", "APIG ReadOnlyAccess", roles,
                     lambda r: r.display_name == "APIG ReadOnlyAccess", counted=False)
        if reader:
            check_filter(fetch, of, key, label, "name", reader[0].name, roles, lambda r: r.name == reader[0].name,
                         counted=False)
        check_filter(fetch, of, key, label, "catalog", "NO-SUCH-CATALOG", roles, lambda r: False, counted=False,
                     may_be_empty=True)
        check_filter(fetch, of, key, label, "permission_type", "role", roles, lambda r: r.flag != "fine_grained",
                     counted=False, may_be_empty=True, strict=False)
        # Every system role and policy applies in projects: "domain" is the filter that excludes some.
        check_filter(fetch, of, key, label, "type", "domain", roles, lambda r: r.type in ("AA", "AX"), counted=False,
                     may_be_empty=True, strict=False)
        check_pages(fetch, of, key, label, roles)
        page = fetch(page=1, per_page=2)
        expect(page.total_number == len(roles), f"page=1&per_page=2: total_number {page.total_number}, expected {len(roles)}")
        if reader:
            shown = iam.keystone_show_permission(m.KeystoneShowPermissionRequest(role_id=reader[0].id)).role
            check_model(shown, ROLE_FIELDS, label="keystone_show_permission RoleResult")
        refused(lambda: iam.keystone_show_permission(m.KeystoneShowPermissionRequest(role_id=MISSING)), 404,
                label="keystone_show_permission of a missing role")

    with section("custom policies"):
        def policy(actions):
            return m.ServicePolicy(version="1.1", statement=[m.ServiceStatement(effect="Allow", action=actions)])
        customs = {}
        for name, actions in [("sdk-apig-reader", ["apig:*:get*", "apig:*:list*"]), ("sdk-apig-publisher", ["apig:apis:publish"]),
                              ("sdk-apig-debugger", ["apig:apis:debug"]), ("sdk-apig-exporter", ["apig:apis:export"])]:
            created = iam.create_cloud_service_custom_policy(m.CreateCloudServiceCustomPolicyRequest(
                body=m.CreateCloudServiceCustomPolicyRequestBody(role=m.ServicePolicyRoleOption(
                    display_name=name, type="XA", description=f"{name} policy", policy=policy(actions))))).role
            check_model(created, CUSTOM_FIELDS, label="ServicePolicyRoleResult")
            expect(created.display_name == name and created.domain_id == adm.domain_id, f"{short(created)}")
            customs[name] = created.id
        s["customs"] = customs
        fetch = lambda **q: iam.list_custom_policies(m.ListCustomPoliciesRequest(**q))
        of = lambda r: r.roles
        key = lambda r: r.id
        listed = fetch()
        check_models(listed.roles, CUSTOM_FIELDS, label="ListPolicyRoleResult")
        expect(sorted(r.display_name for r in listed.roles) == sorted(customs), f"{[r.display_name for r in listed.roles]}")
        expect(listed.total_number == len(customs), f"total_number {listed.total_number}")
        check_pages(fetch, of, key, "list_custom_policies", listed.roles)
        in_domain = iam.keystone_list_permissions(m.KeystoneListPermissionsRequest(domain_id=adm.domain_id)).roles
        expect(sorted(r.id for r in in_domain) == sorted(customs.values()),
               f"keystone_list_permissions domain_id=<account>: {[r.display_name for r in in_domain]}, expected the custom policies")
        shown = iam.show_custom_policy(m.ShowCustomPolicyRequest(role_id=customs["sdk-apig-reader"])).role
        check_model(shown, CUSTOM_FIELDS, label="ShowPolicyRoleResult")
        changed = iam.update_cloud_service_custom_policy(m.UpdateCloudServiceCustomPolicyRequest(
            role_id=customs["sdk-apig-debugger"], body=m.UpdateCloudServiceCustomPolicyRequestBody(
                role=m.ServicePolicyRoleOption(display_name="sdk-apig-debugger", type="XA",
                                               description="debugs APIs", policy=policy(["apig:apis:debug"]))))).role
        check_model(changed, CUSTOM_FIELDS + ["updated_time"], label="update ServicePolicyRoleResult")
        expect(changed.description == "debugs APIs", f"{short(changed)}")
        iam.delete_custom_policy(m.DeleteCustomPolicyRequest(role_id=customs["sdk-apig-exporter"]))
        refused(lambda: iam.show_custom_policy(m.ShowCustomPolicyRequest(role_id=customs["sdk-apig-exporter"])), 404,
                label="show_custom_policy of a deleted policy")

    with section("custom policy refusals"):
        refused(lambda: iam.create_cloud_service_custom_policy(m.CreateCloudServiceCustomPolicyRequest(
            body=m.CreateCloudServiceCustomPolicyRequestBody(role=m.ServicePolicyRoleOption(
                display_name="sdk-apig-reader", type="XA", description="again",
                policy=m.ServicePolicy(version="1.1", statement=[m.ServiceStatement(effect="Allow", action=["apig:*:get*"])]))))),
            409, None, "sdk-apig-reader", label="create_cloud_service_custom_policy with a taken name")
        refused(lambda: iam.update_cloud_service_custom_policy(m.UpdateCloudServiceCustomPolicyRequest(
            role_id=MISSING, body=m.UpdateCloudServiceCustomPolicyRequestBody(role=m.ServicePolicyRoleOption(
                display_name="ghost", type="XA", description="x",
                policy=m.ServicePolicy(version="1.1", statement=[m.ServiceStatement(effect="Allow", action=["apig:*:get*"])]))))),
            404, label="update_cloud_service_custom_policy of a missing policy")
        refused(lambda: iam.delete_custom_policy(m.DeleteCustomPolicyRequest(role_id=MISSING)), 404,
                label="delete_custom_policy of a missing policy")
        refused(lambda: iam.show_custom_policy(m.ShowCustomPolicyRequest(role_id=MISSING)), 404,
                label="show_custom_policy of a missing policy")

    with section("grants to groups in projects"):
        project_id = s["projects"]["sdk-staging"]
        readers = s["groups"]["sdk-readers"]
        custom = s["customs"]["sdk-apig-reader"]
        for role_id in (custom, s["reader_role"]):
            iam.keystone_associate_group_with_project_permission(m.KeystoneAssociateGroupWithProjectPermissionRequest(
                project_id=project_id, group_id=readers, role_id=role_id))
        iam.keystone_check_project_permission_for_group(m.KeystoneCheckProjectPermissionForGroupRequest(
            project_id=project_id, group_id=readers, role_id=custom))
        granted = iam.keystone_list_project_permissions_for_group(m.KeystoneListProjectPermissionsForGroupRequest(
            project_id=project_id, group_id=readers)).roles
        check_models(granted, ROLE_FIELDS, label="keystone_list_project_permissions_for_group RoleResult")
        expect(sorted(r.id for r in granted) == sorted([custom, s["reader_role"]]), f"{[r.display_name for r in granted]}")
        elsewhere = iam.keystone_list_project_permissions_for_group(m.KeystoneListProjectPermissionsForGroupRequest(
            project_id=adm.project_id, group_id=readers)).roles
        expect(elsewhere == [], f"grants in sdk-staging listed in default: {elsewhere}")
        iam.keystone_remove_project_permission_from_group(m.KeystoneRemoveProjectPermissionFromGroupRequest(
            project_id=project_id, group_id=readers, role_id=custom))
        refused(lambda: iam.keystone_check_project_permission_for_group(m.KeystoneCheckProjectPermissionForGroupRequest(
            project_id=project_id, group_id=readers, role_id=custom)), 404,
            label="keystone_check_project_permission_for_group after removal", head=True)
        refused(lambda: iam.keystone_associate_group_with_project_permission(
            m.KeystoneAssociateGroupWithProjectPermissionRequest(project_id=project_id, group_id=readers, role_id=MISSING)),
            404, label="keystone_associate_group_with_project_permission of a missing role")

    with section("grants in all projects (domain and OS-INHERIT calls)"):
        readers = s["groups"]["sdk-readers"]
        role_id = s["iam_reader_role"]
        refused(lambda: iam.keystone_associate_group_with_project_permission(
            m.KeystoneAssociateGroupWithProjectPermissionRequest(project_id=s["projects"]["sdk-staging"],
                                                                 group_id=readers, role_id=role_id)),
            400, None, "grant it in all projects", label="IAM ReadOnlyAccess in one project")
        iam.keystone_associate_group_with_domain_permission(m.KeystoneAssociateGroupWithDomainPermissionRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        iam.keystone_check_domain_permission_for_group(m.KeystoneCheckDomainPermissionForGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        iam.keystone_checkrole_for_group(m.KeystoneCheckroleForGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        direct = iam.keystone_list_domain_permissions_for_group(m.KeystoneListDomainPermissionsForGroupRequest(
            domain_id=adm.domain_id, group_id=readers)).roles
        check_models(direct, ROLE_FIELDS, label="keystone_list_domain_permissions_for_group RoleResult")
        expect([r.id for r in direct] == [role_id], f"{[r.display_name for r in direct]}")
        inherited = iam.keystone_list_all_project_permissions_for_group(
            m.KeystoneListAllProjectPermissionsForGroupRequest(domain_id=adm.domain_id, group_id=readers)).roles
        check_models(inherited, ROLE_FIELDS, label="keystone_list_all_project_permissions_for_group InheritedRoleResult")
        expect([r.id for r in inherited] == [role_id], f"{[r.display_name for r in inherited]}")
        iam.keystone_remove_domain_permission_from_group(m.KeystoneRemoveDomainPermissionFromGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        refused(lambda: iam.keystone_checkrole_for_group(m.KeystoneCheckroleForGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id)), 404,
            label="keystone_checkrole_for_group after removal", head=True)
        iam.update_domain_group_inherit_role(m.UpdateDomainGroupInheritRoleRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        iam.keystone_check_domain_permission_for_group(m.KeystoneCheckDomainPermissionForGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        iam.delete_domain_group_inherited_role(m.DeleteDomainGroupInheritedRoleRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id))
        refused(lambda: iam.keystone_check_domain_permission_for_group(m.KeystoneCheckDomainPermissionForGroupRequest(
            domain_id=adm.domain_id, group_id=readers, role_id=role_id)), 404,
            label="keystone_check_domain_permission_for_group after removal", head=True)
        refused(lambda: iam.keystone_associate_group_with_domain_permission(
            m.KeystoneAssociateGroupWithDomainPermissionRequest(domain_id=MISSING, group_id=readers, role_id=role_id)),
            404, label="keystone_associate_group_with_domain_permission in another domain")

    with section("access keys"):
        key = s["alice_key"]
        second = iam.create_permanent_access_key(m.CreatePermanentAccessKeyRequest(
            body=m.CreatePermanentAccessKeyRequestBody(credential=m.CreateCredentialOption(
                user_id=s["alice"], description="second")))).credential
        check_model(second, label="CreateCredentialResult")
        fetch = lambda **q: iam.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(**q))
        of = lambda r: r.credentials
        mine = of(fetch())
        expect(all(c.user_id == adm.user_id for c in mine) and mine, f"the caller's own keys: {short(mine)}")
        alice_keys = of(fetch(user_id=s["alice"]))
        check_models(alice_keys, label="Credentials")
        expect(sorted(c.access for c in alice_keys) == sorted([key.access, second.access]), f"{short(alice_keys)}")
        expect(not {c.access for c in mine} & {c.access for c in alice_keys}, "user_id= is not filtered")
        own = iam_client(key.access, key.secret, adm.domain_id)
        own.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=s["alice"]))  # uses the key
        shown = iam.show_permanent_access_key(m.ShowPermanentAccessKeyRequest(access_key=key.access)).credential
        check_model(shown, label="ShowCredential")  # every field, last_use_time included
        expect(shown.user_id == s["alice"] and shown.status == "active", f"{shown}")
        changed = iam.update_permanent_access_key(m.UpdatePermanentAccessKeyRequest(
            access_key=second.access, body=m.UpdatePermanentAccessKeyRequestBody(
                credential=m.UpdateCredentialOption(status="inactive", description="paused")))).credential
        check_model(changed, label="UpdateCredentialResult")
        expect((changed.status, changed.description) == ("inactive", "paused"), f"{changed}")
        paused = iam_client(second.access, second.secret, adm.domain_id)
        refused(lambda: paused.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=s["alice"])), 401,
                label="a call signed with an inactive key")
        iam.delete_permanent_access_key(m.DeletePermanentAccessKeyRequest(access_key=second.access))
        refused(lambda: iam.show_permanent_access_key(m.ShowPermanentAccessKeyRequest(access_key=second.access)), 404,
                label="show_permanent_access_key of a deleted key")
        refused(lambda: iam.delete_permanent_access_key(m.DeletePermanentAccessKeyRequest(access_key=second.access)), 404,
                label="delete_permanent_access_key of a deleted key")
        refused(lambda: iam.create_permanent_access_key(m.CreatePermanentAccessKeyRequest(
            body=m.CreatePermanentAccessKeyRequestBody(credential=m.CreateCredentialOption(user_id=MISSING)))), 404,
            label="create_permanent_access_key for a missing user")

    with section("temporary access keys"):
        alice_token = password_token("sdk-alice", ALICE_NEW_PASSWORD).x_subject_token
        temporary = iam.create_temporary_access_key_by_token(m.CreateTemporaryAccessKeyByTokenRequest(
            body=m.CreateTemporaryAccessKeyByTokenRequestBody(auth=m.TokenAuth(identity=m.TokenAuthIdentity(
                methods=["token"], token=m.IdentityToken(id=alice_token, duration_seconds=900)))))).credential
        check_model(temporary, label="Credential")
        short_lived = iam_client(temporary.access, temporary.secret, adm.domain_id, temporary.securitytoken)
        listed = short_lived.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=s["alice"])).credentials
        expect([c.access for c in listed] == [s["alice_key"].access], f"{short(listed)}")
        refused(lambda: iam.create_temporary_access_key_by_token(m.CreateTemporaryAccessKeyByTokenRequest(
            body=m.CreateTemporaryAccessKeyByTokenRequestBody(auth=m.TokenAuth(identity=m.TokenAuthIdentity(
                methods=["token"], token=m.IdentityToken(id="not-a-token", duration_seconds=900)))))), 401,
            label="create_temporary_access_key_by_token with a bogus token")


if __name__ == "__main__":
    run("iam_admin_sdk", main)
