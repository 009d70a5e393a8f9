import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { reconstructThreads, type ThreadInput } from '../src/email/threads.js';

test('reconstructThreads: replies, replies to a lost root, and strangers', () => {
  const threads = reconstructThreads([
    { key: 'a', messageId: '<1@x>', references: [] },
    { key: 'b', messageId: '<2@x>', inReplyTo: '<1@x>', references: ['<1@x>'] },
    { key: 'c', messageId: '<3@x>', references: ['<0@lost>'] },
    { key: 'd', messageId: '<4@x>', inReplyTo: '<0@lost>', references: [] },
    { key: 'e', messageId: '<5@x>', references: [] },
    { key: 'f', references: [] },
  ]);
  assert.equal(threads.get('a'), threads.get('b'));
  assert.equal(threads.get('c'), threads.get('d'));
  assert.notEqual(threads.get('a'), threads.get('c'));
  assert.equal(threads.get('e'), '<5@x>');
  assert.equal(threads.get('f'), 'key:f');
});

const id = (...ids: string[]): fc.Arbitrary<string> => fc.constantFrom(...ids);
const message: fc.Arbitrary<ThreadInput> = fc.record({
  key: fc.string({ minLength: 1, maxLength: 4 }),
  messageId: fc.option(id('<1>', '<2>', '<3>', '<4>', '<5>', '<6>'), { nil: undefined }),
  inReplyTo: fc.option(id('<1>', '<2>', '<3>', '<9>'), { nil: undefined }),
  references: fc.array(id('<1>', '<4>', '<7>', '<8>'), { maxLength: 3 }),
});

test('reconstructThreads: for any messages, the thread ids do not depend on the input order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(message, { selector: (m) => m.key, maxLength: 12 }), fc.nat(), (messages, rotation) => {
      const r = rotation % Math.max(1, messages.length);
      const rotated: ThreadInput[] = [...messages.slice(r), ...messages.slice(0, r)].reverse();
      assert.deepEqual(new Map([...reconstructThreads(rotated)].sort()), new Map([...reconstructThreads(messages)].sort()));
    }),
  );
});

test('reconstructThreads: for any messages, a reply is in the same thread as the message it names', () => {
  fc.assert(
    fc.property(fc.uniqueArray(message, { selector: (m) => m.key, maxLength: 12 }), (messages) => {
      const threads = reconstructThreads(messages);
      for (const a of messages) {
        for (const b of messages) {
          if (b.messageId !== undefined && (a.inReplyTo === b.messageId || a.references.includes(b.messageId))) assert.equal(threads.get(a.key), threads.get(b.key));
        }
      }
    }),
  );
});
