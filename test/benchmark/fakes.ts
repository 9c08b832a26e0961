// Fakes for the Job scripts, all on loopback addresses: TLS targets (one serving a certificate,
// one resetting every connection after its ClientHello, as an Envoy whose listener has no
// certificate does), a Kubernetes API listing Envoy pods, and Envoy stats endpoints.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';

const servers: net.Server[] = [];
const children: ChildProcess[] = [];

/** Closes every fake and kills every script still running. */
export async function closeFakes(): Promise<void> {
  for (const c of children) c.kill();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
}

export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

async function listen(server: net.Server, host: string, port?: number): Promise<number> {
  servers.push(server);
  const p = port ?? await freePort(host);
  await new Promise<void>((resolve, reject) => server.listen(p, host, resolve).on('error', reject));
  return p;
}

/** A TLS target resetting every connection once the client has sent its ClientHello; counts them. */
export async function resettingTarget(host = '127.0.0.1'): Promise<{ port: number; resets: () => number }> {
  let resets = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      resets++;
      socket.resetAndDestroy();
    });
  });
  return { port: await listen(server, host), resets: () => resets };
}

/** An HTTPS target serving a certificate (200 to every request); records the SNI of each handshake. */
export async function tlsTarget(cert: { certificatePem: string; privateKeyPem: string }, host = '127.0.0.1'): Promise<{ port: number; sni: string[] }> {
  const sni: string[] = [];
  const server = https.createServer({ cert: cert.certificatePem, key: cert.privateKeyPem }, (_req, res) => res.end('ok'));
  server.on('secureConnection', (s) => sni.push((s as unknown as { servername: string | false }).servername || ''));
  return { port: await listen(server, host), sni };
}

/** A fake Kubernetes API (bearer `test-token`): the Envoy pods of each gateway, one Running with its IP. */
export async function fakeKubeApi(podIps: Record<string, string>): Promise<{ port: number; calls: string[] }> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(req.url!);
    const url = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== 'Bearer test-token') {
      res.statusCode = 401;
      return res.end('{}');
    }
    const gateway = /owning-gateway-name=([-a-z0-9]+)/.exec(url.searchParams.get('labelSelector') ?? '')?.[1] ?? '';
    if (!/^\/api\/v1\/namespaces\/[-a-z0-9]+\/pods$/.test(url.pathname)) {
      res.statusCode = 404;
      return res.end('{}');
    }
    const ip = podIps[gateway];
    const items = ip ? [{ metadata: { name: `envoy-${gateway}-0` }, status: { phase: 'Running', podIP: ip } }] : [];
    return res.end(JSON.stringify({ kind: 'PodList', items }));
  });
  return { port: await listen(server, '127.0.0.1'), calls };
}

/** Fake Envoy stats (`/stats/prometheus`), the same port on each pod address; the text is computed per scrape. */
export async function fakeStats(pods: Record<string, () => string>): Promise<number> {
  const port = await freePort(Object.keys(pods)[0]);
  for (const [ip, text] of Object.entries(pods)) {
    await listen(http.createServer((req, res) => {
      res.statusCode = req.url === '/stats/prometheus' ? 200 : 404;
      res.end(text());
    }), ip, port);
  }
  return port;
}

/** The two stats Envoy publishes when it rejected a Secret and its listener serves no certificate. */
export function rejectedSecretStats(secret: string, notReady: number): string {
  return [
    '# TYPE envoy_sds_update_rejected counter',
    `envoy_sds_update_rejected{envoy_xds_resource_name="${secret}"} 1`,
    `envoy_sds_update_success{envoy_xds_resource_name="${secret}"} 0`,
    `envoy_listener_server_ssl_socket_factory_downstream_context_secrets_not_ready{envoy_listener_address="0.0.0.0_10443"} ${notReady}`,
    '',
  ].join('\n');
}

/** Writes a ConfigMap's files into a directory, as the Job mounts them at /config. */
export function writeConfigMap(dir: string, data: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(data)) fs.writeFileSync(path.join(dir, name), content);
  fs.writeFileSync(path.join(dir, 'token'), 'test-token\n');
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script of the directory with the fakes' environment; resolves when it exits. */
export function runScript(dir: string, script: string, env: Record<string, string>): Promise<ScriptRun> {
  const child = spawn('python3', [path.join(dir, script)], {
    env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1', ATLS_KUBE_TOKEN: path.join(dir, 'token'), ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => stdout += d);
  child.stderr.on('data', (d) => stderr += d);
  return new Promise((r) => child.on('close', (status) => r({ status, stdout, stderr })));
}
