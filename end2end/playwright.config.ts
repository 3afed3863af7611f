import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// The console under test: the real `portico` binary with its own embedded PostgreSQL in a
// fresh data directory, on ports of its own so a running development server is untouched.
const consolePort = Number(process.env.PORTICO_E2E_CONSOLE_PORT ?? 3300);
export const gatewayPort = Number(process.env.PORTICO_E2E_GATEWAY_PORT ?? 8380);
// Fixed per port and wiped at each start, so runs never pile up data directories.
const dataDir = path.join(os.tmpdir(), `portico-e2e-${consolePort}`);
const binary = path.resolve(__dirname, "../target/debug/portico");
const siteRoot = path.resolve(__dirname, "../target/site");

export const adminPassword = "e2e-admin-password";

export default defineConfig({
  testDir: "tests",
  // One server, one database: tests run one after another so lockout counts stay theirs.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${consolePort}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `rm -rf '${dataDir}' && exec '${binary}' serve --data-dir '${dataDir}' --site-root '${siteRoot}' --console-addr 127.0.0.1:${consolePort} --gateway-addr 127.0.0.1:${gatewayPort}`,
    url: `http://127.0.0.1:${consolePort}/readyz`,
    env: { PORTICO_ADMIN_PASSWORD: adminPassword, PORTICO_LOG: "warn" },
    reuseExistingServer: false,
    timeout: 120_000,
    // SIGTERM lets Portico stop its PostgreSQL; its guardian covers a harder kill.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
