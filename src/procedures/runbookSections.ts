// Where each procedure comes from: the section of the admins' runbook (the Nikhef wiki page "GSP
// Virtualisation with Xen") that a procedure code (H2, S4, …) stands for. The codes are ours; admins
// know the section titles. The plan preview's heading and the journal name the code and the section
// next to a link to it when the team has a runbook page (setting xcpAdmin.runbook.url, which the editor
// reads and passes down); without one they name the code and the section title only. Command titles
// carry neither. No vscode import, and no setting read here.

import { l10n } from '../text/l10n';

/**
 * The runbook page the setting defaults to. Verified as the page's address on the Nikhef wiki: a stored
 * copy of it is at https://wiki.nikhef.nl/grid/index.php?title=GSP_Virtualisation_with_Xen&oldid=9848
 * (found with the team's search tool, pages corpus, 2026-12-02); without `oldid` MediaWiki serves the
 * current revision. The section titles below are the runbook's as the team copied them (the stored
 * copy gave the title only): a section renamed on the wiki makes its link land at the top of the page.
 */
export const DEFAULT_RUNBOOK_URL = 'https://wiki.nikhef.nl/grid/index.php?title=GSP_Virtualisation_with_Xen';

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

/**
 * The runbook page from the setting's value: an http(s) address without its fragment, or undefined (no
 * link) for an empty, unreadable or other-scheme value. The value ends up inside Markdown links, so
 * it is the URL parser's serialisation with the characters that could end a link escaped.
 */
export function runbookUrlFrom(setting: unknown): string | undefined {
  if (typeof setting !== 'string' || setting.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(setting.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.hash = '';
  return url.href.replace(/[()<>\[\]\\ "'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The runbook section of a procedure code, with its address on the runbook page when there is one (the
 * anchor by MediaWiki's rule: the title with spaces as underscores, percent-encoded in the address);
 * undefined for a code the page has no section for.
 */
export function runbookSection(code: string, runbookUrl?: string): { title: string; url?: string } | undefined {
  const title = SECTIONS[code];
  if (!title) return undefined;
  const page = runbookUrlFrom(runbookUrl);
  return page ? { title, url: `${page}#${encodeURIComponent(title.replace(/ /g, '_')).replace(/%2F/g, '/').replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))}` } : { title };
}

/**
 * "runbook H5, [Incinerated VM servers](…)" for a Markdown document: the code and a link to its section;
 * without a runbook page, "runbook H5, *Incinerated VM servers*".
 */
export function runbookReference(code: string, runbookUrl?: string): string {
  const s = runbookSection(code, runbookUrl);
  if (!s) return l10n.t('runbook {0}', code);
  return l10n.t('runbook {0}, {1}', code, s.url ? `[${s.title}](${s.url})` : `*${s.title}*`);
}
