// Before the first step of a plan runs, everything the plan will send is built and serialized: every
// XAPI call for the pool's wire format (XML-RPC cannot carry ESC or any character XML 1.0 forbids, and
// neither wire carries a lone surrogate unchanged), every shell command the steps and the byte
// executors run. A value that cannot be expressed refuses the whole plan up front, naming the step and
// the value, with nothing changed: a Forget and Re-attach SR must never forget an SR it cannot introduce
// again. The runner calls this at its entry, so every procedure, present and future, goes through it.
// No vscode import.

import { serializeMethodCall } from 'xmlrpc/lib/serializer';
import { toXmlRpcParam } from '../xapi/xmlRpcTransport';
import type { TransportKind } from '../xapi/transport';
import { isUuid } from '../xapi/records';
import { byteCommands } from './byteCommands';
import { LateArg, refusedPlan, type Plan, type Step } from './plan';
import { l10n } from '../text/l10n';

/** What a late argument stands for while checking: a well-formed ref, the shape XAPI gives it. */
const PLACEHOLDER_REF = 'OpaqueRef:00000000-0000-4000-8000-000000000000';
const SESSION_REF = PLACEHOLDER_REF;

/** Characters XML 1.0 does not allow in a document at all (its `Char` production). */
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
/** A UTF-16 surrogate without its pair: no UTF-8 encoding carries it, the server would read U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A class name in `<class>.get_by_uuid`. */
const CLASS_NAME = /^[A-Za-z_]{1,32}$/;

/** A value shown in a refusal: escaped, short. */
function shown(s: string): string {
  const j = JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
  return j.replace(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every string (values and map keys) in an argument tree, with where it sits. */
function* strings(value: unknown, path: string): Generator<{ text: string; at: string }> {
  if (typeof value === 'string') yield { text: value, at: path };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof LateArg)) {
    for (const [k, v] of Object.entries(value)) {
      yield { text: k, at: `${path} key` };
      yield* strings(v, `${path}.${k}`);
    }
  }
}

/** Why a value cannot be sent at all, whatever the wire (a NaN, a function, an undefined member). */
function unsendable(value: unknown, path: string): string | undefined {
  if (value === null || value === undefined) return l10n.t('{0} is {1}: XAPI has no such value', path, String(value));
  if (typeof value === 'number' && !Number.isFinite(value)) return `${path} is ${value}`;
  if (typeof value === 'function' || typeof value === 'symbol') return `${path} is a ${typeof value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const why = unsendable(value[i], `${path}[${i}]`);
      if (why) return why;
    }
  } else if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof LateArg)) {
    for (const [k, v] of Object.entries(value)) {
      const why = unsendable(v, `${path}.${k}`);
      if (why) return why;
    }
  }
  return undefined;
}

/** The arguments with every LateArg checked and replaced by a ref of the shape it will have. */
function withPlaceholders(value: unknown, earlier: ReadonlySet<string>): unknown {
  if (value instanceof LateArg) {
    if (value.stepId !== undefined && !earlier.has(value.stepId)) throw new Error(l10n.t('it uses the result of step "{0}", which is not an XAPI step before it', value.stepId));
    if (value.lookup && (!CLASS_NAME.test(value.lookup.cls) || !isUuid(value.lookup.uuid))) throw new Error(l10n.t('it looks up {0} {1}, which is not a class and a uuid', shown(value.lookup.cls), shown(value.lookup.uuid)));
    return PLACEHOLDER_REF;
  }
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, earlier));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, earlier)]));
  }
  return value;
}

/** Why this XAPI call cannot be sent on this wire, or undefined. */
function xapiProblem(method: string, args: unknown[], wire: TransportKind): string | undefined {
  const params = [SESSION_REF, ...args];
  for (const { text, at } of strings(args, 'argument')) {
    if (LONE_SURROGATE.test(text)) return l10n.t('{0} {1} holds a lone UTF-16 surrogate, which no UTF-8 request carries unchanged', at, shown(text));
    if (wire === 'xmlrpc' && XML_FORBIDDEN.test(text)) return l10n.t('{0} {1} holds a character XML 1.0 forbids (U+{2}): XML-RPC cannot carry it', at, shown(text), text.codePointAt(text.search(XML_FORBIDDEN))!.toString(16).toUpperCase().padStart(4, '0'));
  }
  try {
    if (wire === 'xmlrpc') {
      const xml = serializeMethodCall(method, params.map(toXmlRpcParam));
      if (XML_FORBIDDEN.test(xml) || LONE_SURROGATE.test(xml)) return l10n.t('its XML-RPC request would hold a character XML 1.0 forbids');
    } else {
      JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 });
    }
  } catch (err) {
    return l10n.t('it cannot be written as {0}: {1}', wire === 'xmlrpc' ? 'XML-RPC' : 'JSON-RPC', (err as Error).message.replace(/[\x00-\x1f\x7f-\x9f]/g, '?'));
  }
  return undefined;
}

/** Why this command cannot be run over SSH as written, or undefined. */
function commandProblem(command: string): string | undefined {
  if (command.includes('\0')) return l10n.t('its command holds a NUL byte');
  if (LONE_SURROGATE.test(command)) return l10n.t('its command holds a lone UTF-16 surrogate');
  return undefined;
}

/** Why one step cannot run as planned, or undefined. `earlier` are the ids of the XAPI steps before it. */
function stepProblem(step: Step, wires: readonly TransportKind[], earlier: ReadonlySet<string>): string | undefined {
  const a = step.action;
  try {
    switch (a.kind) {
      case 'xapi': {
        if (!/^[A-Za-z_]+(\.[A-Za-z_]+)+$/.test(a.method)) return l10n.t('{0} is not an XAPI method name', shown(a.method));
        const bad = unsendable(a.args, 'argument');
        if (bad) return bad;
        const args = withPlaceholders(a.args, earlier) as unknown[];
        for (const wire of wires) {
          const why = xapiProblem(a.method, args, wire);
          if (why) return why;
        }
        return undefined;
      }
      case 'shell':
        return commandProblem(a.command);
      default:
        // The relay, upload and checksum executors run commands built from the action: build them now.
        for (const c of byteCommands(a)) {
          const why = commandProblem(c);
          if (why) return why;
        }
        return undefined;
    }
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Why the plan cannot run to its end for a reason known now, or undefined. `wires` are the formats its
 * XAPI calls may travel in (both when the pool's is not known).
 */
export function preflightProblem(plan: Plan, wires: readonly TransportKind[] = ['xmlrpc', 'jsonrpc']): string | undefined {
  const earlier = new Set<string>();
  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    const why = stepProblem(step, wires, earlier);
    if (why) return l10n.t('Step {0} ({1}) could not be sent as planned: {2}. Nothing was changed: no step of the plan has run.{3}', i + 1, step.title, why, step.action.kind === 'xapi' && wires.length === 1 && wires[0] === 'xmlrpc' ? l10n.t(' Rename the object to a name without control characters, then run it again.') : '');
    if (step.action.kind === 'xapi') earlier.add(step.id);
  }
  return undefined;
}

/** The plan as it may run: itself, or refused with the reason when a step could not be sent. */
export function preflight(plan: Plan, wires?: readonly TransportKind[]): Plan {
  if (plan.refusal) return plan;
  const why = preflightProblem(plan, wires);
  return why ? refusedPlan(plan, plan.target, why, plan.facts) : plan;
}
