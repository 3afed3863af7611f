// The Gateways area end to end: the "Create a gateway" wizard refuses bad input next to the
// field at each step, keeps what was entered across Back and Next, creates the gateway with
// its parameters, tags and inbound port, and shows its endpoints; the Overview changes a
// parameter, a tag and a port; deleting asks for the gateway's name.
import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { clickUntilShown, hydrated, shot, signIn, watchProblems } from "./support";

test("admin creates a gateway with the wizard, changes it on its Overview and deletes it", async ({ page }) => {
  test.setTimeout(90_000);
  // 400: a port already held by another gateway is refused (APIG.3302), on purpose.
  const problems = watchProblems(page, [400]);
  const name = `gw-${Date.now().toString(36)}`;
  const port = 20000 + Math.floor(Math.random() * 20000);

  await signIn(page, "admin", adminPassword);
  await expect(page.getByRole("link", { name: "Create a gateway" })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Gateways" }).click();
  await expect(page.getByRole("heading", { name: "Gateways", level: 1 })).toBeVisible();
  // The runtime of this process says which configuration it serves.
  await expect(page.getByTestId("runtime-status")).toContainText(/Callers get every published change: \d+ APIs? live/);
  await shot(page, "gateways-list");
  const start = page.getByRole("link", { name: /Create (a )?gateway/ }).first();
  await start.click();
  await expect(page).toHaveURL(/\/gateways\/new$/);
  await hydrated(page);
  const currentStep = page.locator('[aria-current="step"]');
  await expect(currentStep).toContainText("Basics");

  // Step 1: the name is checked next to its field.
  const nameInput = page.getByLabel("Gateway name");
  const nameError = page.locator(".field", { has: nameInput }).locator(".field-error");
  await nameInput.fill("1st gateway");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(nameError).toHaveText("A gateway name starts with a letter.");
  await expect(currentStep).toContainText("Basics");
  await nameInput.fill(name);
  await expect(nameError).toHaveCount(0);
  await page.getByLabel("Edition").selectOption("PROFESSIONAL");
  await page.getByLabel("Description").fill("Payments APIs");
  await page.getByLabel("Maintenance window").selectOption("02:00:00");
  await shot(page, "gateway-wizard-1-basics");
  await page.getByRole("button", { name: "Next" }).click();

  // Step 2: a parameter out of range is refused next to it.
  await expect(currentStep).toContainText("Parameters");
  const timeout = page.getByLabel("Longest backend timeout (ms)");
  await timeout.fill("700000");
  await page.getByRole("button", { name: "Next" }).click();
  // In the label's words and units a person reads, not the parameter's JSON.
  await expect(page.locator("fieldset", { has: timeout }).locator(".field-error")).toHaveText(
    "Longest backend timeout must be a whole number of milliseconds, 1 ms to 600,000 ms. 700,000 ms is not.",
  );
  await timeout.fill("30000");
  await shot(page, "gateway-wizard-2-parameters");
  await page.getByRole("button", { name: "Next" }).click();

  // Step 3: a tag and an inbound port; Back and Next keep them.
  await expect(currentStep).toContainText("Tags and ports");
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Tag 1 key").fill("team");
  await page.getByLabel("Tag 1 value").fill("pay<ments");
  await page.getByRole("button", { name: "Add inbound port" }).click();
  await page.getByLabel("Port 1", { exact: true }).fill("80");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Tag 1 value") }).locator(".field-error")).toContainText(
    "'<' is not allowed",
  );
  await expect(page.locator(".field", { has: page.getByLabel("Port 1", { exact: true }) }).locator(".field-error")).toContainText(
    "1024 to 49151",
  );
  await page.getByLabel("Tag 1 value").fill("payments");
  await page.getByLabel("Port 1", { exact: true }).fill(String(port));
  await shot(page, "gateway-wizard-3-tags-ports");
  await page.getByRole("button", { name: "Back" }).click();
  await expect(timeout).toHaveValue("30000");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByLabel("Tag 1 key")).toHaveValue("team");
  await page.getByRole("button", { name: "Next" }).click();

  // Step 4: the review shows everything; nothing exists yet.
  await expect(currentStep).toContainText("Review");
  await expect(page.getByRole("row", { name: /Gateway name/ })).toContainText(name);
  await expect(page.getByRole("row", { name: /Edition/ })).toContainText("Professional");
  await expect(page.getByRole("row", { name: /Maintenance window/ })).toContainText("02:00 – 06:00 UTC");
  await expect(page.getByRole("row", { name: /Changed from the defaults/ })).toContainText(
    "Longest backend timeout: On · 30,000 ms",
  );
  await expect(page.getByRole("row", { name: /Tags/ })).toContainText("team=payments");
  await expect(page.getByRole("row", { name: /Inbound ports/ })).toContainText(`HTTP ${port}`);
  await shot(page, "gateway-wizard-4-review");
  await page.getByRole("button", { name: "Create gateway" }).click();

  // Step 5: created, with its endpoints and the next step.
  await expect(currentStep).toContainText("Done");
  await expect(page.getByText(`Gateway ${name} is created and running.`)).toBeVisible();
  await expect(page.getByRole("row", { name: /Gateway address/ })).toContainText("http://127.0.0.1:");
  await expect(page.getByRole("row", { name: /Inbound ports/ })).toContainText(`http://127.0.0.1:${port}`);
  await expect(page.getByRole("row", { name: /API groups are reached at/ })).toContainText(".apig.localhost:");
  await shot(page, "gateway-wizard-5-done");
  await page.getByRole("link", { name: "Go to the gateway" }).click();

  // The Overview: what the wizard set.
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const timeoutRow = page.getByRole("row", { name: /Longest backend timeout/ });
  await expect(timeoutRow).toContainText("On · 30,000 ms");
  await expect(page.getByText("team=payments")).toBeVisible();
  await hydrated(page);
  await shot(page, "gateway-overview");

  // A parameter: out of range refused in place, then changed.
  await clickUntilShown(
    page.getByRole("button", { name: "Change Default API rate limit" }),
    page.getByLabel("Default API rate limit (calls/s)"),
  );
  const rate = page.getByLabel("Default API rate limit (calls/s)");
  await rate.fill("0");
  await page.getByRole("row", { name: /Default API rate limit/ }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Default API rate limit/ }).locator(".field-error")).toContainText(
    "Default API rate limit must be a whole number of calls per second, 1 calls/s to 1,000,000 calls/s. 0 calls/s is not.",
  );
  await rate.fill("500");
  await page.getByRole("row", { name: /Default API rate limit/ }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /Default API rate limit/ })).toContainText("On · 500 calls/s");

  // Tags: add one, remove one.
  await page.getByLabel("Key", { exact: true }).fill("env");
  await page.getByLabel("Value", { exact: true }).fill("prod");
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.getByText("env=prod")).toBeVisible();
  await page.getByRole("button", { name: "Remove tag team=payments" }).click();
  await expect(page.getByText("team=payments")).toHaveCount(0);

  // Ports: the port this gateway holds cannot be added twice; removing asks first.
  await page.getByLabel("Port", { exact: true }).fill(String(port));
  await page.getByRole("button", { name: "Add port" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Port", { exact: true }) }).locator(".field-error")).toContainText(
    `Port ${port} is already an inbound port of gateway ${name}`,
  );
  await page.getByRole("button", { name: `Remove port ${port}` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`Remove inbound port ${port}?`);
  await dialog.getByRole("button", { name: "Remove port" }).click();
  await expect(page.getByText("No inbound ports.")).toBeVisible();

  // Delete: only once the name is typed.
  await page.getByRole("button", { name: "Delete gateway" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(`Delete gateway ${name}?`);
  const deleteButton = confirm.getByRole("button", { name: "Delete gateway" });
  await expect(deleteButton).toBeDisabled();
  await confirm.getByLabel(`Type ${name} to confirm`).fill(name);
  await shot(page, "gateway-delete");
  await deleteButton.click();
  await expect(page).toHaveURL(/\/gateways$/);
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
  expect(problems, "pages hydrate and work without errors").toEqual([]);
});
