// The simulated nodes: Node objects as a kubelet with a running QAT device plugin registers them
// (kwok then keeps them Ready), and the NodeFeature objects nfd-worker would publish for their
// hardware (cpuid flags, CPU model, PCI devices, kernel modules), which the real NFD rule engine
// (nfd-master) turns into labels.
'use strict';

const COMMON_CPUID = ['AESNI', 'AVX', 'AVX2', 'BMI1', 'BMI2', 'FMA3', 'SHA', 'SSE4', 'VAES', 'VPCLMULQDQ'];
const AVX512_SKX = ['AVX512F', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512VL'];
// Ice Lake adds the two extensions CryptoMB needs for RSA and ECDSA: IFMA and VBMI2.
const AVX512_ICX = [...AVX512_SKX, 'AVX512IFMA', 'AVX512VBMI', 'AVX512VBMI2', 'AVX512VNNI', 'AVX512BITALG', 'AVX512VPOPCNTDQ', 'GFNI'];
const X86_MODULES = ['ext4', 'ip_tables', 'overlay', 'br_netfilter', 'nf_conntrack'];
const NIC = { vendor: '8086', device: '1592', class: '0200', subsystem_vendor: '8086', subsystem_device: '0002' };

/** name -> hardware (the labels our NodeFeatureRules must give each node are in check.js). */
const NODES = [
  {
    name: 'spr-qat', arch: 'amd64', ip: '10.201.0.11', model: { vendor_id: 'Intel', family: '6', id: '143' },
    cpuid: [...COMMON_CPUID, ...AVX512_ICX, 'AMXBF16', 'AMXINT8', 'AMXTILE'],
    // The QAT 4xxx PF with its driver, and vfio-pci loaded (what the host preparation does).
    modules: [...X86_MODULES, 'intel_qat', 'qat_4xxx', 'vfio', 'vfio_pci', 'vfio_iommu_type1'],
    pci: [NIC, { vendor: '8086', device: '4940', class: '0b40', sriov_totalvfs: '16', subsystem_vendor: '8086', subsystem_device: '0000' }],
    // What the QAT device plugin advertises for 16 VFs configured for sym;asym.
    allocatable: { 'qat.intel.com/cy': '16' },
  },
  {
    name: 'icx', arch: 'amd64', ip: '10.201.0.12', model: { vendor_id: 'Intel', family: '6', id: '106' },
    cpuid: [...COMMON_CPUID, ...AVX512_ICX], modules: X86_MODULES, pci: [NIC],
  },
  {
    name: 'skx', arch: 'amd64', ip: '10.201.0.13', model: { vendor_id: 'Intel', family: '6', id: '85' },
    cpuid: [...COMMON_CPUID.filter((f) => !['SHA', 'VAES', 'VPCLMULQDQ'].includes(f)), ...AVX512_SKX], modules: X86_MODULES, pci: [NIC],
  },
  {
    name: 'arm64', arch: 'arm64', ip: '10.201.0.14', model: { vendor_id: 'ARM', family: '8', id: '3340' },
    cpuid: ['AES', 'ASIMD', 'ATOMICS', 'CRC32', 'FP', 'PMULL', 'SHA1', 'SHA2', 'SVE'], modules: ['ext4', 'overlay', 'br_netfilter'],
    pci: [{ vendor: '15b3', device: '101d', class: '0200', subsystem_vendor: '15b3', subsystem_device: '0040' }],
  },
];

const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

function nodeObject(n) {
  const resources = { 'cpu': '64', 'memory': '256Gi', 'pods': '110', 'ephemeral-storage': '500Gi', ...(n.allocatable ?? {}) };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: n.name,
      annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/arch': n.arch, 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': n.name },
    },
    status: {
      addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }],
      allocatable: resources, capacity: resources,
      nodeInfo: {
        architecture: n.arch, operatingSystem: 'linux', kubeletVersion: 'v1.35.3', kubeProxyVersion: '', containerRuntimeVersion: 'containerd://2.1.0',
        kernelVersion: '6.8.0', osImage: 'Ubuntu 24.04 LTS', machineID: '', systemUUID: '', bootID: '',
      },
    },
  };
}

const flags = (names) => ({ elements: Object.fromEntries(names.map((f) => [f, {}])) });

/** The NodeFeature nfd-worker v0.19 publishes for node `n` in NFD's namespace. */
function nodeFeature(n, namespace) {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1', kind: 'NodeFeature',
    metadata: { name: n.name, namespace, labels: { 'nfd.node.kubernetes.io/node-name': n.name } },
    spec: {
      features: {
        flags: { 'cpu.cpuid': flags(n.cpuid), 'kernel.loadedmodule': flags(n.modules), 'kernel.enabledmodule': flags(n.modules) },
        attributes: { 'cpu.model': { elements: n.model }, 'kernel.version': { elements: { full: '6.8.0-51-generic', major: '6', minor: '8', revision: '0' } } },
        instances: { 'pci.device': { elements: n.pci.map((attributes) => ({ attributes })) } },
      },
      // nfd-worker's own labels (the default cpu-cpuid source), published with the features.
      labels: Object.fromEntries(n.cpuid.filter((f) => f.startsWith('AVX512')).map((f) => [`feature.node.kubernetes.io/cpu-cpuid.${f}`, 'true'])),
    },
  };
}

module.exports = { NODES, KWOK_ANNOTATION, nodeObject, nodeFeature };
