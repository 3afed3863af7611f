"""Drives Portico's IAM API with Huawei's official SDK (huaweicloudsdkiam), as a user of
Huawei Cloud would: create a user and a group, grant APIG ReadOnlyAccess, create an access
key; then sign calls with that key through huaweicloudsdkcore and see them accepted, and
refused for an action the policy lacks; and sign with a temporary key and its security token.

Run by server/tests/it/compat.rs against a freshly started server; settings come from the
environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD.
"""
import os

import requests
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkiam.v3 import IamClient
from huaweicloudsdkiam.v3 import model as m

from portico import expect, run

URL = os.environ["PORTICO_URL"]
ADMIN_PASSWORD = os.environ["PORTICO_ADMIN_PASSWORD"]
USER_PASSWORD = "Tulip-Garden-2026"


def client(ak, sk, domain_id):
    credentials = GlobalCredentials(ak, sk, domain_id)
    return IamClient.new_builder().with_credentials(credentials).with_endpoint(URL).build()


def token_for(name, password):
    """A token through the SDK: the token request authenticates by its password."""
    anonymous = client("UNUSEDACCESSKEY00000", "unused-secret", "unused-domain")
    body = m.KeystoneCreateUserTokenByPasswordRequestBody(
        auth=m.PwdAuth(
            identity=m.PwdIdentity(
                methods=["password"],
                password=m.PwdPassword(
                    user=m.PwdPasswordUser(domain=m.PwdPasswordUserDomain(name="portico"), name=name, password=password)
                ),
            )
        )
    )
    response = anonymous.keystone_create_user_token_by_password(
        m.KeystoneCreateUserTokenByPasswordRequest(body=body)
    )
    expect(response.x_subject_token, "X-Subject-Token is returned")
    return response.x_subject_token, response.token.user.domain.id, response.token.project.id


def main():
    token, domain_id, project_id = token_for("admin", ADMIN_PASSWORD)

    # The administrator's own access key, created with the token (the SDK signs with AK/SK).
    me = requests.get(f"{URL}/v3/users?name=admin", headers={"X-Auth-Token": token}).json()["users"][0]
    created = requests.post(
        f"{URL}/v3.0/OS-CREDENTIAL/credentials",
        headers={"X-Auth-Token": token},
        json={"credential": {"user_id": me["id"], "description": "compat test"}},
    ).json()["credential"]
    admin = client(created["access"], created["secret"], domain_id)

    user = admin.keystone_create_user(
        m.KeystoneCreateUserRequest(
            body=m.KeystoneCreateUserRequestBody(
                user=m.KeystoneCreateUserOption(name="sdk-reader", domain_id=domain_id, password=USER_PASSWORD)
            )
        )
    ).user
    expect(user.name == "sdk-reader" and user.enabled, f"{user!r}")

    group = admin.keystone_create_group(
        m.KeystoneCreateGroupRequest(
            body=m.KeystoneCreateGroupRequestBody(
                group=m.KeystoneCreateGroupOption(name="sdk-readers", description="read-only APIG users")
            )
        )
    ).group
    admin.keystone_add_user_to_group(m.KeystoneAddUserToGroupRequest(group_id=group.id, user_id=user.id))
    admin.keystone_check_user_in_group(m.KeystoneCheckUserInGroupRequest(group_id=group.id, user_id=user.id))

    roles = admin.keystone_list_permissions(m.KeystoneListPermissionsRequest(display_name="APIG ReadOnlyAccess")).roles
    expect(len(roles) == 1, f"{roles!r}")
    admin.keystone_associate_group_with_project_permission(
        m.KeystoneAssociateGroupWithProjectPermissionRequest(project_id=project_id, group_id=group.id, role_id=roles[0].id)
    )
    granted = admin.keystone_list_project_permissions_for_group(
        m.KeystoneListProjectPermissionsForGroupRequest(project_id=project_id, group_id=group.id)
    ).roles
    expect([r.display_name for r in granted] == ["APIG ReadOnlyAccess"], f"{granted!r}")

    key = admin.create_permanent_access_key(
        m.CreatePermanentAccessKeyRequest(
            body=m.CreatePermanentAccessKeyRequestBody(
                credential=m.CreateCredentialOption(user_id=user.id, description="for the reader")
            )
        )
    ).credential
    expect(key.access and key.secret, f"{key!r}")
    listed = admin.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=user.id)).credentials
    expect([c.access for c in listed] == [key.access], f"{listed!r}")

    project = admin.keystone_create_project(
        m.KeystoneCreateProjectRequest(
            body=m.KeystoneCreateProjectRequestBody(
                project=m.KeystoneCreateProjectOption(name="sdk-staging", parent_id=domain_id, domain_id=domain_id)
            )
        )
    ).project
    renamed = admin.keystone_update_project(
        m.KeystoneUpdateProjectRequest(
            project_id=project.id,
            body=m.KeystoneUpdateProjectRequestBody(project=m.KeystoneUpdateProjectOption(name="sdk-stage")),
        )
    ).project
    expect(renamed.name == "sdk-stage", f"{renamed!r}")
    names = [p.name for p in admin.keystone_list_projects_for_user(
        m.KeystoneListProjectsForUserRequest(user_id=user.id)).projects]
    expect(sorted(names) == ["default", "sdk-stage"], f"{names!r}")
    admin.update_user_information(
        m.UpdateUserInformationRequest(
            user_id=user.id,
            body=m.UpdateUserInformationRequestBody(user=m.UpdateUserInformationOption(email="reader@example.com")),
        )
    )
    shown = admin.show_user(m.ShowUserRequest(user_id=user.id)).user
    expect(shown.email == "reader@example.com", f"{shown!r}")

    # The new user's key signs calls that are accepted ...
    reader = client(key.access, key.secret, domain_id)
    own = reader.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=user.id)).credentials
    expect([c.access for c in own] == [key.access], f"{own!r}")

    # ... and refused where the policy lacks the action.
    try:
        reader.keystone_create_user(
            m.KeystoneCreateUserRequest(
                body=m.KeystoneCreateUserRequestBody(
                    user=m.KeystoneCreateUserOption(name="sdk-intruder", domain_id=domain_id, password=USER_PASSWORD)
                )
            )
        )
    except ClientRequestException as error:
        # An IAM refusal, in IAM's shape: the SDK reads the status and the message.
        expect(error.status_code == 403, f"{error!r}")
        expect("iam:users:create" in error.error_msg, f"{error!r}")
        expect(error.request_id, f"{error!r}")
    else:
        expect(False, "a read-only user created a user")

    # A wrong secret is refused.
    try:
        client(key.access, "not-the-secret", domain_id).list_permanent_access_keys(
            m.ListPermanentAccessKeysRequest(user_id=user.id)
        )
    except ClientRequestException as error:
        expect(error.status_code == 401, f"{error!r}")
    else:
        expect(False, "a wrong secret was accepted")

    # A temporary key from the reader's token signs calls together with its security token.
    reader_token, _, _ = token_for("sdk-reader", USER_PASSWORD)
    temporary = reader.create_temporary_access_key_by_token(
        m.CreateTemporaryAccessKeyByTokenRequest(
            body=m.CreateTemporaryAccessKeyByTokenRequestBody(
                auth=m.TokenAuth(
                    identity=m.TokenAuthIdentity(
                        methods=["token"], token=m.IdentityToken(id=reader_token, duration_seconds=900)
                    )
                )
            )
        )
    ).credential
    expect(temporary.access and temporary.secret and temporary.securitytoken, f"{temporary!r}")
    short_lived = GlobalCredentials(temporary.access, temporary.secret, domain_id).with_security_token(
        temporary.securitytoken
    )
    short_client = IamClient.new_builder().with_credentials(short_lived).with_endpoint(URL).build()
    own = short_client.list_permanent_access_keys(m.ListPermanentAccessKeysRequest(user_id=user.id)).credentials
    expect([c.access for c in own] == [key.access], f"{own!r}")



if __name__ == "__main__":
    run("iam_sdk", main)
