// Shared steps of the browser tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { adminPassword } from "../playwright.config";

export async function signIn(page: Page, userName: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("User name").fill(userName);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

export async function signOut(page: Page, userName: string) {
  await page.getByRole("button", { name: userName }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

// Waits until the page has hydrated: only then does the user menu open.
export async function hydrated(page: Page) {
  const menuButton = page.locator(".user-menu-button");
  await expect(async () => {
    await menuButton.click();
    await expect(page.getByRole("menu")).toBeVisible({ timeout: 500 });
  }).toPass();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
}

// Takes a screenshot of the whole page when PORTICO_E2E_SHOTS names a directory. The
// console scrolls inside its content pane, so the viewport grows to the pane's height first.
export async function shot(page: Page, name: string) {
  const dir = process.env.PORTICO_E2E_SHOTS;
  if (!dir) return;
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  // A dialog fading in is shot once it is there (a spinner's endless turn is not waited for).
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished),
    ),
  );
  const height = await page.evaluate(() =>
    Math.max(...Array.from(document.querySelectorAll("body, body *")).map((e) => e.scrollHeight)),
  );
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height + 80) });
  await page.screenshot({ path: `${dir}/${name}.png` });
  await page.setViewportSize(size);
}

// Collects page errors and console errors, which a healthy page never has. The browser
// logs each refused request as an error; the test names the refusals it provokes.
export function watchProblems(page: Page, provokedStatuses: number[] = []): string[] {
  const provoked = provokedStatuses.map(
    (status) => `Failed to load resource: the server responded with a status of ${status} `,
  );
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && !provoked.some((start) => text.startsWith(start))) {
      problems.push(`console error: ${text}`);
    }
  });
  return problems;
}

// Clicks `button` until `shows` is visible: a click that lands before the page has
// hydrated does nothing.
export async function clickUntilShown(button: Locator, shows: Locator) {
  await expect(async () => {
    await button.click();
    await expect(shows).toBeVisible({ timeout: 1_000 });
  }).toPass();
}

// A self-signed ECDSA certificate and key for `domain`, valid for 90 days, as PEM text
// (made with the openssl command, which scripts/setup installs).
export function selfSigned(domain: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "portico-cert-"));
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "90",
      "-subj", `/CN=${domain}`, "-addext", `subjectAltName=DNS:${domain}`,
    ], { stdio: "ignore" });
    return {
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
      key: readFileSync(join(dir, "key.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A management API token for admin, scoped to `projectId` when given (a token works in its
// project only), as Huawei's SDKs get one.
export async function adminToken(request: APIRequestContext, projectId?: string): Promise<string> {
  const auth = await request.post("/v3/auth/tokens", {
    data: {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", password: adminPassword, domain: { name: "portico" } } },
        },
        ...(projectId ? { scope: { project: { id: projectId } } } : {}),
      },
    },
  });
  expect(auth.status()).toBe(201);
  return auth.headers()["x-subject-token"];
}

// Sends a management API call with a token and returns its JSON, failing on an error.
export async function call(
  request: APIRequestContext,
  token: string,
  method: "GET" | "POST" | "PUT",
  path: string,
  data?: unknown,
): Promise<any> {
  const response = await request.fetch(path, { method, data, headers: { "X-Auth-Token": token } });
  const body = await response.text();
  expect(response.ok(), `${method} ${path}: ${body}`).toBe(true);
  return body ? JSON.parse(body) : null;
}

// Chooses a project in the top bar and waits until the server has made it current.
export async function switchProject(page: Page, projectId: string) {
  const switched = page.waitForResponse((r) => r.url().endsWith("/api/switch_project") && r.ok());
  await page.getByLabel("Project").selectOption(projectId);
  await switched;
  await expect(page.getByLabel("Project")).toHaveValue(projectId);
}

/// The side navigation's areas of the gateway being shown ("Gateway gw-1": Overview, APIs…).
export function gatewayArea(page: Page, area: string): Locator {
  return page.getByRole("group", { name: /^Gateway / }).getByRole("link", { name: area, exact: true });
}

/// What is out of line on the page, as a user would see it: the page scrolls sideways, a
/// row's buttons sit outside their row, the buttons of a table's rows do not end at one
/// edge, or a property's button has wrapped under its value.
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const shown = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      // Name the innermost elements that reach past the window's right edge.
      const reaches = (e: Element) => e.getBoundingClientRect().right > window.innerWidth + 1;
      // An element clipped by a scrolling frame inside the window widens nothing; a frame
      // clips what is positioned absolutely only where the frame is positioned itself.
      const clipped = (e: Element) => {
        let absolute = getComputedStyle(e).position === "absolute";
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
          const style = getComputedStyle(a);
          const contains = !absolute || style.position !== "static";
          if (contains && style.overflowX !== "visible" && !reaches(a)) return true;
          if (style.position !== "static") absolute = style.position === "absolute";
        }
        return false;
      };
      const past = (e: Element) => reaches(e) && !clipped(e);
      const culprits = Array.from(document.body.querySelectorAll("*"))
        .filter((e) => shown(e) && past(e) && !Array.from(e.children).some(past))
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).split(" ").join(".") : ""} ends at ${Math.round(e.getBoundingClientRect().right)}px`);
      problems.push(`the page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window: ${culprits.join("; ")}`);
    }
    // A wide table scrolls in its own frame; the page's column and its cards never do.
    for (const box of Array.from(document.querySelectorAll("main, .card")).filter(shown)) {
      if (box.scrollWidth > box.clientWidth + 1) {
        const what = box.querySelector("h1, h2")?.textContent?.trim() ?? box.tagName.toLowerCase();
        problems.push(`${what}: ${box.scrollWidth}px of content in ${box.clientWidth}px`);
      }
    }
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const name = table.getAttribute("aria-label") ?? table.querySelector("caption")?.textContent ?? "a table";
      const ends = new Set<number>();
      for (const row of Array.from(table.querySelectorAll("tbody tr"))) {
        const r = row.getBoundingClientRect();
        for (const button of Array.from(row.querySelectorAll(".row-actions > *, .property-value > .btn")).filter(shown)) {
          const b = button.getBoundingClientRect();
          const middle = b.top + b.height / 2;
          if (middle < r.top || middle > r.bottom) {
            problems.push(`${name}: ${button.textContent?.trim()} is outside its row`);
          }
        }
        const actions = row.querySelector(".row-actions");
        if (actions && shown(actions)) ends.add(Math.round(actions.getBoundingClientRect().right));
        const value = row.querySelector(".property-value");
        const button = value?.querySelector(".btn");
        if (value && button && shown(button)) {
          const text = value.firstElementChild!.getBoundingClientRect();
          const b = button.getBoundingClientRect();
          if (b.top >= text.bottom) {
            problems.push(`${name}: ${button.getAttribute("aria-label") ?? button.textContent} wrapped under its value`);
          }
          ends.add(Math.round(b.right));
        }
      }
      if (ends.size > 1) {
        problems.push(`${name}: the rows' buttons end at ${[...ends].sort().join(", ")}px, not at one edge`);
      }
    }
    return problems;
  });
}
