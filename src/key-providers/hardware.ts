import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ProviderBehaviour, ProviderPatchValue } from './behaviour';
import { KeyProviderOptions } from './options';
import { protoDuration } from '../core/names';
import { ruleError } from '../core/rules';

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
