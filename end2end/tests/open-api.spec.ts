// The "Open an API" wizard end to end, up to publishing: a new group, a request with a path
// and a query parameter, an HTTP backend with a parameter mapping, each step refusing bad
// input next to the field; published to RELEASE with a ready-to-copy curl line; then the
// API's page takes it offline, publishes it again and switches back to the first version.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { gatewayArea, hydrated, shot, signIn, watchProblems } from "./support";

test("admin opens an API with the wizard, publishes it and manages its versions", async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchProblems(page);
  const gateway = `gw-o${Date.now().toString(36)}`;
  // The API's backend: answers with the path and query it was called with.
  const backend = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ backendSaw: request.url }));
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  const backendPort = (backend.address() as AddressInfo).port;

  await signIn(page, "admin", adminPassword);
  await page.goto("/gateways/new");
  await hydrated(page);
  await page.getByLabel("Gateway name").fill(gateway);
  for (let step = 0; step < 3; step++) await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create gateway" }).click();
  await page.getByRole("link", { name: "Go to the gateway" }).click();
  // The gateway made a moment ago is named in the navigation and chosen in the switcher.
  await expect(page.getByRole("group", { name: `Gateway ${gateway}` })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Gateway", exact: true }).locator("option:checked")).toHaveText(gateway);
  await gatewayArea(page, "APIs").click();
  await expect(page.getByRole("heading", { name: "No APIs yet" })).toBeVisible();
  await shot(page, "apis-empty");
  await page.getByRole("link", { name: "Open an API with the wizard" }).click();
  await hydrated(page);
  const currentStep = page.locator('[aria-current="step"]');

  // Group: a new one, its name checked.
  await expect(currentStep).toContainText("Group");
  const groupName = page.getByLabel("New group name");
  await groupName.fill("or");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: groupName }).locator(".field-error")).toContainText("3 to 255");
  await groupName.fill("orders");
  await page.getByRole("button", { name: "Next" }).click();

  // Request: a bad path is refused; the path parameter is added for us.
  await expect(currentStep).toContainText("Request");
  // Authentication is asked here: NONE by default, with its warning; APP and IAM are offered,
  // each saying what callers send.
  const auth = page.getByRole("group", { name: "Authentication" });
  await expect(auth.getByLabel(/None: anyone who knows the address/)).toBeChecked();
  await expect(auth.getByLabel(/App: callers sign/)).toBeEnabled();
  await expect(auth.getByRole("note")).toContainText("anyone who learns the URL can call your backend");
  await auth.getByLabel(/IAM: callers send an IAM user's token/).check();
  await expect(auth).toContainText("Every enabled IAM user of this Portico may call it");
  await expect(auth.getByRole("note")).toHaveCount(0);
  await shot(page, "open-api-2-iam");
  await auth.getByLabel(/None: anyone who knows the address/).check();
  await page.getByLabel("API name").fill("get-order");
  const path = page.getByLabel("Path", { exact: true });
  await path.fill("/orders/pre-{id}");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: path }).locator(".field-error")).toContainText("takes a whole segment");
  await path.fill("/orders/{id}");
  await path.blur();
  await expect(page.getByLabel("Parameter 1 name")).toHaveValue("id");
  await page.getByLabel("Parameter 1 type").selectOption("NUMBER");
  await page.getByRole("button", { name: "Add parameter" }).click();
  await page.getByLabel("Parameter 2 name").fill("fields");
  await page.getByLabel("Parameter 2 allowed values").fill("all,summary");
  await page.getByLabel("Parameter 2 default").fill("everything");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("alert")).toContainText("not one of the enumerations");
  await page.getByLabel("Parameter 2 default").fill("all");
  await shot(page, "open-api-2-request");
  await page.getByRole("button", { name: "Next" }).click();

  // Backend: the address and the timeout are checked by the server's rules; the path
  // parameter is mapped under a new name.
  await expect(currentStep).toContainText("Backend");
  const address = page.getByLabel("Backend address");
  const addressError = page.locator(".field", { has: address }).locator(".field-error");
  for (const [bad, says] of [
    ["127.0.0.1:", "followed by the port"],
    ["exa_mple..com", "empty part between dots"],
  ]) {
    await address.fill(bad);
    await page.getByRole("button", { name: "Next" }).click();
    await expect(addressError).toContainText(says);
    await expect(currentStep).toContainText("Backend");
  }
  await address.fill(`127.0.0.1:${backendPort}`);
  await page.getByLabel("Backend path").fill("/v1/orders/{orderId}");
  const timeout = page.getByLabel("Timeout (ms)");
  await timeout.fill("0");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: timeout }).locator(".field-error")).toContainText("1 to 60000 ms");
  await timeout.fill("3000");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Backend path") }).locator(".field-error")).toContainText(
    "{orderId}",
  );
  await page.getByRole("button", { name: "Add backend parameter" }).click();
  await page.getByLabel("Backend parameter 1 name").fill("orderId");
  await page.getByLabel("Backend parameter 1 location").selectOption("PATH");
  await page.getByLabel("Backend parameter 1 value", { exact: true }).fill("id");
  await shot(page, "open-api-3-backend");
  await page.getByRole("button", { name: "Next" }).click();

  // Review, then create and publish to RELEASE.
  await expect(currentStep).toContainText("Review and publish");
  await expect(page.getByRole("row", { name: /Request/ }).first()).toContainText("GET /orders/{id}");
  await expect(page.getByRole("row", { name: /Parameter mapping/ })).toContainText("orderId (PATH) ← request id");
  await expect(page.getByRole("row", { name: /Authentication/ })).toContainText("None: anyone who knows the address can call it");
  await expect(page.getByLabel("Environment")).toHaveValue("DEFAULT_ENVIRONMENT_RELEASE_ID");
  await shot(page, "open-api-4-review");
  await page.getByRole("button", { name: "Create and publish" }).click();
  await expect(currentStep).toContainText("Done");
  await expect(page.getByText("API get-order is published to RELEASE and answers now.")).toBeVisible();
  const curl = page.getByRole("row", { name: /Call it/ }).locator("code");
  await expect(curl).toHaveText(/^curl -i 'http:\/\/[0-9a-f]{32}\.apig\.localhost:\d+\/orders\/1'$/);
  await shot(page, "open-api-5-done");

  // The wizard ends by offering a debug call: the API's page opens on its Debug tab.
  await page.getByRole("link", { name: "Debug it now" }).click();
  await expect(page.getByRole("heading", { name: "get-order", level: 1 })).toContainText("RELEASE");
  // The API's tabs are links in the address: the wizard's ?tab=debug opens the Debug tab.
  const tabs = page.getByRole("navigation", { name: "API", exact: true });
  await expect(tabs.getByRole("link", { name: "Debug" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  await hydrated(page);
  // The API's page: live in RELEASE; offline, publish again, switch back.
  await tabs.getByRole("link", { name: "Parameters" }).click();
  await expect(page.getByRole("row", { name: /fields/ })).toContainText("one of all,summary");
  await tabs.getByRole("link", { name: "Publishing" }).click();
  const release = page.getByRole("row", { name: /^RELEASE/ });
  await expect(release).toContainText("Live");
  await page.getByRole("button", { name: "Take offline from RELEASE" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Calls in RELEASE will get 404");
  await dialog.getByRole("button", { name: "Take offline" }).click();
  await expect(release).toContainText("Not published");
  await page.getByRole("button", { name: "Publish to RELEASE" }).click();
  await expect(release).toContainText("Live");
  const history = page.locator("section", { has: page.getByRole("heading", { name: "Publish history" }) });
  await expect(history.getByRole("row")).toHaveCount(3);
  await history.getByRole("button", { name: /^Switch RELEASE to the version of/ }).click();
  await expect(history.getByRole("button", { name: /^Switch RELEASE/ })).toHaveCount(1);
  await expect(history.getByRole("row").nth(2)).toContainText("Live");
  await shot(page, "api-publishing");

  // Debug: a real call through the gateway, with the request the backend received.
  await tabs.getByRole("link", { name: "Debug" }).click();
  const debugPath = page.getByLabel("Path");
  await debugPath.fill("orders/42");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".field", { has: debugPath }).locator(".field-error")).toContainText("starts with /");
  await debugPath.fill("/orders/42");
  await page.getByLabel("Query parameters").fill("fields=summary");
  await page.getByRole("button", { name: "Send" }).click();
  const result = page.getByRole("region", { name: "Debug result" });
  await expect(result).toContainText("200");
  await expect(result).toContainText(`GET http://127.0.0.1:${backendPort}/v1/orders/42`);
  await expect(result).toContainText('"backendSaw":"/v1/orders/42');
  await shot(page, "api-debug");

  // Edit the API: the wizard's steps hold its definition; a bad timeout is refused next to
  // the field; saving changes the draft only, so the page says the draft differs.
  await page.getByRole("link", { name: "Edit API" }).click();
  await hydrated(page);
  await expect(page.locator('[aria-current="step"]')).toContainText("Request");
  await expect(page.getByLabel("API name")).toHaveValue("get-order");
  await page.getByRole("button", { name: "Next" }).click();
  const editTimeout = page.getByLabel("Timeout (ms)");
  await editTimeout.fill("0");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: editTimeout }).locator(".field-error")).toBeVisible();
  await editTimeout.fill("8000");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByRole("row", { name: /^Backend/ }).first()).toContainText("8000 ms");
  await shot(page, "api-edit-review");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toContainText("is saved");
  await page.getByRole("link", { name: "View the API" }).click();
  await tabs.getByRole("link", { name: "Publishing" }).click();
  await expect(page.getByText("Draft differs").first()).toBeVisible();
  await tabs.getByRole("link", { name: "Backend" }).click();
  await expect(page.getByRole("row", { name: /Timeout/ })).toContainText("8000");

  // Export the group's drafts, then import the file into the DEFAULT group.
  await page.getByRole("group", { name: `Gateway ${gateway}` }).getByRole("link", { name: "APIs", exact: true }).click();
  await hydrated(page);
  await page.getByText("Import and export").click();
  await page.getByLabel("Group to export").selectOption({ label: "orders" });
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const download = page.getByRole("link", { name: "Download orders.json" });
  await expect(download).toBeVisible();
  const href = (await download.getAttribute("href")) ?? "";
  const exported = decodeURIComponent(href.replace(/^data:application\/json;charset=utf-8,/, ""));
  expect(JSON.parse(exported).paths["/orders/{id}"].get.operationId).toBe("get-order");
  await page.getByLabel("File").setInputFiles({ name: "orders.json", mimeType: "application/json", buffer: Buffer.from(exported) });
  await page.getByLabel("Import into").selectOption({ label: "API group DEFAULT" });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("heading", { name: "1 API in orders" })).toBeVisible();
  await page.getByRole("button", { name: "Import 1 API" }).click();
  await expect(page.getByText("1 of 1 done")).toBeVisible();
  await expect(page.getByRole("row", { name: /GET \/orders\/\{id\}/ }).last()).toContainText("Created");
  await shot(page, "apis-import");
  await expect(page.getByRole("cell", { name: "DEFAULT" })).toBeVisible();
  backend.close();
  expect(problems, "pages hydrate and work without errors").toEqual([]);
});
