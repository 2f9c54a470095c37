// es.js's 'server.text': the server's English sentences in Spanish, and never the English itself. Which sentences
// the server can say is tests/pwa/test_server_words.py's to find; this checks what happens to the rest, and the
// sentences with numbers in them. tests/pwa/test_js_units.py runs this with `node --test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import en from './en.js';
import es from './es.js';
import { CATCH_ALL } from './server-es.js';

const spanish = (message) => es['server.text']({ message });

test('a sentence the map does not know is the Spanish catch-all, never the English', () => {
  for (const message of ['Something new the server says.', 'Wrong e-mail or password', 'wrong e-mail or password.',
    ' Wrong e-mail or password.', 'Too many requests; wait.', 'Not a bucket.', 'Item 2: Something new.',
    'Sign in first.', 'The campaign is closed.', 'Longer than maximum length ten.', 'Must be one of: a, b']) {
    assert.equal(spanish(message), CATCH_ALL, message);
  }
  assert.match(CATCH_ALL, /^El servidor no aceptó esto\./);
});

test('a missing or odd message is the catch-all too', () => {
  for (const message of [undefined, null, '', 42, {}, ['Unknown field.'], { json: ['Unknown field.'] }]) {
    assert.equal(spanish(message), CATCH_ALL, JSON.stringify(message));
  }
});

test('English keeps the server’s own words', () => {
  assert.equal(en['server.text']({ message: 'Something new the server says.' }), 'Something new the server says.');
});

test('the sentences with numbers read them, as es-US writes them, whatever the number', () => {
  const cases = [
    ['Use at most 1 characters.', 'Usa como máximo 1 carácter.'],
    ['Longer than maximum length 2000.', 'Usa como máximo 2,000 caracteres.'],
    ['Longer than 320 characters.', 'Usa como máximo 320 caracteres.'],
    ['Use at least 12 characters.', 'Usa al menos 12 caracteres.'],
    ['Length must be between 3 and 1500.', 'Usa entre 3 y 1,500 caracteres.'],
    ['Must be greater than or equal to 16 and less than or equal to 120.', 'Elige un número del 16 al 120.'],
    ['Not a whole number from 1 to 1000.', 'Elige un número entero del 1 al 1,000.'],
    ['Too many requests (limit: 10 per 1 minute); wait and try again.',
      'Demasiados intentos: se permiten 10 por minuto. Espera un poco y vuelve a intentarlo.'],
    ['Too many requests (limit: 1 per 1 hour); wait and try again.',
      'Demasiados intentos: se permite 1 por hora. Espera un poco y vuelve a intentarlo.'],
    ['Too many requests (limit: 300 per 1 day); wait and try again.',
      'Demasiados intentos: se permiten 300 por día. Espera un poco y vuelve a intentarlo.'],
    ['Too many requests (limit: 5 per 10 seconds); wait and try again.',
      'Demasiados intentos: se permiten 5 cada 10 segundos. Espera un poco y vuelve a intentarlo.'],
    ["Today's matching quota is used up: 1 contacts left until midnight UTC.",
      'Llegaste al límite de comparación de hoy: puedes comparar 1 contacto más antes de la medianoche (hora UTC).'],
    ["Today's matching quota is used up: 1200 voter cards left until midnight UTC.",
      'Llegaste al límite de comparación de hoy: puedes ver 1,200 fichas más antes de la medianoche (hora UTC).'],
    ['The body is larger than this request takes (4,194,304 bytes).',
      'Lo que intentas enviar es demasiado grande (el límite es de 4,194,304 bytes).'],
  ];
  for (const [english, expected] of cases) assert.equal(spanish(english), expected, english);
});

test('a limit the rate limiter words differently still has Spanish, without its English', () => {
  assert.equal(spanish('Too many requests (limit: 10/minute); wait and try again.'),
    'Demasiados intentos. Espera un poco y vuelve a intentarlo.');
});

test('names in a sentence are said in Spanish, never passed through', () => {
  assert.equal(spanish('This needs the organizer role or higher.'), 'Esto solo lo puede hacer el equipo organizador.');
  assert.equal(spanish('This conversation was deleted.'), 'Esta conversación se borró en otro dispositivo.');
  assert.equal(spanish('No such relationship in this campaign.'),
    'Esta persona no está entre las tuyas en esta campaña.');
  assert.equal(spanish("Item 0: Not one of this campaign's issues."),
    'Elemento 1: No es uno de los temas de esta campaña (la lista pudo cambiar).');
  for (const reason of ['Missing Authorization Header', 'Not enough segments', 'Signature verification failed']) {
    assert.equal(spanish(`Invalid token (${reason}).`), 'Tu sesión ya no es válida. Vuelve a iniciar sesión.');
  }
});
