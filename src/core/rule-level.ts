/** How a rule violation is reported. */
export enum RuleLevel {
  /** Synth fails. */
  ERROR = 'error',
  /** A warning is printed and synth goes on. */
  WARNING = 'warning',
}
