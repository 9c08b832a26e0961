/**
 * The services the QAT VFs are configured for (`ServicesEnabled=` in the `qat-config`
 * ConfigMap, read by the QAT init container), and the extended resource the device plugin then
 * advertises for them.
 *
 * Only the values the init container accepts (its `SERVICES_LIST`) are offered: it silently
 * ignores any other. Envoy's QAT key provider needs asymmetric crypto, so `CRYPTO` (the
 * default, `qat.intel.com/cy`) or a combination with `asym` is what a gateway requests.
 */
export class QatServices {
  /** `sym;asym`: symmetric and asymmetric crypto, advertised as `qat.intel.com/cy` (the default). */
  public static readonly CRYPTO = new QatServices('sym;asym', false);
  /** `asym;sym`: same as `CRYPTO` (`qat.intel.com/cy`). */
  public static readonly ASYM_SYM = new QatServices('asym;sym', false);
  /** `sym`: symmetric crypto only (`qat.intel.com/sym`); not usable by Envoy's key provider. */
  public static readonly SYM = new QatServices('sym', false);
  /** `asym`: asymmetric crypto only (`qat.intel.com/asym`). */
  public static readonly ASYM = new QatServices('asym', false);
  /** `dc`: compression (`qat.intel.com/dc`); not usable by Envoy's key provider. */
  public static readonly COMPRESSION = new QatServices('dc', false);
  /** `sym;dc` (`qat.intel.com/sym-dc`). */
  public static readonly SYM_DC = new QatServices('sym;dc', false);
  /** `asym;dc` (`qat.intel.com/asym-dc`). */
  public static readonly ASYM_DC = new QatServices('asym;dc', false);
  /** `dcc`: chaining compression, which combines with nothing (`qat.intel.com/dcc`). */
  public static readonly DCC = new QatServices('dcc', false);
  /** `decomp`: decompression, Gen6 only (`qat.intel.com/decomp`). */
  public static readonly DECOMP = new QatServices('decomp', true);
  /** `asym;sym;dc`: three services, Gen6 only (`qat.intel.com/asym-sym-dc`). */
  public static readonly ASYM_SYM_DC = new QatServices('asym;sym;dc', true);
  /** `asym;sym;decomp`: three services, Gen6 only (`qat.intel.com/asym-sym-decomp`). */
  public static readonly ASYM_SYM_DECOMP = new QatServices('asym;sym;decomp', true);

  /** The extended resource the plugin advertises for this configuration. */
  public readonly resourceName: string;

  /**
   * @param value the `ServicesEnabled` value
   * @param gen6Only whether only QAT Gen6 (6xxx) devices support it
   */
  private constructor(public readonly value: string, public readonly gen6Only: boolean) {
    // The plugin's trimServiceName: the first two ';' become '-', and sym-asym/asym-sym is 'cy'.
    const name = value.replace(';', '-').replace(';', '-');
    this.resourceName = `qat.intel.com/${name === 'sym-asym' || name === 'asym-sym' ? 'cy' : name}`;
  }
}
