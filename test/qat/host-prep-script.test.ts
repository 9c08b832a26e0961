// The host-preparation script tested as a script: syntax, and runs against a fake root with stub
// modprobe/udevadm/systemctl proving idempotence and what it touches (shellcheck lints it with the
// project's other scripts: test/app/shell-scripts.tools.test.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerRuntime, QatHostPrep, VfioOwnership } from '../../src';
import { find, newChart, synthApp } from '../util';

/** The shipped file itself: what is linted and run here is what the DaemonSet runs. */
const SCRIPT = path.join(__dirname, '..', '..', 'assets', 'qat-host-prep.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atls-qat-prep-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ALL_ON = {
  QAT_PREP_LOAD_VFIO_PCI: 'true', QAT_PREP_VFIO_OWNER: '65532', QAT_PREP_RUNTIME: 'containerd', QAT_PREP_DEVICE_OWNERSHIP: 'false', QAT_PREP_MEMLOCK: '134217728',
};

/** The DaemonSet's environment for the given host-prep props. */
function envOf(props: object = {}): Record<string, string> {
  const { app, chart } = newChart();
  new QatHostPrep(chart, 'prep', props);
  const ds = find(synthApp(app), 'DaemonSet');
  return Object.fromEntries(ds.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
}

test('the script parses (bash -n)', () => {
  execFileSync('bash', ['-n', SCRIPT]);
});

/** A fake node: a root directory with a few pre-existing files, and stub commands. */
class FakeNode {
  public readonly root: string;
  private readonly bin: string;
  private readonly log: string;

  constructor(opts: { vfioLoaded?: boolean; units?: string[]; containerdConfig?: string } = {}) {
    const dir = fs.mkdtempSync(path.join(tmp, 'node-'));
    this.root = path.join(dir, 'root');
    this.bin = path.join(dir, 'bin');
    this.log = path.join(dir, 'calls.log');
    fs.writeFileSync(this.log, '');
    // What a QAT node already has: the VFIO container node, two groups, iommufd's directory,
    // unrelated module and drop-in files (the private key provider task's memlock.conf among them).
    this.write('dev/vfio/vfio', '');
    this.write('dev/vfio/12', '');
    this.write('dev/vfio/13', '');
    this.write('dev/vfio/devices/vfio0', '');
    this.write('etc/modules-load.d/other.conf', 'br_netfilter\n');
    this.write('etc/systemd/system/containerd.service.d/memlock.conf', '[Service]\nLimitMEMLOCK=134217728\n');
    this.write('etc/udev/rules.d/60-other.rules', 'SUBSYSTEM=="net", NAME="eth0"\n');
    if (opts.vfioLoaded) fs.mkdirSync(path.join(this.root, 'sys/module/vfio_pci'), { recursive: true });
    if (opts.containerdConfig !== undefined) this.write('etc/containerd/config.toml', opts.containerdConfig);
    fs.mkdirSync(this.bin);
    const units = (opts.units ?? ['containerd.service', 'crio.service']).join(' ');
    this.stub('modprobe', '[ "$1" = vfio_pci ] && mkdir -p "$ROOT/sys/module/vfio_pci"');
    this.stub('udevadm', '');
    this.stub('systemctl', `if [ "$1" = cat ]; then case " ${units} " in *" $2 "*) exit 0 ;; *) exit 1 ;; esac; fi`);
  }

  public write(rel: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(this.root, rel)), { recursive: true });
    fs.writeFileSync(path.join(this.root, rel), content);
  }

  public read(rel: string): string {
    return fs.readFileSync(path.join(this.root, rel), 'utf8');
  }

  /** Runs the script; returns its status, output, the commands it ran and the tree after. */
  public run(env: Record<string, string>) {
    fs.writeFileSync(this.log, '');
    const r = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: `${this.bin}:${process.env.PATH}`, ROOT: this.root, STUB_LOG: this.log, ...env },
    });
    return { status: r.status, out: r.stdout + r.stderr, calls: fs.readFileSync(this.log, 'utf8').split('\n').filter(Boolean), tree: this.tree() };
  }

  /** Every path below the root with its type, mode, owner and content. */
  public tree(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of fs.readdirSync(dir).sort()) {
        const p = path.join(dir, name);
        const st = fs.lstatSync(p);
        const rel = path.relative(this.root, p);
        out[rel] = `${st.isDirectory() ? 'd' : 'f'} ${(st.mode % 0o10000).toString(8)} ${st.uid}${st.isDirectory() ? '' : ' ' + fs.readFileSync(p, 'utf8')}`;
        if (st.isDirectory()) walk(p);
      }
    };
    walk(this.root);
    return out;
  }

  private stub(name: string, body: string): void {
    const file = path.join(this.bin, name);
    fs.writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> "$STUB_LOG"\n${body}\nexit 0\n`);
    fs.chmodSync(file, 0o755);
  }
}

/** Paths added, removed or changed between two trees. */
function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((k) => `${before[k] === undefined ? '+' : after[k] === undefined ? '-' : '~'} ${k}`);
}

const HEADER = '# Written by qat-host-prep (cdk8s-accelerated-tls).\n';

describe('a run on a fake node with every step on', () => {
  const node = new FakeNode();
  const before = node.tree();
  const first = node.run(ALL_ON);
  const second = node.run(ALL_ON);

  test('the synthesized DaemonSet passes exactly these switches by default', () => {
    expect(envOf()).toEqual(ALL_ON);
  });

  test('the first run succeeds and runs exactly the commands of the steps', () => {
    expect(first.out).toContain('qat-host-prep: done');
    expect(first.status).toBe(0);
    expect(first.calls).toEqual([
      'systemctl cat containerd.service',
      'modprobe vfio_pci',
      'udevadm control --reload',
      'systemctl daemon-reload',
      'systemctl restart containerd.service',
    ]);
  });

  test('it touches only its three files (and their directories) and the VFIO group nodes', () => {
    expect(changes(before, first.tree)).toEqual([
      '~ dev/vfio/12',
      '~ dev/vfio/13',
      '+ etc/modules-load.d/qat-vfio-pci.conf',
      '+ etc/systemd/system/containerd.service.d/99-qat-memlock.conf',
      '+ etc/udev/rules.d/99-qat-vfio-owner.rules',
      '+ sys', // created by the modprobe stub, standing for the kernel
      '+ sys/module',
      '+ sys/module/vfio_pci',
    ]);
    expect(node.read('etc/modules-load.d/qat-vfio-pci.conf')).toBe(`${HEADER}vfio_pci\n`);
    expect(node.read('etc/udev/rules.d/99-qat-vfio-owner.rules')).toBe(`${HEADER}SUBSYSTEM=="vfio", OWNER="65532"\n`);
    expect(node.read('etc/systemd/system/containerd.service.d/99-qat-memlock.conf')).toBe(`${HEADER}[Service]\nLimitMEMLOCK=134217728\n`);
    expect(first.tree['etc/modules-load.d/qat-vfio-pci.conf']).toMatch(/^f 644 /);
  });

  test('the VFIO groups are owned by 65532; /dev/vfio/vfio and iommufd devices are left alone', () => {
    expect(fs.statSync(path.join(node.root, 'dev/vfio/12')).uid).toBe(65532);
    expect(fs.statSync(path.join(node.root, 'dev/vfio/13')).uid).toBe(65532);
    expect(first.tree['dev/vfio/vfio']).toBe(before['dev/vfio/vfio']);
    expect(first.tree['dev/vfio/devices/vfio0']).toBe(before['dev/vfio/devices/vfio0']);
  });

  test('a second run is a no-op: nothing changes, nothing is loaded, reloaded or restarted', () => {
    expect(second.status).toBe(0);
    expect(changes(first.tree, second.tree)).toEqual([]);
    expect(second.calls).toEqual(['systemctl cat containerd.service']);
    expect(second.out).not.toMatch(/wrote|restarted|loaded vfio_pci|owner of/);
  });
});

test('a re-created VFIO group gets its owner back on the next run; drift in a file is repaired', () => {
  const node = new FakeNode({ vfioLoaded: true });
  node.run(ALL_ON);
  node.write('dev/vfio/14', '');
  node.write('etc/systemd/system/containerd.service.d/99-qat-memlock.conf', '[Service]\nLimitMEMLOCK=65536\n');
  const before = node.tree();
  const r = node.run(ALL_ON);
  expect(r.status).toBe(0);
  expect(changes(before, r.tree)).toEqual(['~ dev/vfio/14', '~ etc/systemd/system/containerd.service.d/99-qat-memlock.conf']);
  expect(r.calls).toEqual(['systemctl cat containerd.service', 'systemctl daemon-reload', 'systemctl restart containerd.service']);
});

test.each([
  ['loadVfioPci', { loadVfioPci: false }, ['etc/modules-load.d/qat-vfio-pci.conf'], 'modprobe'],
  ['vfioAccess', { vfioAccess: false }, ['etc/udev/rules.d/99-qat-vfio-owner.rules'], 'udevadm'],
  ['raiseMemlock', { raiseMemlock: false }, ['etc/systemd/system/containerd.service.d/99-qat-memlock.conf'], 'systemctl'],
])('switching %s off leaves its files and commands out', (_name, props, files, command) => {
  const node = new FakeNode();
  const r = node.run(envOf(props));
  expect(r.status).toBe(0);
  for (const f of files) expect(r.tree[f]).toBeUndefined();
  expect(r.calls.filter((c) => c.startsWith(command))).toEqual([]);
  if ((props as any).vfioAccess === false) expect(fs.statSync(path.join(node.root, 'dev/vfio/12')).uid).toBe(0);
});

test('CRI-O gets the drop-in on crio.service, with the chosen limit', () => {
  const node = new FakeNode({ vfioLoaded: true });
  const r = node.run({ ...ALL_ON, QAT_PREP_RUNTIME: 'crio', QAT_PREP_MEMLOCK: '268435456' });
  expect(r.status).toBe(0);
  expect(node.read('etc/systemd/system/crio.service.d/99-qat-memlock.conf')).toBe(`${HEADER}[Service]\nLimitMEMLOCK=268435456\n`);
  expect(r.calls).toContain('systemctl restart crio.service');
});

test('a node without the runtime unit fails before touching anything', () => {
  const node = new FakeNode({ units: [] });
  const before = node.tree();
  const r = node.run(ALL_ON);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/containerd.service is not a systemd unit on this node/);
  expect(changes(before, r.tree)).toEqual([]);
  expect(r.calls).toEqual(['systemctl cat containerd.service']);
});

test.each([
  ['QAT_PREP_LOAD_VFIO_PCI', 'yes'], ['QAT_PREP_VFIO_OWNER', 'envoy'], ['QAT_PREP_RUNTIME', 'docker'], ['QAT_PREP_MEMLOCK', '1G'],
  ['QAT_PREP_DEVICE_OWNERSHIP', 'yes'],
])('a bad %s is refused before any step', (name, value) => {
  const node = new FakeNode();
  const before = node.tree();
  const r = node.run({ ...ALL_ON, [name]: value });
  expect(r.status).toBe(1);
  expect(r.out).toContain(name);
  expect(changes(before, r.tree)).toEqual([]);
});

test('a file it cannot write stops the run with an error, before the step that needs it', () => {
  const node = new FakeNode({ vfioLoaded: true });
  // A plain file where the udev rules directory goes (as a read-only or broken /etc would).
  fs.rmSync(path.join(node.root, 'etc/udev'), { recursive: true });
  node.write('etc/udev', 'not a directory\n');
  const r = node.run(ALL_ON);
  expect(r.status).toBe(1);
  expect(r.out).toContain('error: cannot create the directory of /etc/udev/rules.d/99-qat-vfio-owner.rules');
  expect(r.out).not.toContain('done');
  expect(r.calls).not.toContain('udevadm control --reload');
});

describe('device ownership from the security context instead of the udev rule', () => {
  const imports = 'imports = ["/etc/containerd/conf.d/*.toml"]\n';
  const v2 = `version = 2\n${imports}[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n`;
  const env = envOf({ vfioOwnership: VfioOwnership.FROM_SECURITY_CONTEXT });

  test('the DaemonSet passes these switches: no udev owner, the runtime drop-in on', () => {
    expect(env).toEqual({ ...ALL_ON, QAT_PREP_VFIO_OWNER: '', QAT_PREP_DEVICE_OWNERSHIP: 'true' });
  });

  test('containerd (config version 2): one drop-in in the imported directory, the runtime restarted once, twice a no-op', () => {
    const node = new FakeNode({ vfioLoaded: true, containerdConfig: v2 });
    const before = node.tree();
    const first = node.run(env);
    expect(first.status).toBe(0);
    expect(changes(before, first.tree)).toEqual([
      '+ etc/containerd/conf.d',
      '+ etc/containerd/conf.d/99-qat-device-ownership.toml',
      '+ etc/modules-load.d/qat-vfio-pci.conf',
      '+ etc/systemd/system/containerd.service.d/99-qat-memlock.conf',
    ]);
    expect(node.read('etc/containerd/conf.d/99-qat-device-ownership.toml'))
      .toBe(`${HEADER}version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  device_ownership_from_security_context = true\n`);
    // The host's VFIO nodes keep their owner: the runtime sets it per container.
    expect(first.tree['dev/vfio/12']).toBe(before['dev/vfio/12']);
    expect(first.calls).toEqual(['systemctl cat containerd.service', 'systemctl daemon-reload', 'systemctl restart containerd.service']);
    const second = node.run(env);
    expect(changes(first.tree, second.tree)).toEqual([]);
    expect(second.calls).toEqual(['systemctl cat containerd.service']);
  });

  test('containerd 2 (config version 3) gets the CRI runtime plugin\'s table; without memlock, no daemon-reload', () => {
    const node = new FakeNode({ vfioLoaded: true, containerdConfig: `version = 3\n${imports}` });
    const r = node.run(envOf({ vfioOwnership: VfioOwnership.FROM_SECURITY_CONTEXT, raiseMemlock: false }));
    expect(r.status).toBe(0);
    expect(node.read('etc/containerd/conf.d/99-qat-device-ownership.toml'))
      .toBe(`${HEADER}version = 3\n[plugins."io.containerd.cri.v1.runtime"]\n  device_ownership_from_security_context = true\n`);
    expect(r.calls).toEqual(['systemctl cat containerd.service', 'systemctl restart containerd.service']);
    expect(r.tree['etc/systemd/system/containerd.service.d/99-qat-memlock.conf']).toBeUndefined();
  });

  test('containerd 2\'s own default config (single-quoted imports) is accepted', () => {
    const node = new FakeNode({ vfioLoaded: true, containerdConfig: "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n" });
    const r = node.run(env);
    expect(r.status).toBe(0);
    expect(node.read('etc/containerd/conf.d/99-qat-device-ownership.toml')).toContain('[plugins."io.containerd.cri.v1.runtime"]');
  });

  test('CRI-O reads its drop-in directory by default', () => {
    const node = new FakeNode({ vfioLoaded: true });
    const r = node.run(envOf({ vfioOwnership: VfioOwnership.FROM_SECURITY_CONTEXT, containerRuntime: ContainerRuntime.CRIO }));
    expect(r.status).toBe(0);
    expect(node.read('etc/crio/crio.conf.d/99-qat-device-ownership.conf'))
      .toBe(`${HEADER}[crio.runtime]\ndevice_ownership_from_security_context = true\n`);
    expect(r.calls.filter((c) => c.includes('restart'))).toEqual(['systemctl restart crio.service']);
  });

  test.each([
    ['no main config', undefined, /\/etc\/containerd\/config.toml does not exist/],
    ['a main config that does not import conf.d', 'version = 2\n', /does not import \/etc\/containerd\/conf.d\/\*.toml: add imports = /],
    ['a version 1 config', imports, /config version '1'; 2 or 3 is needed/],
    ['a version 1 config with a `version` key inside a table', `${imports}[plugins."x"]\n  version = 2\n`, /config version '1'; 2 or 3 is needed/],
  ])('containerd with %s: refused before anything is touched, the main config never written', (_name, config, message) => {
    const node = new FakeNode({ vfioLoaded: true, containerdConfig: config });
    const before = node.tree();
    const r = node.run(env);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(message);
    expect(changes(before, r.tree)).toEqual([]);
  });
});

test.each([
  ['vfioUid with FROM_SECURITY_CONTEXT', { vfioOwnership: VfioOwnership.FROM_SECURITY_CONTEXT, vfioUid: 1000 }, /vfioUid: with VfioOwnership.FROM_SECURITY_CONTEXT the owner is/],
  ['vfioOwnership without vfioAccess', { vfioAccess: false, vfioOwnership: VfioOwnership.UDEV_RULE }, /vfioOwnership: needs vfioAccess/],
  ['containerRuntime without a runtime step', { raiseMemlock: false, containerRuntime: ContainerRuntime.CRIO }, /containerRuntime: needs raiseMemlock or VfioOwnership.FROM_SECURITY_CONTEXT/],
  ['a vfioOwnership that is not one', { vfioOwnership: 'udev' }, /vfioOwnership: 'udev' is not a VfioOwnership/],
  ['an image that is not a reference', { image: 'debian slim' }, /prep: \[ATLS-IMG002\] image: 'debian slim' is not an image reference/],
])('%s is an error naming the prop', (_name, props, message) => {
  expect(() => envOf(props)).toThrow(message);
});

describe('the DaemonSet wrapper', () => {
  const { app, chart } = newChart();
  new QatHostPrep(chart, 'prep');
  const command: string[] = find(synthApp(app), 'DaemonSet').spec.template.spec.containers[0].command;

  test('runs the script through nsenter into PID 1, then sleeps', () => {
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(command[2]).toMatch(/^nsenter --target 1 --mount --uts --ipc --net --pid -- bash -c "\$1" && .*sleep/);
    expect(command.slice(3)).toEqual(['qat-host-prep', fs.readFileSync(SCRIPT, 'utf8')]);
    execFileSync('sh', ['-n', '-c', command[2]]);
  });

  test('exits with the script\'s status when it fails (so the pod restarts and shows it)', () => {
    const bin = fs.mkdtempSync(path.join(tmp, 'nsenter-'));
    // A stub nsenter: drops its options, runs the command here.
    fs.writeFileSync(path.join(bin, 'nsenter'), '#!/bin/sh\nwhile [ "$1" != -- ]; do shift; done; shift; exec "$@"\n', { mode: 0o755 });
    const r = spawnSync('sh', ['-c', command[2], 'qat-host-prep', 'echo failing; exit 3'], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}` }, timeout: 5000 });
    expect(r.stdout).toBe('failing\n');
    expect(r.status).toBe(3);
  });
});
