// The IAM user pages end to end. The "Create a user and grant APIG permissions" wizard:
// admin creates a user in a new group holding APIG ReadOnlyAccess, with an access key, and
// the new user then signs in and sees only what that policy allows. The user page: edit,
// password reset, access keys, disable and delete.
import { expect, test } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { hydrated, shot, signIn, signOut } from "./support";

test("admin creates a read-only user with the wizard, who then sees only what the policy allows", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  const userName = `reader-${Date.now().toString(36)}`;
  const password = "Portico-2026!";

  await signIn(page, "admin", adminPassword);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "admin", exact: true })).toBeVisible();
  await shot(page, "users-list");
  await page.getByRole("link", { name: "Create user" }).click();
  await expect(page).toHaveURL(/\/iam\/users\/new$/);
  await expect(page.getByRole("heading", { name: "Create a user and grant APIG permissions" })).toBeVisible();
  const currentStep = page.locator('[aria-current="step"]');
  await expect(currentStep).toContainText("User details");
  await hydrated(page);

  // Step 1: a weak password is refused next to the password field, and nothing moves on.
  const passwordInput = page.getByLabel("Password", { exact: true });
  const passwordError = page.locator(".field", { has: passwordInput }).locator(".field-error");
  await page.getByLabel("User name").fill(userName);
  await page.getByLabel("Email").fill(`${userName}@example.com`);
  await page.getByLabel("Description").fill("Reads gateways and APIs");
  await passwordInput.fill("weakpassword");
  await page.getByLabel("Confirm password").fill("weakpassword");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(passwordError).toHaveText(/at least two kinds of characters/);
  await expect(passwordInput).toHaveAttribute("aria-invalid", "true");
  await expect(currentStep).toContainText("User details");
  await shot(page, "wizard-1-details-error");

  // Errors follow the input once Next was tried.
  await passwordInput.fill(password);
  await expect(passwordError).toHaveCount(0);
  const confirmError = page
    .locator(".field", { has: page.getByLabel("Confirm password") })
    .locator(".field-error");
  await expect(confirmError).toHaveText("The passwords do not match.");
  await page.getByLabel("Confirm password").fill(password);
  await expect(confirmError).toHaveCount(0);
  await page.getByRole("button", { name: "Next" }).click();

  // Step 2: a new group, named after the user.
  await expect(currentStep).toContainText("Groups");
  await expect(page.getByLabel("New group name")).toHaveValue(`${userName}-group`);
  await shot(page, "wizard-2-groups");

  // Back and Next keep what was entered.
  await page.getByRole("button", { name: "Back" }).click();
  await expect(page.getByLabel("User name")).toHaveValue(userName);
  await expect(passwordInput).toHaveValue(password);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByLabel("New group name")).toHaveValue(`${userName}-group`);
  await page.getByRole("button", { name: "Next" }).click();

  // Step 3: the new group needs a policy; APIG ReadOnlyAccess, and an access key.
  await expect(currentStep).toContainText("Policies");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText(/Choose at least one policy/)).toBeVisible();
  await page.getByLabel("APIG ReadOnlyAccess").check();
  await page.getByLabel("Create an access key for this user").check();
  await shot(page, "wizard-3-policies");
  await page.getByRole("button", { name: "Next" }).click();

  // Step 4: the review shows everything; nothing exists yet.
  await expect(currentStep).toContainText("Review");
  await expect(page.getByRole("row", { name: /User name/ })).toContainText(userName);
  await expect(page.getByRole("row", { name: /New group/ })).toContainText(`${userName}-group`);
  await expect(page.getByRole("row", { name: /Policies for the new group/ })).toContainText("APIG ReadOnlyAccess");
  await expect(page.getByRole("row", { name: /Access key/ })).toContainText("Create one");
  await shot(page, "wizard-4-review");
  await page.getByRole("button", { name: "Create user" }).click();

  // Step 5: what was created, how to sign in, and the access key shown once.
  await expect(currentStep).toContainText("Done");
  await expect(page.getByText(`User ${userName} was created.`)).toBeVisible();
  await expect(page.getByText(`with user name ${userName} and the password you set; account: portico`)).toBeVisible();
  const accessKeyId = page.getByRole("row", { name: /Access key ID/ }).locator("code");
  await expect(accessKeyId).toHaveText(/^[A-Z0-9]{20}$/);
  const secret = page.getByRole("row", { name: /Secret access key/ }).locator("code");
  await expect(secret).toHaveText(/^[A-Za-z0-9]{40}$/);
  const download = page.getByRole("link", { name: "Download CSV" });
  await expect(download).toHaveAttribute("download", "credentials.csv");
  const csv = decodeURIComponent(
    ((await download.getAttribute("href")) ?? "").replace(/^data:text\/csv;charset=utf-8,/, ""),
  );
  expect(csv).toBe(
    `User Name,Access Key Id,Secret Access Key\n${userName},${await accessKeyId.textContent()},${await secret.textContent()}\n`,
  );
  await expect(page.getByRole("link", { name: "View user" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create another user" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the dashboard" })).toBeVisible();
  await shot(page, "wizard-5-done");

  // The new user in the list.
  await page.goto("/iam/users");
  await hydrated(page);
  await page.getByLabel("Search users by name").fill(userName);
  await expect(page.getByRole("link", { name: userName, exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "admin", exact: true })).toHaveCount(0);

  // The new user signs in and sees no IAM user management.
  await signOut(page, "admin");
  await signIn(page, userName, password);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Access keys" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users", exact: true })).toHaveCount(0);
  await page.goto("/iam/users");
  await expect(page.getByRole("alert")).toContainText("Missing permission: iam:users:list");
  await expect(page.getByRole("table")).toHaveCount(0);
  await shot(page, "users-forbidden");

  // APIG ReadOnlyAccess: the user sees gateways but cannot create one. The wizard says so
  // once, before step 1, and shows no steps to fill in vain.
  await nav.getByRole("link", { name: "Gateways" }).click();
  await expect(page.getByRole("heading", { name: "Gateways", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: /Create (a )?gateway/ })).toHaveCount(0);
  await page.goto("/gateways/new");
  await hydrated(page);
  await expect(page.getByRole("alert")).toHaveCount(1);
  await expect(page.getByRole("alert")).toContainText("You cannot create gateways");
  await expect(page.getByRole("alert")).toContainText("Missing permission: apig:instances:create");
  await expect(page.getByLabel("Gateway name")).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Progress" })).toHaveCount(0);
  await page.getByRole("link", { name: "Back to Gateways" }).click();
  await expect(page.getByRole("heading", { name: "Gateways", level: 1 })).toBeVisible();
  await shot(page, "gateway-wizard-refused");
  await signOut(page, userName);
  expect(problems, "pages hydrate without errors").toEqual([]);
});

test("admin manages a user on its page: details, password, access keys, disable and delete", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  const userName = `keeper-${Date.now().toString(36)}`;

  // A user without groups or keys, through the wizard.
  await signIn(page, "admin", adminPassword);
  await page.goto("/iam/users/new");
  await hydrated(page);
  await page.getByLabel("User name").fill(userName);
  await page.getByLabel("Password", { exact: true }).fill("Portico-2026!");
  await page.getByLabel("Confirm password").fill("Portico-2026!");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("New group name").fill("");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText(/the user will have no permissions/)).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create user" }).click();
  await page.getByRole("link", { name: "View user" }).click();

  await expect(page.getByRole("heading", { name: userName, level: 1 })).toBeVisible();
  await expect(page.getByText(`${userName} is in no user group`)).toBeVisible();
  await shot(page, "user-detail");

  // Details: an invalid email is refused next to the field, a valid one saved.
  await page.getByRole("button", { name: "Edit details" }).click();
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.locator(".field", { has: page.getByLabel("Email") }).locator(".field-error")).toHaveText(
    /Enter an email address/,
  );
  await page.getByLabel("Email").fill(`${userName}@example.com`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("row", { name: /Email/ })).toContainText(`${userName}@example.com`);

  // Password reset: the rules show next to the field.
  const newPassword = page.getByLabel("New password", { exact: true });
  await newPassword.fill(`${userName}-X1`);
  await page.getByLabel("Confirm new password").fill(`${userName}-X1`);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.locator(".field", { has: newPassword }).locator(".field-error")).toHaveText(
    "The password must not contain the user name.",
  );
  await newPassword.fill("Another-2026!");
  await page.getByLabel("Confirm new password").fill("Another-2026!");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByText("The password was reset.")).toBeVisible();

  // Access keys: created with the secret shown once, disabled, deleted after confirmation.
  await page.getByRole("button", { name: "Create access key" }).click();
  const dialog = page.getByRole("dialog", { name: "Access key created" });
  await expect(dialog.getByRole("row", { name: /Access key ID/ }).locator("code")).toHaveText(/^[A-Z0-9]{20}$/);
  const accessKey = (await dialog.getByRole("row", { name: /Access key ID/ }).locator("code").textContent()) ?? "";
  await expect(dialog.getByRole("link", { name: "Download CSV" })).toHaveAttribute("download", "credentials.csv");
  await shot(page, "user-detail-new-key");
  await dialog.getByRole("button", { name: "I have saved the secret" }).click();
  await expect(dialog).toHaveCount(0);
  const keyRow = page.getByRole("row", { name: new RegExp(accessKey) });
  await expect(keyRow).toContainText("Active");
  await page.getByRole("button", { name: `Disable access key ${accessKey}` }).click();
  await expect(keyRow).toContainText("Disabled");
  await page.getByRole("button", { name: `Delete access key ${accessKey}` }).click();
  const confirmKey = page.getByRole("alertdialog");
  await expect(confirmKey).toContainText(`Delete access key ${accessKey}?`);
  await confirmKey.getByRole("button", { name: "Delete access key" }).click();
  await expect(page.getByText(`${userName} has no access keys`)).toBeVisible();

  // Disable and enable the user.
  await page.getByRole("button", { name: "Disable user" }).click();
  await expect(page.getByRole("heading", { name: userName, level: 1 })).toContainText("Disabled");
  await page.getByRole("button", { name: "Enable user" }).click();
  await expect(page.getByRole("heading", { name: userName, level: 1 })).toContainText("Enabled");

  // Delete the user: the dialog names them and their access keys.
  await page.getByRole("button", { name: "Delete user" }).click();
  const confirmUser = page.getByRole("alertdialog");
  await expect(confirmUser).toContainText(`Delete user ${userName}?`);
  await expect(confirmUser).toContainText(`${userName} can no longer sign in and is removed from 0 user groups`);
  await shot(page, "user-detail-delete");
  await confirmUser.getByRole("button", { name: "Delete user" }).click();
  await expect(page).toHaveURL(/\/iam\/users$/);
  await hydrated(page);
  await page.getByLabel("Search users by name").fill(userName);
  await expect(page.getByText(`No users match “${userName}”.`)).toBeVisible();
  expect(problems, "pages hydrate without errors").toEqual([]);
});
