"""What the compatibility scripts share: clients built the way SDK users build them, a
record of checks that keeps going after a failure (so one run lists every gap), and helpers
that check refusals, model completeness, paging and filters.

Settings come from the environment: PORTICO_URL, PORTICO_ADMIN_PASSWORD and, for scripts
that call the gateway, PORTICO_GATEWAY_URL.
"""
import contextlib
import datetime
import json
import os
import sys
import traceback

import requests
from huaweicloudsdkapig.v2 import ApigClient
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
import huaweicloudsdkcore.client as _core_client
from huaweicloudsdkcore.http.http_handler import HttpHandler
from huaweicloudsdkiam.v3 import IamClient

URL = os.environ["PORTICO_URL"].rstrip("/")
ADMIN_PASSWORD = os.environ["PORTICO_ADMIN_PASSWORD"]
GATEWAY_URL = os.environ.get("PORTICO_GATEWAY_URL", "").rstrip("/")
ACCOUNT = "portico"


# --- the record of checks -------------------------------------------------------------

class Checks:
    """Failures are recorded, not raised, so that one run reports every gap. A section that
    raises (an unexpected SDK error, a failed `assert`) is recorded and the next one runs."""

    def __init__(self):
        self.failures = []
        self.current = "setup"
        self.sections = 0

    def expect(self, condition, message):
        if not condition:
            self.failures.append(f"[{self.current}] {message}")
        return bool(condition)

    @contextlib.contextmanager
    def section(self, name):
        previous, self.current = self.current, name
        self.sections += 1
        try:
            yield
        except Exception as error:  # recorded; the script goes on with the next section
            where = traceback.extract_tb(error.__traceback__)
            line = next((f"{os.path.basename(f.filename)}:{f.lineno}" for f in reversed(where)
                         if f.filename.endswith(".py") and "/compat/" in f.filename), "?")
            self.failures.append(f"[{name}] raised at {line}: {describe(error)}")
        finally:
            self.current = previous

    def finish(self, script):
        missing = sorted(set(MISSING_REQUEST_ID))
        for call in missing:
            self.failures.append(f"[X-Request-Id] no X-Request-Id header on {call}")
        for field in sorted(UNKNOWN_FIELDS - KNOWN_EXTRAS):
            self.failures.append(f"[fields] Portico returns {field}, which the SDK model does not know")
        if self.failures:
            print(f"{script}: {len(self.failures)} check(s) FAILED", file=sys.stderr)
            for failure in self.failures:
                print(f"  - {failure}", file=sys.stderr)
            print(f"{script}: FAILED")
            sys.exit(1)
        print(f"{script}: all checks passed ({self.sections} sections)")


CHECKS = Checks()
expect = CHECKS.expect
section = CHECKS.section


def describe(error):
    if isinstance(error, (ClientRequestException, ServerResponseException)):
        return (f"{type(error).__name__} status={error.status_code} error_code={error.error_code!r} "
                f"error_msg={error.error_msg!r} request_id={error.request_id!r}")
    return f"{type(error).__name__}: {error}"


# --- clients --------------------------------------------------------------------------

MISSING_REQUEST_ID = []


def _record_request_id(**kwargs):
    response = kwargs.get("response")
    if response is not None and not response.headers.get("X-Request-Id"):
        path = response.request.path_url.split("?")[0]
        MISSING_REQUEST_ID.append(f"{response.request.method} {path} -> {response.status_code}")


def http_handler():
    """Every SDK response passes here: each must carry X-Request-Id."""
    return HttpHandler().add_response_handler(_record_request_id)


# Fields Portico returns that the SDK's models do not know; each must be one the real
# service returns too. Every response the SDK parses is compared with its model.
UNKNOWN_FIELDS = set()
KNOWN_EXTRAS = {
    # The export answers with the document itself (a file download), which the model
    # leaves unparsed.
    "ExportApiDefinitionsV2Response.basePath", "ExportApiDefinitionsV2Response.host",
    "ExportApiDefinitionsV2Response.info", "ExportApiDefinitionsV2Response.paths",
    "ExportApiDefinitionsV2Response.swagger",
    # APIG's mock backends answer with a status code and headers of their choice; this SDK
    # version's ApiMock predates them.
    "ApiMock.headers", "ApiMock.status_code",
}


def _unknown_fields(model, data):
    if not hasattr(model, "attribute_map") or not isinstance(data, dict):
        return
    known = {wire: attribute for attribute, wire in model.attribute_map.items()}
    for key, value in data.items():
        if key not in known:
            UNKNOWN_FIELDS.add(f"{type(model).__name__}.{key}")
            continue
        attribute = getattr(model, known[key], None)
        if isinstance(attribute, list) and isinstance(value, list):
            for item, raw in zip(attribute, value):
                _unknown_fields(item, raw)
        else:
            _unknown_fields(attribute, value)


def _compare_with_model(original):
    def handler(self, response, response_type, response_headers, progress_callback):
        parsed = original(self, response, response_type, response_headers, progress_callback)
        try:
            _unknown_fields(parsed, json.loads(response.content or b"null"))
        except ValueError:
            pass  # not JSON: nothing to compare
        return parsed
    return handler


_core_client.Client.sync_response_handler = _compare_with_model(_core_client.Client.sync_response_handler)


def token_for(name, password, project=None):
    """A token by password, with raw HTTP: (token, body)."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "password": password, "domain": {"name": ACCOUNT}}}}}}
    if project:
        body["auth"]["scope"] = {"project": project}
    response = requests.post(f"{URL}/v3/auth/tokens", json=body)
    response.raise_for_status()
    return response.headers["X-Subject-Token"], response.json()


class Admin:
    """The administrator: a token, its project and account, and an access key."""

    def __init__(self):
        self.token, body = token_for("admin", ADMIN_PASSWORD)
        self.project_id = body["token"]["project"]["id"]
        self.domain_id = body["token"]["user"]["domain"]["id"]
        self.user_id = body["token"]["user"]["id"]
        key = requests.post(
            f"{URL}/v3.0/OS-CREDENTIAL/credentials",
            headers={"X-Auth-Token": self.token},
            json={"credential": {"user_id": self.user_id, "description": "compat"}},
        ).json()["credential"]
        self.ak, self.sk = key["access"], key["secret"]

    def apig(self, project_id=None):
        credentials = BasicCredentials(self.ak, self.sk, project_id or self.project_id)
        return (ApigClient.new_builder().with_credentials(credentials).with_endpoint(URL)
                .with_http_handler(http_handler()).build())

    def iam(self):
        return iam_client(self.ak, self.sk, self.domain_id)

    def raw(self, method, path, token=None, **kwargs):
        """A raw request with the admin's token (or `token`; "" sends none)."""
        headers = dict(kwargs.pop("headers", {}))
        token = self.token if token is None else token
        if token:
            headers["X-Auth-Token"] = token
        response = requests.request(method, f"{URL}{path}", headers=headers, **kwargs)
        expect(response.headers.get("X-Request-Id"),
               f"no X-Request-Id header on raw {method} {path} -> {response.status_code}")
        return response

    def apig_path(self, tail):
        return f"/v2/{self.project_id}/apigw{tail}"


def iam_client(ak, sk, domain_id, security_token=None):
    credentials = GlobalCredentials(ak, sk, domain_id)
    if security_token:
        credentials = credentials.with_security_token(security_token)
    return (IamClient.new_builder().with_credentials(credentials).with_endpoint(URL)
            .with_http_handler(http_handler()).build())


_ADMIN = None


def admin():
    global _ADMIN
    if _ADMIN is None:
        _ADMIN = Admin()
    return _ADMIN


def admin_client():
    """An APIG client signing with an access key of the administrator."""
    return admin().apig()


# --- refusals -------------------------------------------------------------------------

def refused(call, status, code=None, *mentions, label=None, head=False):
    """`call` must fail with `status` (and APIG `code`), an error_msg naming each of
    `mentions`, and a request id. Returns the exception (None when it did not fail). A
    refused HEAD request has no body: `head` checks only its status and request id."""
    label = label or f"expected {status} {code or ''}".strip()
    try:
        result = call()
    except (ClientRequestException, ServerResponseException) as error:
        check_refusal(error, status, code, *mentions, label=label, head=head)
        return error
    expect(False, f"{label}: the call succeeded: {short(result)}")
    return None


def check_refusal(error, status, code=None, *mentions, label="refusal", head=False):
    """An SDK exception is the refusal expected: status (one, or a tuple of acceptable ones),
    APIG code, an error_msg naming each of `mentions`, a request id."""
    if not isinstance(error, (ClientRequestException, ServerResponseException)):
        expect(False, f"{label}: not an SDK refusal: {describe(error)}")
        return
    statuses = status if isinstance(status, tuple) else (status,)
    expect(error.status_code in statuses,
           f"{label}: status {error.status_code}, expected {status} ({describe(error)})")
    expect(error.request_id, f"{label}: no request id on the refusal ({describe(error)})")
    if head:
        return
    if code is not None:
        expect(error.error_code == code,
               f"{label}: error_code {error.error_code!r}, expected {code!r} ({describe(error)})")
    expect(bool(error.error_msg) and error.error_msg != str(error.status_code),
           f"{label}: empty error_msg ({describe(error)})")
    for mention in mentions:
        expect(mention.lower() in str(error.error_msg or "").lower(),
               f"{label}: error_msg does not name {mention!r}: {error.error_msg!r}")


def _refusal_body(response, status, label):
    """A raw refusal's label and JSON body (None when it is not JSON), its status checked."""
    label = label or f"{response.request.method} {response.request.path_url}"
    expect(response.status_code == status,
           f"{label}: status {response.status_code}, expected {status}: {response.text[:300]}")
    try:
        return label, response.json()
    except ValueError:
        expect(False, f"{label}: the body is not JSON: {response.text[:300]!r}")
        return label, None


def raw_refused(response, status, code=None, *mentions, label=None):
    """A raw response must be an APIG error: `status`, `{"error_code", "error_msg"}`."""
    label, body = _refusal_body(response, status, label)
    if body is None:
        return None
    if not expect(isinstance(body, dict) and "error_code" in body and "error_msg" in body,
                  f"{label}: not an APIG error body: {response.text[:300]}"):
        return body
    if code is not None:
        expect(body["error_code"] == code, f"{label}: error_code {body['error_code']!r}, expected {code!r}: "
                                           f"{body['error_msg']!r}")
    for mention in mentions:
        expect(mention.lower() in str(body["error_msg"]).lower(),
               f"{label}: error_msg does not name {mention!r}: {body['error_msg']!r}")
    return body


def iam_refused(response, status, label=None, *mentions):
    """A raw IAM refusal: `{"error": {"code", "message", "title"}}`, the message naming each
    of `mentions`."""
    label, body = _refusal_body(response, status, label)
    if body is None:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if expect(isinstance(error, dict), f"{label}: not an IAM error body: {response.text[:300]}"):
        for field in ("code", "message", "title"):
            expect(error.get(field) not in (None, ""), f"{label}: error.{field} is missing: {response.text[:300]}")
        for mention in mentions:
            expect(mention in str(error.get("message", "")), f"{label}: the message does not name {mention!r}: "
                                                             f"{error.get('message')!r}")
    return body


def short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# --- models ---------------------------------------------------------------------------

def parse_time(value):
    """An ISO-8601 time as APIG and IAM write them (`...Z`, fractions allowed)."""
    if isinstance(value, datetime.datetime):
        return value
    text = str(value).strip()
    if not text:
        raise ValueError("empty time")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def _is_time_name(name):
    return name.endswith("_time") or name.endswith("_at") or name in ("not_after", "not_before")


def check_model(obj, required=None, optional=(), label=None):
    """Every field a user reads is there: `required` names them, or else every field of the
    SDK model except `optional`. Ids must be non-empty, times parseable, types right."""
    label = label or type(obj).__name__
    if obj is None:
        expect(False, f"{label}: no object")
        return
    types = type(obj).openapi_types
    names = list(required) if required is not None else [n for n in types if n not in optional]
    for name in names:
        if not expect(name in types, f"{label}: the SDK model has no field {name!r}"):
            continue
        value = getattr(obj, name)
        kind = types[name]
        if not expect(value is not None, f"{label}.{name} is missing (None)"):
            continue
        if kind == "str":
            if not expect(isinstance(value, str), f"{label}.{name} is not a string: {value!r}"):
                continue
            if name == "id" or name.endswith("_id"):
                expect(value != "", f"{label}.{name} is empty")
            if _is_time_name(name):
                try:
                    for part in value.split("|"):  # APIG joins the times of several publications
                        parse_time(part)
                except ValueError:
                    expect(False, f"{label}.{name} is not a time: {value!r}")
        elif kind == "datetime":
            try:
                parse_time(value)
            except (ValueError, TypeError):
                expect(False, f"{label}.{name} is not a time: {value!r}")
        elif kind == "int":
            expect(isinstance(value, int) and not isinstance(value, bool), f"{label}.{name} is not an int: {value!r}")
        elif kind == "bool":
            expect(isinstance(value, bool), f"{label}.{name} is not a bool: {value!r}")
        elif kind.startswith("list["):
            expect(isinstance(value, list), f"{label}.{name} is not a list: {value!r}")


def check_models(items, required=None, optional=(), label=None):
    for i, item in enumerate(items or []):
        check_model(item, required, optional, f"{label or type(item).__name__}[{i}]")


# --- lists ----------------------------------------------------------------------------

def check_paging(fetch, items_of, key, label, minimum=3, counted=True):
    """`fetch(**query)` lists; `items_of(response)` its items; `key(item)` identifies one.
    With at least `minimum` items: the full list is consistent, `limit=2, offset=1` returns
    the second and third, and an offset past the end returns none with the same total.
    Returns the full list of items."""
    full = fetch(limit=500, offset=0)
    items = items_of(full) or []
    keys = [key(i) for i in items]
    expect(len(items) >= minimum, f"{label}: the test needs {minimum} items, found {len(items)}")
    if counted:
        expect(full.total == len(items), f"{label}: total {full.total} but {len(items)} items listed (limit 500)")
        expect(full.size == len(items), f"{label}: size {full.size} but {len(items)} items")
    expect(len(set(keys)) == len(keys), f"{label}: items listed twice: {keys}")
    page = fetch(limit=2, offset=1)
    got = [key(i) for i in items_of(page) or []]
    expect(got == keys[1:3], f"{label}: limit=2&offset=1 gave {got}, expected {keys[1:3]}")
    if counted:
        expect(page.size == len(got), f"{label}: limit=2&offset=1: size {page.size} for {len(got)} items")
        expect(page.total == len(items), f"{label}: limit=2&offset=1: total {page.total}, expected {len(items)}")
    past = fetch(limit=2, offset=len(items))
    rest = items_of(past) or []
    expect(rest == [], f"{label}: offset={len(items)} (past the end) gave {[key(i) for i in rest]}")
    if counted:
        expect(past.total == len(items), f"{label}: offset past the end: total {past.total}, expected {len(items)}")
        expect(past.size == 0, f"{label}: offset past the end: size {past.size}")
    return items


def check_filter(fetch, items_of, key, label, param, value, everything, matches,
                 strict=True, counted=True, may_be_empty=False):
    """`fetch(**{param: value})` must return exactly the items of `everything` for which
    `matches(item)` holds (the test makes sure some do not, so an ignored filter fails).
    When not `strict`, Portico may instead refuse the filter: 400 APIG.2012 naming it."""
    expected = sorted(key(i) for i in everything if matches(i))
    label = f"{label}: {param}={value!r}"
    if not may_be_empty:
        expect(expected, f"{label}: test setup: nothing matches")
    expect(len(expected) < len(everything), f"{label}: test setup: everything matches, the filter is not tested")
    try:
        response = fetch(**{param: value})
    except ClientRequestException as error:
        if strict:
            expect(False, f"{label}: refused: {describe(error)}")
        else:
            expect(error.status_code == 400 and param in (error.error_msg or ""),
                   f"{label}: refused, but not with a 400 naming {param!r}: {describe(error)}")
            if str(error.error_code or "").startswith("APIG"):
                expect(error.error_code == "APIG.2012", f"{label}: refused with {error.error_code}, expected APIG.2012")
        return None
    got = sorted(key(i) for i in items_of(response) or [])
    expect(got == expected, f"{label}: got {got}, expected {expected}")
    if counted:
        expect(response.total == len(expected), f"{label}: total {response.total}, expected {len(expected)}")
        expect(response.size == len(got), f"{label}: size {response.size} for {len(got)} items")
    return response


def check_bad_queries(adm, path, label=None, typed=()):
    """Raw requests to a list `path`: a non-numeric limit or offset and a negative offset are
    refused with 400 APIG.2012 naming the parameter; so is a non-numeric value of each of
    `typed` (numeric filters)."""
    label = label or path
    for param, value in [("limit", "abc"), ("offset", "abc"), ("offset", "-1")] + [(t, "abc") for t in typed]:
        response = adm.raw("GET", path, params={param: value})
        raw_refused(response, 400, "APIG.2012", param, label=f"{label}?{param}={value}")


def wait_task(client, m, gateway_id, task_id, seconds=30):
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        task = client.show_async_task_result(m.ShowAsyncTaskResultRequest(instance_id=gateway_id, task_id=task_id))
        if task.task_status in ("succeed", "failed"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} did not finish in {seconds} s")


def run(script, main):
    """Runs `main`, then reports every failed check."""
    with section("main"):
        main()
    CHECKS.finish(script)


def loads(text, label):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        expect(False, f"{label}: not JSON: {short(text)}")
        return None
