/** What the e2e server plugin tells a browser test about the real server it started. */
export interface E2eServer {
  url: string;
  orgId: string;
  publishableKey: string;
  login: { email: string; password: string };
  /** A fake Ascora the demo organization is not yet connected to, and the key it accepts. */
  ascora: { url: string; apiKey: string };
}

let server: Promise<E2eServer> | undefined;

/** Starts (once per run) and describes the real reference server with the demo organization. */
export function e2eServer(): Promise<E2eServer> {
  server ??= fetch('/__e2e').then(async (response) => {
    if (!response.ok) throw new Error(`/__e2e answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as E2eServer;
  });
  return server;
}
