// A Kubernetes control plane of real components as local processes: kube-apiserver (etcd embedded),
// kube-controller-manager and kube-scheduler, with the flags a kubeadm cluster has. Every process
// is started in its own process group, logs to a file, and is stopped by stop() or on exit.
'use strict';
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const procs = new Set();
function killAll(signal) {
  for (const p of procs) {
    try { process.kill(-p.pid, signal); } catch { /* already gone */ }
  }
}
process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll('SIGKILL'); process.exit(130); });

// No single kubectl call may hang the check (the stage has its own overall timeout too).
const KUBECTL_TIMEOUT_MS = 120000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws `what` with the last error after `timeoutMs`. */
async function waitFor(what, fn, timeoutMs = 60000, everyMs = 500) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${String(last.message ?? last).trim().slice(0, 600)}` : ''}`);
    await sleep(everyMs);
  }
}

class ControlPlane {
  /**
   * @param bin directory of the built tools
   * @param dir working directory of this cluster (certificates, kubeconfigs, etcd data, logs)
   * @param ip the address the apiserver advertises and serves on
   * @param index distinguishes the ports of clusters run one after the other
   */
  constructor(bin, dir, ip, index = 0) {
    Object.assign(this, { bin, dir, ip, index, started: [] });
    this.port = 6443 + index;
    this.logs = path.join(dir, 'logs');
    fs.mkdirSync(this.logs, { recursive: true });
  }

  /** Starts `cmd` (a tool name in bin/ or a path) with its output in logs/<name>.log. */
  spawn(name, cmd, args, env = {}) {
    const out = fs.openSync(path.join(this.logs, `${name}.log`), 'a');
    const exe = cmd.includes('/') ? cmd : path.join(this.bin, cmd);
    const p = spawn(exe, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    fs.closeSync(out);
    p.name = name;
    p.exited = new Promise((resolve) => p.on('exit', (code, signal) => { procs.delete(p); p.exitCode_ = code ?? signal; resolve(); }));
    procs.add(p);
    this.started.push(p);
    return p;
  }

  /** The last lines of a component's log, for error messages. */
  logTail(name, lines = 15) {
    try {
      return fs.readFileSync(path.join(this.logs, `${name}.log`), 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch { return ''; }
  }

  kubeconfig(user, token) {
    const file = path.join(this.dir, `${user}.kubeconfig`);
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config',
      clusters: [{ name: 'atls', cluster: { 'server': `https://${this.ip}:${this.port}`, 'certificate-authority': path.join(this.dir, 'pki', 'apiserver.crt') } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: 'atls', context: { cluster: 'atls', user } }],
      'current-context': 'atls',
    }));
    return file;
  }

  async start() {
    const pki = path.join(this.dir, 'pki');
    fs.mkdirSync(pki, { recursive: true });
    // The service-account signing key, as kubeadm creates it.
    execFileSync('openssl', ['genrsa', '-out', path.join(pki, 'sa.key'), '2048'], { stdio: 'ignore' });
    execFileSync('openssl', ['rsa', '-in', path.join(pki, 'sa.key'), '-pubout', '-out', path.join(pki, 'sa.pub')], { stdio: 'ignore' });
    // Static tokens for the admin and the two controllers, in the groups kubeadm gives their certificates.
    const token = () => crypto.randomBytes(16).toString('hex');
    const users = { 'admin': ['kubernetes-admin', 'system:masters'], 'controller-manager': ['system:kube-controller-manager', ''], 'scheduler': ['system:kube-scheduler', ''] };
    const tokens = Object.fromEntries(Object.keys(users).map((u) => [u, token()]));
    fs.writeFileSync(path.join(pki, 'tokens.csv'), Object.entries(users)
      .map(([u, [name, group]]) => `${tokens[u]},${name},${name}${group ? `,"${group}"` : ''}`).join('\n') + '\n');

    const etcdPort = 2379 + 10 * this.index;
    const apiserver = this.spawn('kube-apiserver', 'kube-apiserver', [
      `--advertise-address=${this.ip}`, `--bind-address=${this.ip}`, `--secure-port=${this.port}`,
      `--cert-dir=${pki}`,
      '--allow-privileged=true',
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--service-cluster-ip-range=10.96.0.0/12',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
      `--token-auth-file=${path.join(pki, 'tokens.csv')}`,
      '--profiling=false',
      '--v=1',
    ], {
      ATLS_ETCD_DIR: path.join(this.dir, 'etcd'),
      ATLS_ETCD_CLIENT_URL: `http://127.0.0.1:${etcdPort}`,
      ATLS_ETCD_PEER_URL: `http://127.0.0.1:${etcdPort + 1}`,
    });
    // The apiserver writes its self-signed serving certificate before it listens.
    await waitFor('the apiserver\'s serving certificate', () => fs.existsSync(path.join(pki, 'apiserver.crt')), 60000, 200);
    this.admin = this.kubeconfig('admin', tokens.admin);
    await waitFor('kube-apiserver /readyz', () => {
      if (apiserver.exitCode_ !== undefined) throw new Error(`kube-apiserver exited (${apiserver.exitCode_}):\n${this.logTail('kube-apiserver')}`);
      return this.kubectl(['get', '--raw=/readyz']).trim() === 'ok';
    }, 120000);

    const common = (kc) => [`--kubeconfig=${kc}`, `--authentication-kubeconfig=${kc}`, `--authorization-kubeconfig=${kc}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', '--profiling=false'];
    this.spawn('kube-controller-manager', 'kube-controller-manager', [
      ...common(this.kubeconfig('controller-manager', tokens['controller-manager'])),
      `--secure-port=${10257 + 10 * this.index}`,
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${path.join(pki, 'sa.key')}`,
      `--root-ca-file=${path.join(pki, 'apiserver.crt')}`,
      '--cluster-name=atls',
    ]);
    this.spawn('kube-scheduler', 'kube-scheduler', [
      ...common(this.kubeconfig('scheduler', tokens.scheduler)),
      `--secure-port=${10259 + 10 * this.index}`,
    ]);
    // The controllers are up when the token controller has given `default` its root CA.
    await waitFor('kube-controller-manager (kube-root-ca.crt in default)', () => this.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'default', '-o', 'name']).trim(), 90000);
  }

  /**
   * kubectl as the cluster admin, never throwing: { status, stdout, stderr }. stderr is kept on
   * success too: that is where kubectl prints the apiserver's warnings.
   */
  kubectlResult(args, input) {
    const r = spawnSync(path.join(this.bin, 'kubectl'), [`--kubeconfig=${this.admin}`, ...args], {
      input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: KUBECTL_TIMEOUT_MS,
    });
    return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? r.error.message : '') };
  }

  /** kubectl as the cluster admin; throws with kubectl's output when it fails. */
  kubectl(args, input) {
    const r = this.kubectlResult(args, input);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  getJson(args) {
    return JSON.parse(this.kubectl(['get', ...args, '-o', 'json']));
  }

  /** Stops every process this cluster started: SIGTERM, then SIGKILL after 5 s (nothing here keeps state). */
  async stop() {
    await this.stopProcesses(this.started);
  }

  /** Stops `processes` (started by spawn()), each by its process group. */
  async stopProcesses(processes) {
    const running = processes.filter((p) => p.exitCode_ === undefined);
    for (const p of running) p.stopped = true;
    for (const p of running) { try { process.kill(-p.pid, 'SIGTERM'); } catch { /* gone */ } }
    await Promise.race([Promise.all(running.map((p) => p.exited)), sleep(5000)]);
    for (const p of running) { if (p.exitCode_ === undefined) { try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ } } }
    await Promise.all(running.map((p) => p.exited));
  }

  /** Names of the processes that died on their own (not those meant to finish, as a Job's container). */
  crashed() {
    return this.started.filter((p) => p.exitCode_ !== undefined && !p.stopped && !p.runsToCompletion).map((p) => `${p.name} (exit ${p.exitCode_})`);
  }
}

module.exports = { ControlPlane, waitFor, sleep };
