// What a health check reports: one finding per problem, in the admin's words, with the evidence (the
// fields and values, or a message's body) and, where one exists, the fix: the editor command that
// opens the procedure's plan and the runbook procedure it runs. Shared by the Problems view, the tree
// marks and `npm run health`. No vscode import.
//
// Names, bodies and maps in `object.name`, `summary` and `evidence` come from XAPI: untrusted text,
// cleaned by whoever shows them (src/text).

import type { XapiClass } from '../xapi/records';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };

export function isSeverity(s: unknown): s is Severity {
  return s === 'error' || s === 'warning' || s === 'info';
}

/** The object a finding is about, as the tree shows it. */
export interface FindingObject {
  kind: 'pool' | 'host' | 'SR' | 'PBD' | 'VDI' | 'VBD' | 'VM';
  name: string;
  uuid: string;
  /** The object's ref in its pool (for the editor's commands); absent when XAPI named only a uuid it no longer has. */
  ref?: string;
}

/** The way out: the command that opens a procedure's plan (as the tree's menu does), or a line for `xe`. */
export interface FindingFix {
  /** Editor command id (`xcpAdmin.host.forget`), run on the finding's object; absent where none exists. */
  command?: string;
  /** The runbook procedure and its title ("H5 Forget an incinerated host"), or a plain sentence. */
  procedure: string;
  /** The object the command acts on, when it is not the finding's own (a PBD's SR, a VBD's VDI). */
  target?: { kind: FindingObject['kind']; ref: string };
  /** What an admin types on the pool master without the editor. */
  xe?: string;
}

export interface Finding {
  /** Stable across evaluations: check id + object (+ message ref): the key for muting and for the view. */
  id: string;
  check: string;
  severity: Severity;
  object: FindingObject;
  summary: string;
  /** Field → value, or `body` → a message's body. */
  evidence: Record<string, string>;
  fix?: FindingFix;
  /** XAPI messages only: the message's ref (Dismiss destroys it) and time. */
  message?: { ref: string; name: string; timestamp: Date };
}
