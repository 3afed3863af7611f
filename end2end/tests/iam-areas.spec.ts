// The IAM areas of the console, end to end: admin writes a custom policy in the JSON editor
// (which marks a mistake as it is typed), grants it to a new user group, finds both changes
// in the audit log, and cleans up; admin creates an access key whose secret is shown once.
import { expect, test, type Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";
import { clickUntilShown, shot, signIn, watchProblems } from "./support";

/// Follows the left navigation's link to `path` (two areas are called "Policies").
function openArea(page: Page, path: string) {
  return page.getByRole("navigation", { name: "Console" }).locator(`a[href="${path}"]`).click();
}

test("admin writes a custom policy, grants it to a new user group and finds both in the audit log", async ({
  page,
}) => {
  test.setTimeout(90_000);
  // 409: deleting a policy that is still granted is refused, on purpose; 400: so is an IAM
  // policy granted in one project.
  const problems = watchProblems(page, [400, 409]);
  const suffix = Date.now().toString(36);
  const policyName = `gateway-readers-${suffix}`;
  const policyDescription = "Reads gateways and APIs";
  const groupName = `readers-${suffix}`;
  await signIn(page, "admin", adminPassword);

  // Policies: the system ones are listed read-only; a custom one is written in the editor.
  await openArea(page, "/iam/policies");
  await expect(page.getByRole("heading", { name: "Policies", level: 1 })).toBeVisible();
  await expect(page.getByRole("cell", { name: "APIG ReadOnlyAccess", exact: true })).toBeVisible();
  const editor = page.getByLabel("Policy document (JSON)");
  await clickUntilShown(page.getByRole("button", { name: "Create custom policy" }).first(), editor);
  await expect(editor).toHaveValue(/"apig:\*:get\*", "apig:\*:list\*"/);
  await page.getByLabel("Name", { exact: true }).fill(policyName);
  await page.getByLabel("Description (optional)").fill("Reads gateways");

  // A mistake is reported while typing, with its place, and Save stays disabled.
  const template = await editor.inputValue();
  const status = page.locator("#policy-document-status");
  const save = page.getByRole("button", { name: "Save", exact: true });
  await editor.fill(template.replace("apig:*:list*", "apig:apis:fly"));
  await expect(status.locator(".field-error")).toContainText(
    '"apig:apis:fly" is not an action Portico knows',
  );
  await expect(status).toContainText("line 6, column 33");
  await expect(status.locator("mark")).toHaveText('"apig:apis:fly"');
  await expect(editor).toHaveAttribute("aria-invalid", "true");
  await expect(save).toBeDisabled();
  await status.getByRole("button", { name: "Select in editor" }).click();
  const selected = await editor.evaluate((area: HTMLTextAreaElement) =>
    area.value.slice(area.selectionStart, area.selectionEnd),
  );
  expect(selected).toBe('"apig:apis:fly"');
  await shot(page, "policy-invalid");

  // Broken JSON is marked too.
  await editor.fill(template.replace('"Effect": "Allow",', '"Effect": "Allow"'));
  await expect(status.locator(".field-error")).toContainText("This is not valid JSON");
  await expect(status).toContainText("line 6");
  await expect(save).toBeDisabled();

  // Fixed, saved, listed.
  await editor.fill(template.replace("apig:*:list*", "apig:apis:list"));
  await expect(status).toContainText("Valid policy");
  await expect(editor).toHaveAttribute("aria-invalid", "false");
  await save.click();
  await expect(editor).toHaveCount(0);
  const policyRow = page.getByRole("row").filter({ hasText: policyName });
  await expect(policyRow).toContainText("Reads gateways");

  // Editing starts from the stored policy.
  await page.getByRole("button", { name: `Edit policy ${policyName}` }).click();
  await expect(page.getByRole("heading", { name: `Edit custom policy ${policyName}` })).toBeVisible();
  await expect(editor).toHaveValue(/"apig:apis:list"/);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(policyName);
  await page.getByLabel("Description (optional)").fill(policyDescription);
  await save.click();
  await expect(editor).toHaveCount(0);
  await expect(policyRow).toContainText(policyDescription);
  await shot(page, "policies");

  // User groups: names are checked next to the field; the admin group says why it stays.
  await openArea(page, "/iam/groups");
  await expect(page.getByRole("heading", { name: "User groups", level: 1 })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "Holds the account administrators" })).toContainText("admin");
  const groupNameInput = page.getByLabel("Name", { exact: true });
  await clickUntilShown(page.getByRole("button", { name: "Create user group" }).first(), groupNameInput);
  await groupNameInput.fill("1st readers");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.locator(".field", { has: groupNameInput }).locator(".field-error")).toHaveText(
    "A group name cannot start with a digit or a space.",
  );
  await expect(groupNameInput).toHaveAttribute("aria-invalid", "true");
  // A name that is too long is refused next to the field, never silently cut.
  const long = "r".repeat(100);
  await groupNameInput.fill(long);
  await expect(groupNameInput).toHaveValue(long);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.locator(".field", { has: groupNameInput }).locator(".field-error")).toHaveText(
    "A group name has at most 32 characters.",
  );
  await groupNameInput.fill(groupName);
  await page.getByLabel("Description (optional)").fill("People who read gateways");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(groupNameInput).toHaveCount(0);
  await shot(page, "groups");

  // The new group: no members or policies yet; grant the custom policy in all projects.
  await page.getByRole("link", { name: groupName, exact: true }).click();
  await expect(page.getByRole("heading", { name: groupName, level: 1 })).toBeVisible();
  await expect(page.getByText("No policies granted yet.")).toBeVisible();
  // admin joins the group, picked from the user list.
  await clickUntilShown(page.getByRole("button", { name: "Add member" }), page.getByLabel("Find a user"));
  await page.getByLabel("Find a user").fill("admin");
  const userSelect = page.getByLabel("User", { exact: true });
  const adminOption = userSelect.locator("option", { hasText: /^admin/ });
  await expect(adminOption).toHaveCount(1);
  await userSelect.selectOption((await adminOption.getAttribute("value")) ?? "");
  await shot(page, "group-add-member");
  await page.getByRole("button", { name: "Add to group" }).click();
  await expect(page.getByRole("heading", { name: "Members (1)" })).toBeVisible();
  await expect(page.getByRole("link", { name: "admin", exact: true })).toBeVisible();

  const policySelect = page.getByLabel("Policy", { exact: true });
  await clickUntilShown(page.getByRole("button", { name: "Grant policy" }), policySelect);
  await expect(policySelect.locator("optgroup")).toHaveCount(2);
  // IAM actions are the whole account's: in one project, the refusal sits under "Applies in".
  await policySelect.selectOption({
    label: "IAM ReadOnlyAccess — View users, groups, policies, permissions, projects and the audit log.",
  });
  const scope = page.getByLabel("Applies in");
  await scope.selectOption({ label: "default" });
  await page.getByRole("button", { name: "Grant", exact: true }).click();
  await expect(scope).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#grant-scope-error")).toContainText("grant it in all projects");
  await shot(page, "group-grant-iam-in-one-project");
  await scope.selectOption({ label: "All projects" });
  await policySelect.selectOption({ label: `${policyName} — ${policyDescription}` });
  await expect(page.getByLabel("Applies in")).toHaveValue("");
  await shot(page, "group-grant-form");
  await page.getByRole("button", { name: "Grant", exact: true }).click();
  const permissions = page.locator("section", { has: page.getByRole("heading", { name: "Permissions" }) });
  const grantRow = permissions.getByRole("row").filter({ hasText: policyName });
  await expect(grantRow).toContainText("All projects");
  await expect(page.getByRole("button", { name: "Grant", exact: true })).toHaveCount(0);
  await shot(page, "group-detail");

  // The audit log has both changes.
  await openArea(page, "/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(page.getByText("nobody can edit or delete them")).toBeVisible();
  const actionFilter = page.getByLabel("Action contains");
  for (const [action, name] of [
    ["iam:policies:create", policyName],
    ["iam:groups:create", groupName],
    ["iam:permissions:grantRoleToGroupOnProject", groupName],
  ]) {
    await actionFilter.fill(action);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`action=${encodeURIComponent(action)}`));
    const record = page.getByRole("row").filter({ hasText: name }).filter({ hasText: action });
    await expect(record).toHaveCount(1);
    await expect(record).toContainText("admin");
    await expect(record.locator(".badge-success")).toHaveText("Success");
  }
  await shot(page, "audit");

  // A policy still granted cannot be deleted: the dialog names the group, with no Delete.
  await openArea(page, "/iam/policies");
  const dialog = page.getByRole("alertdialog");
  await clickUntilShown(page.getByRole("button", { name: `Delete policy ${policyName}` }), dialog);
  await expect(dialog).toContainText(`It is granted to the user group ${groupName}. Revoke it there first.`);
  await expect(dialog.getByRole("button", { name: `Delete custom policy ${policyName}` })).toHaveCount(0);
  await expect(dialog.getByRole("link", { name: "Open User groups" })).toHaveAttribute("href", "/iam/groups");
  await shot(page, "policy-delete-refused");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();

  // Deleting the group says what its members lose; then the policy can go.
  await openArea(page, "/iam/groups");
  await clickUntilShown(page.getByRole("button", { name: `Delete user group ${groupName}` }), dialog);
  await expect(dialog).toContainText(`${policyName} in all projects`);
  await expect(dialog).toContainText("Its member admin leaves the group.");
  await shot(page, "group-delete-dialog");
  await dialog.getByRole("button", { name: "Delete user group" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: groupName, exact: true })).toHaveCount(0);
  await openArea(page, "/iam/policies");
  await clickUntilShown(page.getByRole("button", { name: `Delete policy ${policyName}` }), dialog);
  await dialog.getByRole("button", { name: `Delete custom policy ${policyName}` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: policyName })).toHaveCount(0);

  expect(problems, "pages hydrate and work without errors").toEqual([]);
});

test("admin creates access keys up to the limit and sees each secret once", async ({ page }) => {
  const problems = watchProblems(page);
  const stamp = Date.now().toString(36);
  const description = `first e2e key ${stamp}`;
  const secondDescription = `second e2e key ${stamp}`;
  await signIn(page, "admin", adminPassword);
  await openArea(page, "/iam/access-keys");
  await expect(page.getByRole("heading", { name: "My access keys", level: 1 })).toBeVisible();
  await clickUntilShown(
    page.getByRole("button", { name: "Create access key" }),
    page.getByLabel("Description (optional)"),
  );
  await page.getByLabel("Description (optional)").fill(description);
  await page.getByRole("button", { name: "Create", exact: true }).click();

  const created = page.locator("section", { has: page.getByRole("heading", { name: "Access key created" }) });
  await expect(created).toContainText("This is the only time the secret access key is shown");
  const keyId = (await created.getByRole("row", { name: /Access key ID/ }).locator("code").textContent()) ?? "";
  const secret = (await created.getByRole("row", { name: /Secret access key/ }).locator("code").textContent()) ?? "";
  expect(keyId).toMatch(/^[A-Z0-9]{20}$/);
  expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
  const download = created.getByRole("link", { name: "Download CSV" });
  await expect(download).toHaveAttribute("download", "credentials.csv");
  await expect(download).toHaveAttribute(
    "href",
    `data:text/csv;charset=utf-8,User%20Name%2CAccess%20Key%20Id%2CSecret%20Access%20Key%0Aadmin%2C${keyId}%2C${secret}%0A`,
  );
  const keyRow = page.getByRole("row").filter({ hasText: description });
  await expect(keyRow).toContainText(keyId);
  await expect(keyRow.locator(".badge")).toHaveText("Active");
  await shot(page, "access-key-created");

  // A second key reaches the limit of two: the button is disabled and says why.
  await page.getByRole("button", { name: "I have saved the secret" }).click();
  await expect(created).toHaveCount(0);
  await page.getByRole("button", { name: "Create access key" }).click();
  await page.getByLabel("Description (optional)").fill(secondDescription);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(created).toBeVisible();
  await expect(
    page.getByText("You have 2 access keys, the most a user can hold. Delete one to create another."),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Create access key" })).toBeDisabled();
  const secondRow = page.getByRole("row").filter({ hasText: secondDescription });
  await expect(secondRow.locator(".badge")).toHaveText("Active");

  // The secret is gone for good once the page is left.
  await page.reload();
  await expect(page.getByRole("heading", { name: "My access keys", level: 1 })).toBeVisible();
  await expect(keyRow).toContainText(keyId);
  await expect(page.getByRole("heading", { name: "Access key created" })).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // Disable, enable, delete after confirming.
  await clickUntilShown(
    keyRow.getByRole("button", { name: `Disable access key ${keyId}` }),
    keyRow.getByText("Disabled", { exact: true }),
  );
  await keyRow.getByRole("button", { name: `Enable access key ${keyId}` }).click();
  await expect(keyRow.locator(".badge")).toHaveText("Active");
  await shot(page, "access-keys");
  await keyRow.getByRole("button", { name: `Delete access key ${keyId}` }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(`Delete access key ${keyId}?`);
  await dialog.getByRole("button", { name: "Delete access key" }).click();
  await expect(dialog).toBeHidden();
  await expect(keyRow).toHaveCount(0);
  await secondRow.getByRole("button", { name: /^Delete access key/ }).click();
  await dialog.getByRole("button", { name: "Delete access key" }).click();
  await expect(secondRow).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "No access keys yet" })).toBeVisible();

  expect(problems, "pages hydrate and work without errors").toEqual([]);
});

test("the IAM pages are rendered on the server, readable without JavaScript, and hydrate", async ({
  page,
}) => {
  const problems = watchProblems(page);
  await signIn(page, "admin", adminPassword);
  const pages: [string, string, string][] = [
    ["/iam/groups", "User groups", "Holds the account administrators"],
    ["/iam/policies", "Policies", "APIG ReadOnlyAccess"],
    ["/iam/access-keys", "My access keys", "My access keys"],
    ["/audit", "Audit log", "nobody can edit or delete them"],
  ];
  for (const [path, heading, text] of pages) {
    const html = await (await page.request.get(path)).text();
    expect(html, `${path} is rendered with its data`).toContain(text);
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
  }

  // After a full load the page answers clicks: hydration worked.
  await page.goto("/iam/policies");
  await clickUntilShown(
    page.getByRole("button", { name: "Create custom policy" }).first(),
    page.getByLabel("Policy document (JSON)"),
  );
  await page.goto("/iam/groups");
  const adminGroup = page.getByRole("link", { name: "admin", exact: true });
  const href = (await adminGroup.getAttribute("href")) ?? "";
  expect(href).toMatch(/^\/iam\/groups\/[0-9a-f]{32}$/);
  await page.goto(href);
  await expect(page.getByRole("heading", { name: "admin", level: 1 })).toBeVisible();
  await expect(page.getByText("This group holds the account administrators.")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await clickUntilShown(page.getByRole("button", { name: "Grant policy" }), page.getByLabel("Policy", { exact: true }));
  await page.goto("/iam/groups/0123456789abcdef0123456789abcdef");
  await expect(page.getByRole("heading", { name: "This user group does not exist" })).toBeVisible();

  expect(problems, "pages hydrate without errors").toEqual([]);
});
