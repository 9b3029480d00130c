// The one emitter of the editor-free code (pool model, pool connection, registry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../../src/base/emitter';

test('listeners hear each event in the order they subscribed; a disposed one hears no more', () => {
  const e = new Emitter<number>('test');
  const heard: string[] = [];
  const a = e.event((n) => heard.push(`a${n}`));
  e.event((n) => heard.push(`b${n}`));
  e.fire(1);
  a.dispose();
  e.fire(2);
  assert.deepEqual(heard, ['a1', 'b1', 'b2']);
  assert.equal(e.size, 1);
});

test('a listener that throws neither stops the others nor the code that fired', () => {
  const e = new Emitter<string>('test');
  const heard: string[] = [];
  const error = console.error;
  const logged: unknown[] = [];
  console.error = (...args: unknown[]) => void logged.push(args[0]);
  try {
    e.event(() => { throw new Error('broken'); });
    e.event((s) => heard.push(s));
    e.fire('x');
  } finally {
    console.error = error;
  }
  assert.deepEqual(heard, ['x']);
  assert.deepEqual(logged, ['test: a listener failed:']);
});

test('a listener removed while an event is delivered still hears that event, not the next; dispose drops all', () => {
  const e = new Emitter<number>('test');
  const heard: number[] = [];
  const second = { dispose: () => undefined };
  e.event(() => second.dispose());
  Object.assign(second, e.event((n) => heard.push(n)));
  e.fire(1);
  e.fire(2);
  assert.deepEqual(heard, [1]);
  e.dispose();
  assert.equal(e.size, 0);
});
