// What an admin must type to confirm an irreversible step, and why. The object's name is what an admin
// knows it by, so it is the answer, unless a pool user could make the gate empty or misleading: an
// empty or blank name (Enter on an empty box would confirm), one with controls, bidi overrides or
// invisible characters (what is shown is not what must be typed), one longer than 64 characters, or one
// that another object of the same kind has too (the name does not say which). Then the first 8
// characters of the uuid are asked for, and the prompt says why. An empty or blank answer never
// confirms. The editor only shows this; its words come through the translator it passes (English by
// default, src/text/l10n.ts). No vscode import.

import { displayName, hasUnsafeCharacters } from '../text/display';
import { l10n } from '../text/l10n';
import type { ObjectRef } from './plan';

export const NAME_MAX = 64;
const UUID_PREFIX = 8;

export interface TypeToConfirm {
  /** What must be typed, exactly; undefined when nothing can confirm (no usable name, no uuid). */
  answer: string | undefined;
  /** What it is, in the admin's words: "the SR's name", "the first 8 characters of the host's uuid". */
  what: string;
  /** Why the uuid is asked for instead of the name (undefined when the name is asked for). */
  why?: string;
}

/** Why the name cannot be the answer, or undefined when it can. `others` are the names of the other objects of its kind. */
function nameProblem(name: string, kind: string, others: readonly string[]): string | undefined {
  if (name === '') return l10n.t('its name is empty');
  if (name.trim() === '') return l10n.t('its name is blank');
  if (hasUnsafeCharacters(name)) return l10n.t('its name holds control, bidi or invisible characters');
  if ([...name].length > NAME_MAX) return l10n.t('its name is longer than {0} characters', NAME_MAX);
  if (others.includes(name)) return l10n.t('another {0} of the pool has the same name', kind);
  return undefined;
}

/**
 * What to ask for when confirming `object`. `sameKind` are the names (with uuids) of every object of
 * its kind in the pool, itself included or not.
 */
export function typeToConfirm(object: ObjectRef, sameKind: readonly { name: string; uuid: string }[]): TypeToConfirm {
  const others = sameKind.filter((o) => o.uuid !== object.uuid).map((o) => o.name);
  const problem = nameProblem(object.name, object.kind, others);
  if (!problem) return { answer: object.name, what: l10n.t('the {0}\'s name, {1}', object.kind, displayName(object.name)) };
  const uuid = object.uuid.trim();
  if (uuid.length < UUID_PREFIX || !/^[0-9a-fA-F]{8}/.test(uuid)) return { answer: undefined, what: l10n.t('the {0}\'s uuid', object.kind), why: l10n.t('{0}, and it has no usable uuid: it cannot be confirmed from here', problem) };
  return { answer: uuid.slice(0, UUID_PREFIX).toLowerCase(), what: l10n.t('the first {0} characters of the {1}\'s uuid ({2})', UUID_PREFIX, object.kind, uuid.toLowerCase()), why: problem };
}

/** Whether what was typed confirms: never an empty or blank answer, else exactly the answer (a uuid prefix in any case). */
export function confirms(ask: TypeToConfirm, typed: string | undefined): boolean {
  if (ask.answer === undefined || typed === undefined || typed.trim() === '') return false;
  return ask.why ? typed.trim().toLowerCase() === ask.answer : typed === ask.answer;
}

/** The prompt line: what to type, and why the uuid when it is the uuid. */
export function confirmPrompt(ask: TypeToConfirm): string {
  if (ask.answer === undefined) return l10n.t('This cannot be confirmed: {0}.', ask.why ?? '');
  return ask.why ? l10n.t('Type {0} to confirm: {1}, so the name cannot confirm it.', ask.what, ask.why) : l10n.t('Type {0}, to confirm.', ask.what);
}
