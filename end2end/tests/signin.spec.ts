import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";

async function signIn(page: import("@playwright/test").Page, password = adminPassword) {
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the bootstrap admin signs in, sees the dashboard and signs out", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("heading", { name: "Sign in to the console" })).toBeVisible();

  await signIn(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Get started" })).toBeVisible();
  const steps = page.locator("ol.checklist > li");
  await expect(steps).toHaveCount(5);
  await expect(steps.first()).toContainText("Create users and grant permissions");
  await expect(page.locator(".topbar-account")).toHaveText("portico");
  await expect(page.getByLabel("Project")).toHaveValue(/[0-9a-f]{32}/);

  // The user menu opens only if the page hydrated; Escape closes it.
  const userMenu = page.getByRole("button", { name: /admin/ });
  await userMenu.click();
  await expect(page.getByRole("menu")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
  await userMenu.click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect(problems, "hydration and assets load without errors").toEqual([]);

  // Signed out for real: the dashboard sends us back to sign-in.
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a wrong password shows an error and keeps the user out", async ({ page }) => {
  await page.goto("/signin");
  await signIn(page, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("The user name or password is incorrect.");
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a page asked for before signing in opens after signing in", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/signin\?next=%2Faudit$/);
  await signIn(page);
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();

  // Client-side navigation through the left navigation works after hydration.
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Get started" })).toBeVisible();
});
