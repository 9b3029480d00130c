// Where each procedure comes from: the section of the admins' runbook (the Nikhef wiki page "GSP
// Virtualisation with Xen") that a procedure code (H2, S4, …) stands for. The codes are ours; admins
// know the section titles. The plan preview's heading and the journal name the code next to a link to
// the section; command titles carry neither. No vscode import.

import { l10n } from '../text/l10n';

/** The runbook page; each section is an anchor on it (MediaWiki: the title with spaces as underscores). */
export const RUNBOOK_URL = 'https://wiki.nikhef.nl/grid/GSP_Virtualisation_with_Xen';

const SECTIONS: Readonly<Record<string, string>> = {
  H2: 'Faking XenServer 6.0 for XenCenter Management',
  H3: 'Faking XenServer 6.0 for XenCenter Management',
  H4: 'Dead VM cluster master',
  H5: 'Incinerated VM servers',
  H6: 'VMs on a dead server',
  S1: 'Where are the VM disk images (VDIs)',
  S2: 'Moving VM image files from outside',
  S3: 'How NOT to do it',
  S4: 'Resizing an FC based SR',
  S5: 'Connecting with iSCSI',
};

/** The runbook section of a procedure code, with its address; undefined for a code the page has no section for. */
export function runbookSection(code: string): { title: string; url: string } | undefined {
  const title = SECTIONS[code];
  return title ? { title, url: `${RUNBOOK_URL}#${encodeURIComponent(title.replace(/ /g, '_')).replace(/%2F/g, '/')}` } : undefined;
}

/** "runbook H5, [Incinerated VM servers](…)" for a Markdown document: the code and a link to its section. */
export function runbookReference(code: string): string {
  const s = runbookSection(code);
  return s ? l10n.t('runbook {0}, {1}', code, `[${s.title}](${s.url})`) : l10n.t('runbook {0}', code);
}
