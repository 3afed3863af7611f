// The console's shared list and delete pieces as a user meets them on the APIs of a
// gateway: sorting by a column is done by the server across every page, paging says where
// you are, ticked APIs are published together with a result per API, and a delete that the
// server would refuse (a group still holding APIs, a live API) offers no Delete button but
// says what to do first, with a link there.
import { expect, test, type Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { adminToken, call, hydrated, shot, signIn, switchProject, watchProblems } from "./support";

// The names in the APIs table, top to bottom.
async function apiNames(page: Page): Promise<string[]> {
  const table = page.getByRole("table", { name: "APIs" });
  return table.locator("tbody tr td:nth-child(2) a").allInnerTexts();
}

test("APIs sort and page on the server, publish in bulk, and refuse deletes with a way forward", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const problems = watchProblems(page);
  const admin = await adminToken(request);
  const stamp = Date.now().toString(36);
  // A project of its own: a project holds few gateways, and the other tests use default.
  const project = await call(request, admin, "POST", "/v3/projects", {
    project: { name: `cn-lists-${stamp}`, description: "lists walk" },
  });
  const projectId = project.project.id;
  const token = await adminToken(request, projectId);
  const gateway = await call(request, token, "POST", `/v2/${projectId}/apigw/instances`, {
    instance_name: `gw-lists-${stamp}`,
    spec_id: "BASIC",
  });
  const base = `/v2/${projectId}/apigw/instances/${gateway.instance_id}`;
  const group = await call(request, token, "POST", `${base}/api-groups`, { name: `lists-${stamp}` });
  // 23 APIs, created in an order that is not their names' order.
  const names: string[] = [];
  for (let i = 0; i < 23; i++) {
    const name = `api_${String((i * 7) % 23).padStart(2, "0")}`;
    names.push(name);
    await call(request, token, "POST", `${base}/apis`, {
      name,
      group_id: group.id,
      type: 1,
      req_protocol: "HTTP",
      req_method: "GET",
      req_uri: `/items/${name}`,
      auth_type: "NONE",
      backend_type: "MOCK",
      mock_info: { result_content: name, status_code: 200 },
    });
  }
  const sorted = [...names].sort();

  await signIn(page, "admin", adminPassword);
  await hydrated(page);
  await switchProject(page, projectId);
  await page.goto(`/gateways/${gateway.instance_id}/apis`);
  await hydrated(page);
  // Creation order first, 20 a page.
  await expect.poll(() => apiNames(page)).toEqual(names.slice(0, 20));
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("1–20 of 23");

  // By name, then by name descending: the server orders all 23, so page 1 holds the first
  // (or last) 20 names of the whole list, not of the page that was shown.
  await page.getByRole("button", { name: "Sort by name" }).click();
  await expect.poll(() => apiNames(page)).toEqual(sorted.slice(0, 20));
  await expect(page.getByRole("columnheader", { name: "Sort by name" })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("button", { name: "Sort by name" }).click();
  await expect.poll(() => apiNames(page)).toEqual([...sorted].reverse().slice(0, 20));
  await expect(page.getByRole("columnheader", { name: "Sort by name" })).toHaveAttribute("aria-sort", "descending");
  await page.getByRole("button", { name: "Next" }).click();
  await expect.poll(() => apiNames(page)).toEqual([...sorted].reverse().slice(20));
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("21–23 of 23");

  // Tick two APIs and publish them to RELEASE: a result per API, and the list shows them live.
  const [first, second] = [sorted[2], sorted[1]];
  await page.getByLabel(`Select ${first}`).check();
  await page.getByLabel(`Select ${second}`).check();
  const bulk = page.getByRole("region", { name: "Bulk actions" });
  await expect(bulk).toContainText("2 APIs chosen");
  await bulk.getByLabel("Environment for the chosen APIs").selectOption({ label: "in RELEASE" });
  await bulk.getByRole("button", { name: "Publish" }).click();
  const results = page.getByRole("region", { name: "Results of the bulk action" });
  await expect(results.getByRole("heading")).toHaveText("2 of 2 published.");
  await expect(results.getByRole("row", { name: new RegExp(first) })).toContainText("Published");
  await expect(bulk).toHaveCount(0);
  const apis = page.getByRole("table", { name: "APIs" });
  await expect(apis.getByRole("row", { name: new RegExp(`${first}\\b`) })).toContainText("RELEASE");
  await expect(apis.getByRole("row", { name: new RegExp(`${second}\\b`) })).toContainText("RELEASE");
  const live = await call(request, token, "GET", `${base}/apis?env_id=DEFAULT_ENVIRONMENT_RELEASE_ID&limit=50`);
  expect(live.apis.map((a: { name: string }) => a.name).sort()).toEqual([second, first]);
  await shot(page, "apis-bulk-published");

  // The group still holds APIs: its delete dialog says so, offers no Delete, and links to
  // the group's APIs.
  await page.goto(`/gateways/${gateway.instance_id}/groups`);
  await hydrated(page);
  await page.getByRole("button", { name: `Delete group lists-${stamp}` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog.getByRole("heading")).toHaveText(`API group lists-${stamp} cannot be deleted yet`);
  await expect(dialog).toContainText("It still holds 23 APIs.");
  await expect(dialog.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await shot(page, "group-delete-blocked");
  await dialog.getByRole("link", { name: `See the APIs of lists-${stamp}` }).click();
  await expect(page.getByLabel("Group", { exact: true })).toHaveValue(group.id);
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("of 23");

  // A live API cannot be deleted either: the dialog leads to its Publishing tab.
  await hydrated(page);
  await page.getByLabel("Search APIs by name").fill(first);
  await page.getByRole("link", { name: first, exact: true }).click();
  await expect(page.getByRole("heading", { name: new RegExp(`^${first}`), level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete API" }).click();
  await expect(dialog.getByRole("heading")).toHaveText(`API ${first} cannot be deleted yet`);
  await expect(dialog).toContainText("It is live in RELEASE");
  await expect(dialog.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await dialog.getByRole("link", { name: "Go to Publishing" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Publishing" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("table", { name: "Environments" })).toContainText("Take offline");

  // An API that is not live: the dialog names what goes and deletes it.
  await page.goto(`/gateways/${gateway.instance_id}/apis`);
  await hydrated(page);
  await page.getByLabel("Search APIs by name").fill(sorted[0]);
  await page.getByRole("link", { name: sorted[0], exact: true }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete API" }).click();
  await expect(dialog.getByRole("heading")).toHaveText(`Delete API ${sorted[0]}?`);
  await expect(dialog).toContainText("its published versions and their history");
  await dialog.getByRole("button", { name: `Delete API ${sorted[0]}` }).click();
  await expect(page.getByRole("heading", { name: /APIs$/, level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("of 22");

  // An environment with a live API cannot be deleted: the dialog says how many are live and
  // leads to the APIs.
  const stage = await call(request, token, "POST", `${base}/envs`, { name: "STAGE" });
  const firstId = live.apis.find((a: { name: string }) => a.name === first).id;
  await call(request, token, "POST", `${base}/apis/action`, { action: "online", env_id: stage.id, api_id: firstId });
  await page.goto(`/gateways/${gateway.instance_id}/environments`);
  await hydrated(page);
  const stageRow = page.getByRole("table", { name: "Environments" }).getByRole("row", { name: /STAGE/ });
  await expect(stageRow.getByRole("cell").nth(3)).toHaveText("1");
  await stageRow.getByRole("button", { name: "Delete environment STAGE" }).click();
  await expect(dialog.getByRole("heading")).toHaveText("Environment STAGE cannot be deleted yet");
  await expect(dialog).toContainText("1 API is live in it. Take it offline in STAGE first");
  await expect(dialog.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await shot(page, "environment-delete-blocked");
  await dialog.getByRole("link", { name: "Open the APIs" }).click();
  await expect(page.getByRole("heading", { name: /APIs$/, level: 1 })).toBeVisible();

  // Inside a gateway the navigation lists the gateway's areas as APIG groups them (the
  // traffic policies never called "Policies", which is IAM's), and the gateway switcher in
  // the top bar opens the same area of another gateway of the project.
  const other = await call(request, token, "POST", `/v2/${projectId}/apigw/instances`, {
    instance_name: `gw-other-${stamp}`,
    spec_id: "BASIC",
  });
  await page.goto(`/gateways/${gateway.instance_id}/environments`);
  await hydrated(page);
  const inside = page.getByRole("group", { name: `Gateway gw-lists-${stamp}` });
  for (const area of ["Overview", "API groups", "APIs", "Environments", "Request throttling", "Access control", "Credentials", "Credential quotas"]) {
    await expect(inside.getByRole("link", { name: new RegExp(`^${area}( later)?$`) })).toBeVisible();
  }
  // One way to each area: no row of tabs repeats the side navigation.
  await expect(page.getByRole("link", { name: "APIs", exact: true })).toHaveCount(1);
  const console_ = page.getByRole("navigation", { name: "Console" });
  await expect(console_.getByRole("link", { name: "Policies", exact: true })).toHaveAttribute("href", "/iam/policies");
  await shot(page, "gateway-navigation");
  await page.getByRole("combobox", { name: "Gateway", exact: true }).selectOption({ label: `gw-other-${stamp}` });
  await expect(page).toHaveURL(new RegExp(`/gateways/${other.instance_id}/environments$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`gw-other-${stamp} · Environments`);
  await page.getByRole("group", { name: `Gateway gw-other-${stamp}` }).getByRole("link", { name: /^Request throttling/ }).click();
  await expect(page.getByRole("heading", { name: "Request throttling", level: 1 })).toBeVisible();
  await expect(page.getByText("Not available yet")).toBeVisible();

  // Back to the default project for the other tests.
  const defaultProject = await page.getByLabel("Project").locator("option", { hasText: /^default$/ }).getAttribute("value");
  await switchProject(page, defaultProject ?? "");
  expect(problems, "the pages work without browser errors").toEqual([]);
});
