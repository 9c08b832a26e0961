// Pod networking for the containers the check runs, nested in the check's own network namespace:
// each pod gets a network namespace of its own with the pod IP kwok gave it, on a veth pair routed
// through the check's namespace (which holds the control plane and Envoy Gateway's controller), so
// every Envoy can bind the same ports. Backends and Service addresses are added to the check's
// loopback; a Service is a small TCP relay from its ClusterIP port to a ready endpoint (the role
// kube-proxy has). Every address here is one the check adds; all of it goes with the namespace.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

// The pods' gateway: an address of the check's namespace no pod of kwok's 10.244.0.0/16 gets.
const GATEWAY = '10.244.255.254';
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

class PodNetwork {
  constructor() {
    this.pods = new Map();
    this.local = new Set();
    this.servers = [];
    fs.mkdirSync('/run/netns', { recursive: true });
    // Named namespaces live in the check's own mount namespace.
    execFileSync('mount', ['-t', 'tmpfs', 'atls-netns', '/run/netns']);
    fs.writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
    this.addLocal(GATEWAY);
  }

  /** `address` on the check's loopback (a backend's pod IP, a ClusterIP). */
  addLocal(address) {
    if (this.local.has(address)) return;
    ip('addr', 'add', `${address}/32`, 'dev', 'lo');
    this.local.add(address);
  }

  /** A network namespace for pod `name` with `address`; returns its name. */
  addPod(name, address) {
    if (this.pods.has(name)) return this.pods.get(name).netns;
    const n = this.pods.size;
    const netns = `atls-pod-${n}`; const host = `atls-v${n}`;
    ip('netns', 'add', netns);
    ip('link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    ip('link', 'set', host, 'up');
    ip('route', 'add', `${address}/32`, 'dev', host);
    for (const args of [['link', 'set', 'lo', 'up'], ['addr', 'add', `${address}/32`, 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'],
      ['route', 'add', GATEWAY, 'dev', 'eth0'], ['route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0']]) ip('-n', netns, ...args);
    this.pods.set(name, { netns, address });
    return netns;
  }

  /** A Service's ClusterIP port relaying every connection to `target` ({ host, port }). */
  async relay(clusterIP, port, target) {
    this.addLocal(clusterIP);
    const server = net.createServer((c) => {
      const u = net.connect(target.port, target.host);
      c.pipe(u).pipe(c);
      const end = () => { c.destroy(); u.destroy(); };
      c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
    });
    await new Promise((resolve, reject) => server.once('error', reject).listen(port, clusterIP, resolve));
    this.servers.push(server);
  }

  /** Closes the relays and deletes the pods' namespaces (their processes are stopped first). */
  close() {
    for (const s of this.servers) s.close();
    for (const { netns } of this.pods.values()) { try { ip('netns', 'del', netns); } catch { /* gone */ } }
    for (const a of this.local) { try { ip('addr', 'del', `${a}/32`, 'dev', 'lo'); } catch { /* gone */ } }
    execFileSync('umount', ['/run/netns']);
  }
}

module.exports = { PodNetwork, GATEWAY };
