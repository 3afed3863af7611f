// The dashboard's checklist, walked as a new user's project fills up: in a new project
// steps 2, 3 and 4 are to do, each with its wizard (steps 3 and 4 ask for a gateway first);
// a gateway makes step 2 done and points the wizards of steps 3 and 4 at it; a published
// API makes step 3 done; a credential authorized for an API makes step 4 done. Step 5 says
// what is coming and links to what exists. A user other than admin holding an APIG policy
// makes step 1 done.
import { expect, test, type Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { adminToken, call, hydrated, shot, signIn, switchProject, watchProblems } from "./support";

function step(page: Page, n: number) {
  return page.locator(`ol.checklist > li[data-step="${n}"]`);
}

test("the dashboard walks a new project from nothing to a published API", async ({ page, request }) => {
  test.setTimeout(90_000);
  const problems = watchProblems(page);
  const token = await adminToken(request);
  const stamp = Date.now().toString(36);
  const project = await call(request, token, "POST", "/v3/projects", {
    project: { name: `cn-north-${stamp}`, description: "dashboard walk" },
  });
  const projectId = project.project.id;
  const inProject = await adminToken(request, projectId);

  await signIn(page, "admin", adminPassword);
  await hydrated(page);
  await switchProject(page, projectId);
  await page.goto("/");
  await expect(page.getByLabel("Project")).toHaveValue(projectId);

  // Nothing in the project yet: steps 2 and 3 are to do, each with its wizard.
  await expect(step(page, 2).locator(".badge")).toHaveText("To do");
  await expect(step(page, 2).getByRole("link", { name: "Create a gateway" })).toHaveAttribute("href", "/gateways/new");
  await expect(step(page, 3).locator(".badge")).toHaveText("To do");
  await expect(step(page, 3).getByRole("link", { name: "Open an API" })).toHaveAttribute("href", "/apis");
  await expect(step(page, 4).locator(".badge")).toHaveText("To do");
  await expect(step(page, 4).getByRole("link", { name: "Authorize credentials" })).toHaveAttribute("href", "/apis");
  await expect(step(page, 5).locator(".badge")).toHaveText("Coming later");
  await expect(step(page, 5)).toContainText("later version");
  await expect(step(page, 5).getByRole("link", { name: "Call a published API" })).toHaveAttribute("href", "/apis");
  await shot(page, "dashboard-empty-project");

  // A gateway: step 2 is done, and step 3's wizard opens in it.
  const gateway = await call(request, inProject, "POST", `/v2/${projectId}/apigw/instances`, {
    instance_name: `gw-dash-${stamp}`,
    spec_id: "BASIC",
  });
  const gatewayId = gateway.instance_id;
  await page.reload();
  await expect(step(page, 2).locator(".badge")).toHaveText("Done");
  await expect(step(page, 3).locator(".badge")).toHaveText("To do");
  await expect(step(page, 4).getByRole("link", { name: "Authorize credentials" })).toHaveAttribute(
    "href",
    `/gateways/${gatewayId}/credentials/authorize`,
  );
  const openApi = step(page, 3).getByRole("link", { name: "Open an API" });
  await expect(openApi).toHaveAttribute("href", `/gateways/${gatewayId}/apis/new`);
  await openApi.click();
  await expect(page.getByRole("heading", { name: "Open an API", level: 1 })).toBeVisible();

  // An API created but not published leaves step 3 to do; publishing it makes it done.
  const base = `/v2/${projectId}/apigw/instances/${gatewayId}`;
  const group = await call(request, inProject, "POST", `${base}/api-groups`, { name: `dash-${stamp}` });
  const api = await call(request, inProject, "POST", `${base}/apis`, {
    name: `hello-${stamp}`,
    group_id: group.id,
    type: 1,
    req_protocol: "HTTP",
    req_method: "GET",
    req_uri: "/hello",
    auth_type: "NONE",
    backend_type: "MOCK",
    mock_info: { result_content: "hello", status_code: 200 },
  });
  await page.goto("/");
  await expect(step(page, 3).locator(".badge")).toHaveText("To do");
  await call(request, inProject, "POST", `${base}/apis/action`, {
    action: "online",
    env_id: "DEFAULT_ENVIRONMENT_RELEASE_ID",
    api_id: api.id,
  });
  await page.reload();
  await expect(step(page, 3).locator(".badge")).toHaveText("Done");
  await expect(step(page, 2).locator(".badge")).toHaveText("Done");
  await expect(step(page, 4).locator(".badge")).toHaveText("To do");

  // Step 4: a credential authorized for an APP-authenticated API.
  const signed = await call(request, inProject, "POST", `${base}/apis`, {
    name: `signed-${stamp}`,
    group_id: group.id,
    type: 1,
    req_protocol: "HTTP",
    req_method: "GET",
    req_uri: "/signed",
    auth_type: "APP",
    backend_type: "MOCK",
    mock_info: { result_content: "signed", status_code: 200 },
  });
  const credential = await call(request, inProject, "POST", `${base}/apps`, { name: `dash_${stamp}` });
  await call(request, inProject, "POST", `${base}/app-auths`, {
    env_id: "DEFAULT_ENVIRONMENT_RELEASE_ID",
    app_ids: [credential.id],
    api_ids: [signed.id],
  });
  await page.reload();
  await expect(step(page, 4).locator(".badge")).toHaveText("Done");

  // Step 1: a user other than admin holding an APIG policy (in this project).
  const user = await call(request, token, "POST", "/v3/users", {
    user: { name: `dash-${stamp}`, password: "Tulip-Garden-2026" },
  });
  const userGroup = await call(request, token, "POST", "/v3/groups", { group: { name: `dash-${stamp}` } });
  await call(request, token, "PUT", `/v3/groups/${userGroup.group.id}/users/${user.user.id}`);
  const roles = await call(request, token, "GET", "/v3/roles?display_name=APIG%20ReadOnlyAccess");
  await call(request, token, "PUT", `/v3/projects/${projectId}/groups/${userGroup.group.id}/roles/${roles.roles[0].id}`);
  await page.reload();
  await expect(step(page, 1).locator(".badge")).toHaveText("Done");
  await shot(page, "dashboard-four-steps-done");

  // Back to the default project for the other tests.
  await hydrated(page);
  const defaultProject = await page.getByLabel("Project").locator("option", { hasText: /^default$/ }).getAttribute("value");
  await switchProject(page, defaultProject ?? "");
  expect(problems, "the dashboard works without browser errors").toEqual([]);
});
