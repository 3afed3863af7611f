// Every console route, loaded directly (a full page load and a reload) with a gateway, an
// API group, an API and a user present: no page error, no console error (a hydration
// mismatch shows as one), each heading names its resource, every page answers a click
// once hydrated, and nothing is out of line (at 1280 and at 1024 pixels wide). With
// JavaScript off, every reading page shows its data, the top bar and the navigation.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { adminToken, call, hydrated, layoutProblems, signIn, watchProblems } from "./support";

type Fixture = {
  gateway: { id: string; name: string };
  group: { id: string; name: string };
  api: { id: string; name: string };
  user: { id: string; name: string };
  credential: { id: string; name: string };
  adminGroup: string;
};

// The resources the pages show, made through the management API as an SDK would.
async function fixture(request: APIRequestContext): Promise<Fixture> {
  const token = await adminToken(request);
  const projects = await call(request, token, "GET", "/v3/projects");
  const project = projects.projects.find((p: any) => p.name === "default").id;
  const stamp = Date.now().toString(36);
  const gatewayName = `gw-routes-${stamp}`;
  const gateway = await call(request, token, "POST", `/v2/${project}/apigw/instances`, {
    instance_name: gatewayName,
    spec_id: "BASIC",
  });
  const base = `/v2/${project}/apigw/instances/${gateway.instance_id}`;
  const groupName = `shop-${stamp}`;
  const group = await call(request, token, "POST", `${base}/api-groups`, { name: groupName });
  const apiName = `list-orders-${stamp}`;
  const api = await call(request, token, "POST", `${base}/apis`, {
    name: apiName,
    group_id: group.id,
    type: 1,
    req_protocol: "HTTP",
    req_method: "GET",
    req_uri: "/orders",
    auth_type: "NONE",
    backend_type: "MOCK",
    mock_info: { result_content: "[]", status_code: 200 },
  });
  const credentialName = `mobile_${stamp}`;
  const credential = await call(request, token, "POST", `${base}/apps`, { name: credentialName });
  const userName = `reader-${stamp}`;
  const user = await call(request, token, "POST", "/v3/users", {
    user: { name: userName, password: "Tulip-Garden-2026" },
  });
  const groups = await call(request, token, "GET", "/v3/groups");
  const adminGroup = groups.groups.find((g: any) => g.name === "admin").id;
  return {
    gateway: { id: gateway.instance_id, name: gatewayName },
    group: { id: group.id, name: groupName },
    api: { id: api.id, name: apiName },
    user: { id: user.user.id, name: userName },
    credential: { id: credential.id, name: credentialName },
    adminGroup,
  };
}

// Each route with the words its first-level heading holds (its resource's name for the
// pages of one resource).
function routes(f: Fixture): [string, string][] {
  const gw = `/gateways/${f.gateway.id}`;
  return [
    ["/", "Get started"],
    ["/iam/users", "Users"],
    ["/iam/users/new", "Create a user"],
    [`/iam/users/${f.user.id}`, f.user.name],
    ["/iam/groups", "User groups"],
    [`/iam/groups/${f.adminGroup}`, "admin"],
    ["/iam/policies", "Policies"],
    ["/iam/access-keys", "My access keys"],
    ["/audit", "Audit log"],
    ["/gateways", "Gateways"],
    ["/gateways/new", "Create a gateway"],
    [gw, f.gateway.name],
    [`${gw}/groups`, `${f.gateway.name} · API groups`],
    [`${gw}/groups/${f.group.id}`, f.group.name],
    [`${gw}/environments`, `${f.gateway.name} · Environments`],
    [`${gw}/apis`, `${f.gateway.name} · APIs`],
    [`${gw}/apis/new`, "Open an API"],
    [`${gw}/apis/${f.api.id}`, f.api.name],
    [`${gw}/apis/${f.api.id}/edit`, `Edit ${f.api.name}`],
    [`${gw}/credentials`, `${f.gateway.name} · Credentials`],
    [`${gw}/credentials/authorize`, "Authorize credentials"],
    [`${gw}/credentials/${f.credential.id}`, f.credential.name],
    ["/api-groups", "API groups"],
    ["/apis", "APIs"],
    ["/environments", "Environments"],
    ["/account/password", "Change password"],
    [`${gw}/monitoring`, "Monitoring"],
    [`${gw}/throttles`, "Request throttling"],
  ];
}

async function headingShows(page: Page, path: string, words: string) {
  await expect(page.locator("h1").first(), `${path}: its heading`).toContainText(words);
}

test("every console route loads directly and on reload without a browser error", async ({ page, request }) => {
  test.setTimeout(180_000);
  const problems = watchProblems(page);
  const f = await fixture(request);
  await signIn(page, "admin", adminPassword);
  for (const [path, words] of routes(f)) {
    for (const load of ["load", "reload"]) {
      await test.step(`${load} of ${path}`, async () => {
        const before = problems.length;
        if (load === "load") await page.goto(path);
        else await page.reload();
        await headingShows(page, path, words);
        await hydrated(page);
        expect(problems.slice(before), `${load} of ${path}`).toEqual([]);
        if (load === "load") expect(await layoutProblems(page), `${path}: its layout`).toEqual([]);
      });
    }
  }
  // A smaller laptop's window: nothing scrolls sideways or leaves its row there either.
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const [path] of routes(f)) {
    await test.step(`${path} at 1024 pixels`, async () => {
      await page.goto(path);
      await hydrated(page);
      expect(await layoutProblems(page), `${path} at 1024px: its layout`).toEqual([]);
    });
  }
});

test("an unknown address says so, with the way back", async ({ page }) => {
  const problems = watchProblems(page, [404]);
  await signIn(page, "admin", adminPassword);
  for (const load of ["load", "reload"]) {
    const missing = load === "load" ? await page.goto("/no/such/page") : await page.reload();
    expect(missing?.status()).toBe(404);
    await headingShows(page, "/no/such/page", "Page not found");
    await expect(page.getByRole("link", { name: "Go to the dashboard" })).toBeVisible();
  }
  expect(problems, "the page for an unknown address").toEqual([]);
});

test("every reading page shows its data, the top bar and the navigation without JavaScript", async ({
  browser,
  request,
}) => {
  test.setTimeout(120_000);
  const f = await fixture(request);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Signing in is a plain form post: it works without JavaScript too.
  await signIn(page, "admin", adminPassword);
  const gw = `/gateways/${f.gateway.id}`;
  const reading: [string, string, string][] = [
    ["/", "Get started", "Create a gateway"],
    ["/iam/users", "Users", f.user.name],
    [`/iam/users/${f.user.id}`, f.user.name, "Access keys"],
    ["/iam/groups", "User groups", "admin"],
    [`/iam/groups/${f.adminGroup}`, "admin", "This group holds the account administrators."],
    ["/iam/policies", "Policies", "APIG ReadOnlyAccess"],
    ["/iam/access-keys", "My access keys", "No access keys yet"],
    ["/audit", "Audit log", f.api.name],
    ["/gateways", "Gateways", f.gateway.name],
    [gw, f.gateway.name, "BASIC"],
    [`${gw}/groups`, f.gateway.name, f.group.name],
    [`${gw}/groups/${f.group.id}`, f.group.name, "Subdomain"],
    [`${gw}/environments`, f.gateway.name, "RELEASE"],
    [`${gw}/apis`, f.gateway.name, f.api.name],
    [`${gw}/apis/${f.api.id}`, f.api.name, "/orders"],
    [`${gw}/credentials`, f.gateway.name, f.credential.name],
    [`${gw}/credentials/${f.credential.id}`, f.credential.name, "Reveal secret"],
    ["/api-groups", "API groups", f.gateway.name],
  ];
  for (const [path, heading, text] of reading) {
    await page.goto(path);
    await headingShows(page, path, heading);
    const main = page.locator("main");
    await expect(main.getByText(text, { exact: false }).first(), `${path} shows ${text}`).toBeVisible();
    await expect(main.getByText("Loading…"), `${path} is not left loading`).toHaveCount(0);
    await expect(page.getByRole("button", { name: "admin" }), `${path}: the top bar`).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Project" }), `${path}: the project`).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Gateways" }),
      `${path}: the navigation`,
    ).toBeVisible();
  }
  await context.close();
});
