// Spanish sentences that end on a value: an es-US time ends with its own period ("7:51 p.m."), which must not
// be doubled ("p.m..").
import assert from 'node:assert/strict';
import { test } from 'node:test';

import es from './es.js';

test('a sentence ending on an es-US time has one period, and one ending on a day gets its period', () => {
  const time = new Intl.DateTimeFormat('es-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })
    .format(new Date('2026-12-06T19:51:00Z'));
  assert.match(time, /p\.\s?m\.$/); // the premise: es-US writes the time with a closing period
  for (const key of ['reset.expires', 'join.expires']) {
    assert.ok(es[key]({ date: time }).endsWith(time), key);
    assert.ok(!es[key]({ date: time }).endsWith('..'), key);
    assert.equal(es[key]({ date: '6 de diciembre de 2026' }).slice(-1), '.', key);
  }
});
