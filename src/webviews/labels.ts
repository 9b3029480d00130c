// The words the progress panels' scripts show (titles, field names, buttons, phases, statuses, the
// stall and verdict phrases), translated on the extension side: a webview script has no vscode.l10n,
// so the panel writes these maps into its page (html.ts: a JSON data block) and the script reads them.
// Computed when a panel opens, never at module load, so they follow the translator the editor handed
// over. A phrase with values keeps its {n} placeholders for the script to fill (protocol.ts: fillLabel): each
// l10n.t call passes the placeholders themselves as its arguments, so the translator returns the
// translated template with them in place. No vscode import.

import { l10n } from '../text/l10n';

/** The dd progress panel's words. */
export function ddLabels() {
  return {
    title: l10n.t('Raw disk import'),
    from: l10n.t('From'),
    to: l10n.t('To'),
    copied: l10n.t('Copied'),
    /** "1.2 GiB of 4 GiB" */
    bytesOf: l10n.t('{0} of {1}', '{0}', '{1}'),
    rate: l10n.t('Rate'),
    /** "12 MiB/s" */
    perSecond: l10n.t('{0}/s', '{0}'),
    eta: l10n.t('ETA'),
    elapsed: l10n.t('Elapsed'),
    phase: l10n.t('Phase'),
    phases: {
      waiting: l10n.t('waiting'),
      copying: l10n.t('copying'),
      verifying: l10n.t('verifying'),
      done: l10n.t('done'),
      failed: l10n.t('failed'),
      cancelled: l10n.t('cancelled'),
    },
    /** "peak 80 MiB/s" on the graph */
    peak: l10n.t('peak {0}/s', '{0}'),
    stalled: l10n.t('No bytes for {0} s: the source or the target may be stuck (network, a hung dd, a full or inactive LV). Cancel stops both ends.', '{0}'),
    comparing: l10n.t('Comparing the checksums of both ends…'),
    match: l10n.t('checksums match'),
    failedTag: l10n.t('FAILED'),
    /** "source <sha256>" */
    sourceSum: l10n.t('source {0}', '{0}'),
    targetSum: l10n.t('target {0}', '{0}'),
    cancel: l10n.t('Cancel'),
  };
}
export type DdLabels = ReturnType<typeof ddLabels>;

/** The FC SR resize grid's words; `steps` names the grid's columns (keyed by the procedure's step ids). */
export function resizeLabels() {
  return {
    title: l10n.t('Grow an FC SR online'),
    sr: l10n.t('SR'),
    sizeBefore: l10n.t('physical_size before'),
    sizeAfter: l10n.t('physical_size after'),
    host: l10n.t('host'),
    pathOrMap: l10n.t('path / map'),
    before: l10n.t('before'),
    after: l10n.t('after'),
    steps: {
      'find map': l10n.t('find map'),
      'rescan paths': l10n.t('rescan paths'),
      'resize map': l10n.t('resize map'),
    } as Record<string, string>,
    statuses: {
      pending: l10n.t('pending'),
      running: l10n.t('running'),
      done: l10n.t('done'),
      failed: l10n.t('failed'),
      unknown: l10n.t('unknown'),
      skipped: l10n.t('skipped'),
    } as Record<string, string>,
    grown: l10n.t('grown'),
    failedTag: l10n.t('FAILED'),
    cancel: l10n.t('Cancel'),
  };
}
export type ResizeLabels = ReturnType<typeof resizeLabels>;

/**
 * The labels as the text of a `<script type="application/json">` block: JSON with every character that
 * could end the block or start markup (`<`, `>`, `&`) and the JavaScript line separators escaped, so a
 * translation holding "</script>" stays data.
 */
export function labelsJson(labels: unknown): string {
  return JSON.stringify(labels).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
