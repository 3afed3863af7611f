// Inside a gateway: API groups (with their subdomains) and environments with variables,
// each form refusing bad input next to the field; deleting asks first; the gateway's
// delete dialog says what it still holds.
import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { gatewayArea, hydrated, selfSigned, shot, signIn, watchProblems } from "./support";

test("admin adds a group, an environment and a variable to a gateway, then removes them", async ({ page }) => {
  test.setTimeout(90_000);
  // The mismatched certificate is refused by the server (400).
  const problems = watchProblems(page, [400]);
  const name = `gw-g${Date.now().toString(36)}`;

  await signIn(page, "admin", adminPassword);
  await page.goto("/gateways/new");
  await hydrated(page);
  await page.getByLabel("Gateway name").fill(name);
  for (let step = 0; step < 3; step++) await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create gateway" }).click();
  await page.getByRole("link", { name: "Go to the gateway" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();

  // API groups: DEFAULT is there; a bad name is refused next to the field.
  await gatewayArea(page, "API groups").click();
  await expect(page.getByRole("heading", { name: `${name} · API groups` })).toBeVisible();
  await expect(page.getByRole("row", { name: /DEFAULT/ })).toContainText(".apig.localhost");
  await hydrated(page);
  const groupName = page.getByLabel("Group name");
  await groupName.fill("pay ments");
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.locator(".field", { has: groupName }).locator(".field-error")).toContainText("not allowed");
  await groupName.fill("payments");
  await page.getByRole("button", { name: "Create group" }).click();
  const row = page.getByRole("row", { name: /payments/ });
  await expect(row).toContainText(".apig.localhost");
  await expect(groupName).toHaveValue("");
  await expect(page.getByRole("button", { name: "Delete group DEFAULT" })).toHaveCount(0);
  await shot(page, "gateway-groups");

  // The group's domains: a bad name is refused next to the field; a bound domain gets an
  // uploaded certificate, shown with its expiry; removing and unbinding ask first.
  await page.getByRole("link", { name: "Domains of group payments" }).click();
  await expect(page.getByText("No domains bound yet.")).toBeVisible();
  await hydrated(page);
  const domainName = page.getByLabel("Domain name");
  await domainName.fill("localhost");
  await page.getByRole("button", { name: "Bind domain" }).click();
  await expect(page.locator(".field", { has: domainName }).locator(".field-error")).toContainText("not a domain name");
  const domain = `api.${name}.example.com`;
  await domainName.fill(domain);
  await page.getByRole("button", { name: "Bind domain" }).click();
  const domainRow = page.getByRole("row", { name: new RegExp(domain.replaceAll(".", "\\.")) });
  await expect(domainRow).toContainText("None — HTTP only");
  await domainRow.getByRole("button", { name: `Add a certificate to ${domain}` }).click();
  const wrong = selfSigned(`www.${name}.example.org`);
  await page.getByLabel("Certificate name").fill("payments_cert");
  await page.getByLabel("Certificate (PEM)").fill(wrong.cert);
  await page.getByLabel("Private key (PEM)").fill(wrong.key);
  await page.getByRole("button", { name: "Upload and add" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Certificate (PEM)") }).locator(".field-error"))
    .toContainText(`not ${domain}`);
  const right = selfSigned(domain);
  await page.getByLabel("Certificate (PEM)").fill(right.cert);
  await page.getByLabel("Private key (PEM)").fill(right.key);
  await page.getByRole("button", { name: "Upload and add" }).click();
  await expect(domainRow).toContainText("payments_cert");
  await expect(domainRow).toContainText(/Valid for (89|90) days/);
  await shot(page, "group-domains");
  await domainRow.getByRole("button", { name: `Remove the certificate of ${domain}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Remove certificate" }).click();
  await expect(domainRow).toContainText("None — HTTP only");
  await domainRow.getByRole("button", { name: `Unbind ${domain}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Unbind domain" }).click();
  await expect(page.getByText("No domains bound yet.")).toBeVisible();

  // Environments: RELEASE is there; TEST is added; a variable for payments in TEST.
  await gatewayArea(page, "Environments").click();
  await expect(page.getByRole("row", { name: /RELEASE/ })).toContainText("No header");
  await hydrated(page);
  await page.getByLabel("Environment name").fill("TEST");
  await page.getByRole("button", { name: "Add environment" }).click();
  await expect(page.getByRole("row", { name: /TEST/ }).first()).toContainText("X-Stage: TEST");
  await page.getByLabel("API group").selectOption({ label: "payments" });
  await expect(page.getByText("This group has no variables yet.")).toBeVisible();
  await page.getByLabel("Environment", { exact: true }).selectOption({ label: "TEST" });
  await page.getByLabel("Variable name").fill("backend");
  const value = page.getByLabel("Variable value");
  await value.fill("10.0.0.7 :8080");
  await page.getByRole("button", { name: "Add variable" }).click();
  await expect(page.locator(".field", { has: value }).locator(".field-error")).toContainText("not allowed");
  await value.fill("10.0.0.7:8080");
  await page.getByRole("button", { name: "Add variable" }).click();
  const variable = page.getByRole("row", { name: /#backend#/ });
  await expect(variable).toContainText("TEST");
  await expect(variable).toContainText("10.0.0.7:8080");
  await shot(page, "gateway-environments");

  // The gateway's delete dialog names what it still holds.
  await gatewayArea(page, "Overview").click();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete gateway" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("1 API group, 1 environment and 1 variable");
  await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();

  // Deleting the environment takes its variables with it.
  await gatewayArea(page, "Environments").click();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete environment TEST" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("every group's variables in it");
  await dialog.getByRole("button", { name: "Delete environment" }).click();
  await expect(page.getByRole("row", { name: /X-Stage: TEST/ })).toHaveCount(0);
  await page.getByLabel("API group").selectOption({ label: "payments" });
  await expect(page.getByText("This group has no variables yet.")).toBeVisible();

  // Deleting the group asks first.
  await gatewayArea(page, "API groups").click();
  await hydrated(page);
  await page.getByRole("button", { name: "Delete group payments" }).click();
  await expect(page.getByRole("alertdialog").getByRole("heading")).toHaveText("Delete API group payments?");
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete API group payments" }).click();
  await expect(page.getByRole("row", { name: /payments/ })).toHaveCount(0);
  expect(problems, "pages hydrate and work without errors").toEqual([]);
});
