// The "Authorize credentials" wizard as a new user walks it: an APP-authenticated API is
// live; the wizard creates a credential, refuses bad input next to the field, authorizes it
// for the API in RELEASE and ends with sample code; the key and secret it shows sign a call
// the gateway lets through (signed here independently of Portico's own signer), while an
// unsigned call is refused. The credential's page reveals the same secret, lists the
// authorization and adds an AppCode; the API's Debug tab signs its call with the credential.
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { adminPassword, gatewayPort } from "../playwright.config";
import { adminToken, call, hydrated, shot, signIn, watchProblems } from "./support";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

// Calls the gateway for `host`, signed with SDK-HMAC-SHA256 when `key` and `secret` are
// given, as Huawei's signing SDKs sign: every header sent, sorted, with X-Sdk-Date.
function gatewayCall(host: string, path: string, signer?: { key: string; secret: string }) {
  const headers: Record<string, string> = { host, "content-type": "application/json" };
  if (signer) {
    const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    headers["x-sdk-date"] = date;
    const names = Object.keys(headers).sort();
    const uri = path.endsWith("/") ? path : `${path}/`;
    const canonical = [
      "GET",
      uri,
      "",
      names.map((n) => `${n}:${headers[n].trim()}\n`).join(""),
      names.join(";"),
      sha256(""),
    ].join("\n");
    const signature = createHmac("sha256", signer.secret)
      .update(`SDK-HMAC-SHA256\n${date}\n${sha256(canonical)}`)
      .digest("hex");
    headers.authorization = `SDK-HMAC-SHA256 Access=${signer.key}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  }
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const sent = httpRequest({ host: "127.0.0.1", port: gatewayPort, path, method: "GET", headers }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

test("the Authorize-credentials wizard creates and authorizes a credential whose signed calls pass", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const problems = watchProblems(page);
  const token = await adminToken(request);
  const projects = await call(request, token, "GET", "/v3/projects");
  const project = projects.projects.find((p: any) => p.name === "default").id;
  const stamp = Date.now().toString(36);
  const gateway = await call(request, token, "POST", `/v2/${project}/apigw/instances`, {
    instance_name: `gw-auth-${stamp}`,
    spec_id: "BASIC",
  });
  const base = `/v2/${project}/apigw/instances/${gateway.instance_id}`;
  const group = await call(request, token, "POST", `${base}/api-groups`, { name: `shop-${stamp}` });
  const api = await call(request, token, "POST", `${base}/apis`, {
    name: `hello-${stamp}`,
    group_id: group.id,
    type: 1,
    req_protocol: "BOTH",
    req_method: "GET",
    req_uri: "/hello",
    auth_type: "APP",
    auth_opt: { app_code_auth_type: "HEADER" },
    backend_type: "MOCK",
    mock_info: { result_content: "signed hello", status_code: 200 },
  });
  await call(request, token, "POST", `${base}/apis/action`, {
    action: "online",
    env_id: "DEFAULT_ENVIRONMENT_RELEASE_ID",
    api_id: api.id,
  });
  const host = `${group.id}.apig.localhost`;
  const gw = `/gateways/${gateway.instance_id}`;

  await signIn(page, "admin", adminPassword);
  await page.goto(`${gw}/credentials`);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "No credentials yet" })).toBeVisible();
  await page.getByRole("link", { name: "Authorize credentials" }).click();
  await hydrated(page);
  const currentStep = page.locator('[aria-current="step"]');

  // Step 1: a new credential, its name checked.
  await expect(currentStep).toContainText("Credential");
  await page.getByLabel("Credential", { exact: true }).selectOption({ label: "Create a new credential" });
  const name = page.getByLabel("New credential's name");
  await name.fill("x");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: name }).locator(".field-error")).toContainText("3 to 64");
  const credentialName = `mobile_${stamp}`;
  await name.fill(credentialName);
  await page.getByRole("button", { name: "Next" }).click();

  // Step 2: at least one API.
  await expect(currentStep).toContainText("APIs and environment");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert")).toContainText("Choose at least one API.");
  await page.getByRole("checkbox", { name: new RegExp(`hello-${stamp}`) }).check();
  await shot(page, "authorize-2-apis");
  await page.getByRole("button", { name: "Next" }).click();

  // Review, then authorize.
  await expect(currentStep).toContainText("Review");
  await expect(page.locator("main")).toContainText(`${credentialName} (new)`);
  await expect(page.locator("main")).toContainText(`hello-${stamp}`);
  await page.getByRole("button", { name: "Authorize", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Authorized: 1 authorization in RELEASE.");
  await shot(page, "authorize-4-done");
  const python = await page.getByTestId("python-sample").innerText();
  const key = /sig\.Key = "([^"]+)"/.exec(python)?.[1] ?? "";
  const secret = /sig\.Secret = "([^"]+)"/.exec(python)?.[1] ?? "";
  expect(key.length, python).toBe(32);
  expect(secret.length, python).toBe(32);
  expect(python).toContain(`http://${host}:${gatewayPort}/hello`);
  // The credential has no AppCode yet: the page says how to get one.
  await expect(page.locator("main")).toContainText("add one on the credential's page");

  // The gateway follows within moments: the signed call passes, an unsigned one is refused.
  await expect
    .poll(async () => (await gatewayCall(host, "/hello", { key, secret })).status, { timeout: 20_000 })
    .toBe(200);
  expect((await gatewayCall(host, "/hello", { key, secret })).body).toBe("signed hello");
  const unsigned = await gatewayCall(host, "/hello");
  expect(unsigned.status).toBe(401);
  expect(JSON.parse(unsigned.body).error_code).toBe("APIG.0303");
  const wrong = await gatewayCall(host, "/hello", { key, secret: "not-the-secret" });
  expect(wrong.status).toBe(401);

  // The credential's page: the same secret on demand, the authorization, an AppCode.
  await page.getByRole("link", { name: "Go to the credential" }).click();
  await hydrated(page);
  await expect(page.locator("h1")).toContainText(credentialName);
  await page.getByRole("button", { name: "Reveal secret" }).click();
  await expect(page.getByTestId("secret")).toHaveText(secret);
  await expect(page.getByRole("table", { name: "Authorized APIs" })).toContainText(`hello-${stamp}`);
  await page.getByRole("button", { name: "Add AppCode" }).click();
  await expect(page.getByRole("table", { name: "AppCodes" }).locator("code")).toHaveCount(1);
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("table", { name: "AppCodes" }).locator("code")).toHaveCount(1);
  await shot(page, "credential-detail");

  // The API's Debug tab signs its call with the credential, and the gateway lets it through.
  await page.goto(`${gw}/apis/${api.id}?tab=debug`);
  await hydrated(page);
  await expect(page.getByLabel("Sign with credential").locator("option:checked")).toHaveText(credentialName);
  await page.getByRole("button", { name: "Send" }).click();
  const result = page.getByRole("region", { name: "Debug result" });
  await expect(result.locator(".badge")).toHaveText("200");
  await expect(result).toContainText(`Authorization: SDK-HMAC-SHA256 Access=${key}`);
  await expect(result).toContainText("signed hello");
  await page.getByLabel("Sign with credential").selectOption({ label: "Do not sign" });
  await page.getByRole("button", { name: "Send" }).click();
  await expect(result.locator(".badge")).toHaveText("401");
  await shot(page, "debug-signed");
  expect(problems, "the wizard and the credential's page work without browser errors").toEqual([]);
});
