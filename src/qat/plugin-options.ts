// The choices of the QAT device plugin's command line.

/** Driver the plugin binds QAT VFs to (`-dpdk-driver`). */
export enum QatDpdkDriver {
  /** vfio-pci (the plugin's default): what qatlib and Envoy's QAT provider use. */
  VFIO_PCI = 'vfio-pci',
  /** igb_uio (legacy DPDK). */
  IGB_UIO = 'igb_uio',
}

/** Kernel VF drivers whose devices the plugin registers (`-kernel-vf-drivers`). */
export enum QatVfDriver {
  /** DH895xCC VFs. */
  DRIVER_DH895XCCVF = 'dh895xccvf',
  /** C62x VFs (37c9). */
  DRIVER_C6XXVF = 'c6xxvf',
  /** C3xxx VFs. */
  DRIVER_C3XXXVF = 'c3xxxvf',
  /** D15xx VFs. */
  DRIVER_D15XXVF = 'd15xxvf',
  /** Gen4 4xxx/401xx/402xx VFs (4941, 4943, 4945). */
  DRIVER_4XXXVF = '4xxxvf',
  /** Gen4 420xx VFs (4947). */
  DRIVER_420XXVF = '420xxvf',
  /** C4xxx VFs. */
  DRIVER_C4XXXVF = 'c4xxxvf',
  /** Gen6 6xxx VFs (4949). Not in the plugin's default list. */
  DRIVER_6XXXVF = '6xxxvf',
}

/** How the plugin picks VFs for a container (`-allocation-policy`). */
export enum QatAllocationPolicy {
  /** Spread the VFs across physical functions. */
  BALANCED = 'balanced',
  /** Take the lowest-numbered VFs. */
  PACKED = 'packed',
}
