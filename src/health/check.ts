// A health check: which classes of records feed it (an event of another class never re-runs it), and
// how it turns the model into findings. One file per check or per family under src/health/checks.
// No vscode import.

import type { PoolModel } from '../model/poolModel';
import type { XapiClass } from '../xapi/records';
import type { Finding } from './finding';

export interface HealthCheck {
  /** "dead-host", "multipath-paths" … the first part of every finding id it makes. */
  readonly id: string;
  /** The record classes whose changes can change this check's findings. */
  readonly feeds: readonly XapiClass[];
  evaluate(model: PoolModel): Finding[];
}
