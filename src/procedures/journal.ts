// The journal of procedure runs: one JSON object per line in <folder>/journal.jsonl (the editor gives
// its global storage folder). What ran, on what, when, each step's result and output tail.
// No vscode import.

import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { l10n } from '../text/l10n';
import type { ObjectRef } from './plan';

export interface JournalStep {
  id: string;
  title: string;
  /** `unknown`: the connection was lost after the call was sent (see readBack for what XAPI said after). */
  status: 'done' | 'failed' | 'declined' | 'cancelled' | 'unknown' | 'not run';
  started?: string;
  ended?: string;
  output?: string;
  error?: string;
  /** After an unknown outcome: the state of the object the step acted on, as read back from XAPI. */
  readBack?: string[];
  /** The line the exported runbook runs for this step (its xe or ssh command). */
  command?: string;
  /** After a failure: what the step's diagnosis (Step.onFailure) read, e.g. the tail of /var/log/SMlog. */
  diagnosis?: { what: string; lines: string[] };
}

/**
 * A run's or a step's status as the admin reads it (the journal keeps the English word: it is data);
 * a word this version does not know (a journal written by another) is shown as it is.
 */
export function statusText(status: string): string {
  switch (status) {
    case 'done': return l10n.t('done');
    case 'failed': return l10n.t('failed');
    case 'declined': return l10n.t('declined');
    case 'cancelled': return l10n.t('cancelled');
    case 'unknown': return l10n.t('unknown');
    case 'not run': return l10n.t('not run');
    case 'refused': return l10n.t('refused');
    default: return status;
  }
}

export interface JournalEntry {
  procedure: string;
  title: string;
  target: ObjectRef;
  started: string;
  ended: string;
  status: string;
  message: string;
  steps: JournalStep[];
  /** Procedure-specific facts worth keeping (e.g. which LV an import wrote). */
  extra?: Record<string, unknown>;
  /** The plan exported as a runbook when it ran (runbookExport.ts), with each step's outcome in the Markdown. */
  runbook?: { markdown: string; script: string };
}

export class Journal {
  readonly file: string;
  constructor(folder: string) {
    this.file = join(folder, 'journal.jsonl');
  }

  async append(entry: JournalEntry): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    await appendFile(this.file, JSON.stringify(entry) + '\n', 'utf8');
  }

  /** Every entry, oldest first; a damaged line is skipped, not fatal. */
  async entries(): Promise<JournalEntry[]> {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // a line cut by a crash: skip it
      }
    }
    return out;
  }
}
