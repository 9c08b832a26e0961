import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ProviderBehaviour, ProviderFinding, ProviderPatchValue } from './behaviour';
import { KeyProviderOptions } from './options';
import { AppRegistry } from '../core/app-registry';
import { protoDuration } from '../core/names';
import { ruleError } from '../core/rules';

/**
 * @internal The longest poll delay accepted without a warning (ATLS-KEY008): Envoy's own default
 * (`PROTOBUF_GET_MS_OR_DEFAULT(conf, poll_delay, 200)` in the providers' source). A batch that is
 * not full waits for it, so at low load every handshake does; longer only adds latency.
 */
export const MAX_QUIET_POLL_DELAY_MS = 200;

/** @internal What the hardware providers share: a poll delay, fallback and a typed config. */
export abstract class HardwareProvider extends ProviderBehaviour {
  public readonly pollDelay: Duration;
  public readonly fallback: boolean;

  protected constructor(options: KeyProviderOptions) {
    super();
    this.pollDelay = options.pollDelay ?? Duration.millis(1);
    this.fallback = options.fallback ?? true;
  }

  public validate(scope: IConstruct, prop: string): void {
    // The provider protos require poll_delay gte 1ms.
    const ms = this.pollDelay.toMilliseconds({ integral: false });
    if (!(ms >= 1)) throw ruleError('ATLS-KEY006', scope, `${prop}.pollDelay`, `${ms} ms is below the 1 ms minimum of the ${this.kind} provider`);
  }

  public appFindings(_reg: AppRegistry): ProviderFinding[] {
    const ms = this.pollDelay.toMilliseconds({ integral: false });
    if (ms <= MAX_QUIET_POLL_DELAY_MS) return [];
    return [{
      ruleId: 'ATLS-KEY008',
      prop: 'pollDelay',
      detail: `${ms} ms: a batch of private-key operations that is not full waits this long before it is processed, so at low load `
        + `every handshake waits up to ${ms} ms (clients may time out); use at most ${MAX_QUIET_POLL_DELAY_MS} ms, Envoy's own default `
        + '(the library\'s default, 1 ms, favours latency; a full batch is processed at once whatever the delay)',
    }];
  }

  public patchValue(): ProviderPatchValue {
    const type = this.configType!;
    return {
      provider_name: type.providerName,
      typed_config: {
        '@type': type.typeUrl,
        // Placeholder, overwritten by the policy's copy: the policy carries no key material.
        'private_key': { inline_string: 'placeholder' },
        'poll_delay': protoDuration(this.pollDelay),
      },
      fallback: this.fallback,
    };
  }
}
