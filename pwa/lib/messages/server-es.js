// The server's words in Spanish. The server answers in English ({"code", "status", "message", "errors"},
// server/errors.py); es.js's 'server.text' shows one of these instead: a sentence's own Spanish, found word for word
// or by a pattern (for the sentences with a number, a limit or a name in them), else a Spanish catch-all. Never the
// English. tests/pwa/test_server_words.py drives the API into every error a volunteer's calls can get and fails
// for each sentence found here by neither way; server-es.test.mjs checks the catch-all and the patterns.

import { counter } from './plural.js';

const count = counter('es-US');
const numbers = new Intl.NumberFormat('es-US');
const number = (digits) => numbers.format(Number(digits));

/** For a sentence this file does not know: what happened, in general, and what to do. */
export const CATCH_ALL = 'El servidor no aceptó esto. Inténtalo de nuevo; si sigue pasando, avisa al equipo '
  + 'organizador de tu campaña.';

const MISSING = 'Falta este dato.';
const UPDATE_APP = 'La app envió algo que el servidor no entiende: recárgala para actualizarla e inténtalo de nuevo.';
const SIGN_IN_AGAIN = 'Tu sesión ya no es válida. Vuelve a iniciar sesión.';
const MATCHING_DATA = 'Kin envió un dato de comparación que no es válido. Recarga la app e inténtalo de nuevo.';
const CANNOT_STORE = 'Tiene un carácter que no se puede guardar. Bórralo o vuelve a escribir el texto.';

// werkzeug's words for a 404 without words of ours (an address the API does not have)
const NOT_FOUND = 'The requested URL was not found on the server. If you entered the URL manually please check your '
  + 'spelling and try again.';

const EXACT = {
  // what any request can get: the body, its fields (marshmallow's words), the server's limits on input
  'The request was well-formed but was unable to be followed due to semantic errors.':
    'Hay datos que no son válidos. Revísalos e inténtalo de nuevo.',
  'The browser (or proxy) sent a request that this server could not understand.':
    'El servidor no entendió lo que se envió. Recarga la app e inténtalo de nuevo.',
  'Invalid JSON body.': UPDATE_APP,
  'Invalid input type.': UPDATE_APP,
  'Not a valid mapping type.': UPDATE_APP,
  [NOT_FOUND]: 'No encontramos esta dirección. Si copiaste un enlace, revisa que esté completo.',
  'Missing data for required field.': MISSING,
  'Field may not be null.': MISSING,
  'Required.': MISSING,
  'Unknown field.': 'La app envió algo que el servidor no conoce: actualiza la app.',
  'Not a valid string.': 'No es un texto válido.',
  'Not a valid integer.': 'Escribe un número entero.',
  'Not a valid number.': 'Escribe un número.',
  'Not a valid boolean.': 'No es sí o no.',
  'Not a valid list.': 'No es una lista.',
  'Not a valid date.': 'No es una fecha válida.',
  'Not a valid datetime.': 'No es una fecha y hora válidas.',
  'Not a valid UUID.': 'No es un identificador válido.',
  'Invalid value.': 'Este valor no es válido.',
  'Not a valid e-mail address.': 'No es un correo válido.',
  'Nested too deeply.': UPDATE_APP,
  'A number has too many digits.': 'Un número tiene demasiados dígitos.',
  'Holds a character that cannot be stored (NUL or a lone surrogate).': CANNOT_STORE,
  'A name holds a character that cannot be stored (NUL or a lone surrogate).': UPDATE_APP,
  'Holds a NUL character.': CANNOT_STORE,

  // door to door: taking a turf by its link, downloading its walk list
  'This turf has expired; ask an organizer for another.':
    'Esta zona venció; pide otra al equipo organizador.',
  'Another volunteer has already taken this turf.': 'Otro voluntario ya tomó esta zona.',

  // signing in, joining, a forgotten password
  'Wrong e-mail or password.': 'Correo o contraseña incorrectos.',
  'This invite link is not valid.': 'Este enlace de invitación no es válido.',
  'This invite has expired.': 'Esta invitación venció. Pide una nueva al equipo organizador de tu campaña.',
  "This campaign does not take new volunteers through volunteers' links; ask an organizer for an invite.":
    'Esta campaña no acepta nuevos voluntarios con los enlaces de los voluntarios. Pide una invitación al equipo '
    + 'organizador.',
  'This invite has been withdrawn.': 'Esta invitación se retiró. Pide una nueva al equipo organizador de tu campaña.',
  'This invite has been used up.': 'Esta invitación ya se usó todas las veces que permitía. Pide una nueva al equipo '
    + 'organizador de tu campaña.',
  'You are already a member of this campaign.': 'Ya formas parte de esta campaña. Inicia sesión.',
  'Your access to this campaign was removed; ask an organizer.':
    'Se retiró tu acceso a esta campaña; habla con el equipo organizador.',
  'This e-mail or membership was just created by another request; try signing in.':
    'Tu cuenta o tu lugar en esta campaña se acaba de crear hace un momento; intenta iniciar sesión.',
  'This server cannot send e-mail. Ask an organizer of your campaign to make you a reset link.':
    'Este Kin no puede enviar correos. Pide al equipo organizador de tu campaña que te haga un enlace para cambiar '
    + 'la contraseña.',
  'This reset link is not valid. Ask for a new one.': 'Este enlace no es válido. Pide uno nuevo.',
  'This reset link has already been used. Ask for a new one if you need to.':
    'Este enlace ya se usó. Si lo necesitas, pide uno nuevo.',
  'A newer reset link was made for this account: use that one.':
    'Se hizo un enlace más nuevo para esta cuenta: usa ese.',
  'This reset link has expired. Ask for a new one.': 'Este enlace venció. Pide uno nuevo.',

  // tokens (server/errors.py); "Sign in first (...)" and "Invalid token (...)" are patterns below
  'The token has expired.': 'Tu sesión terminó. Vuelve a iniciar sesión.',
  'You have signed out; sign in again.': 'Tu sesión se cerró. Vuelve a iniciar sesión.',
  'Sign in again to do this.': 'Vuelve a iniciar sesión para hacer esto.',
  'This account no longer exists.': 'Esta cuenta ya no existe.',

  // a campaign
  'No such campaign.': 'No encontramos esta campaña, o ya no formas parte de ella.',
  'You are no longer a member of this campaign.': 'Ya no formas parte de esta campaña.',
  'Not your password.': 'No es tu contraseña.',
  'The server may only empty free text.': 'El servidor solo puede vaciar un texto escrito.',
  'A campaign needs at least one active owner: make someone else an owner first.':
    'Una campaña necesita al menos una persona responsable activa: primero nombra responsable a alguien más.',

  // private matching
  'A blinded element is not a valid group element.': MATCHING_DATA,
  'Not base64.': MATCHING_DATA,

  // sync: the request as a whole
  'This version of the app is too old for the server; reload it to update. Your changes are kept on this phone.':
    'Esta versión de la app es muy antigua para el servidor; recárgala para actualizarla. Tus cambios siguen '
    + 'guardados en este teléfono.',
  'Update the app.': 'Actualiza la app: recárgala.',
  'Not a protocol version.': UPDATE_APP,
  "Required: this device's id, a lowercase UUID.": UPDATE_APP,
  'Expected a JSON object.': UPDATE_APP,
  'Expected a list of ops.': UPDATE_APP,
  'Not a cursor from this server.': 'Este teléfono pidió cambios desde un punto que el servidor no reconoce. '
    + 'Recarga la app.',

  // sync: one op (home.js shows these when the catalog has no words for the rejection's code)
  'Expected an object.': 'Este cambio no se pudo leer: descártalo y vuelve a hacerlo.',
  'Expected an object with at least one field.': 'Este cambio no trae ningún dato: descártalo y vuelve a hacerlo.',
  'Not a lowercase UUID.': 'No es un identificador válido: descarta este cambio y vuelve a hacerlo.',
  'Not a hybrid logical clock stamp.': 'La marca de fecha y hora de este cambio no es válida: descártalo y vuelve a '
    + 'hacerlo.',
  'Not stamped by this device: the node must be the device_id.':
    'Este cambio no tiene la marca de este teléfono: descártalo y vuelve a hacerlo.',
  "Stamped too far ahead of the server's clock: check the phone's date and time.":
    'La fecha y hora de tu teléfono parecen incorrectas. Revísalas en la configuración.',
  'A delete carries no fields.': 'Un borrado no lleva datos: descártalo y vuelve a hacerlo.',
  'Another account already sent a change with this id.':
    'Este cambio no se puede enviar: descártalo y vuelve a hacerlo.',
  'A later change won; yours is kept in history.': 'Quedó un cambio más reciente; el tuyo se guardó en el historial.',
  'Cannot be empty.': 'No puede quedar vacío.',
  'Cannot be changed.': 'No se puede cambiar después de guardarlo.',
  'Not text.': 'No es texto.',
  'Contains a NUL character.': CANNOT_STORE,
  'Not true or false.': 'No es sí o no.',
  'Not a date (YYYY-MM-DD).': 'No es una fecha.',
  'Not a date and time with an offset (YYYY-MM-DDTHH:MM:SS±HH:MM).': 'No es una fecha y hora.',
  "Not one of this campaign's issues.": 'No es uno de los temas de esta campaña (la lista pudo cambiar).',
  'Not a list.': 'No es una lista.',
  'Lists an item twice.': 'Repite un elemento.',
  'Only organizers can change this.': 'Solo el equipo organizador puede cambiar esto.',
  'Only the volunteer who logged this can change this.': 'Solo quien lo registró puede cambiar esto.',
  'Must be the voter_id.': 'La app guardó lo que pidió esta persona de una forma que el servidor no acepta: '
    + 'descártalo y vuelve a guardarlo.',
  'A contact_preference is not deleted: clear its fields.': 'Lo que pidió una persona nunca se borra: desmarca las '
    + 'opciones.',
  'No such contact_preference.': 'Lo que pidió esta persona todavía no está en el servidor. Descarta este cambio.',

  // the map's basemap (server/basemaps/): the phone asks for the area it keeps offline
  'This campaign has no basemap yet: an organizer can upload one (docs/maps.md).':
    'Esta campaña aún no tiene mapa base: el equipo organizador puede subir uno. El mapa muestra las puertas sin él.',
  'Give four numbers: west,south,east,north.': 'Kin pidió una zona del mapa que no es válida. Recarga la app.',
  'West and east are longitudes from -180 to 180, west smaller than east.':
    'Kin pidió una zona del mapa que no es válida. Recarga la app.',
  'South and north are latitudes from -85.05 to 85.05, south smaller than north.':
    'Kin pidió una zona del mapa que no es válida. Recarga la app.',
  'The basemap has no tiles in this box.': 'El mapa base de la campaña no cubre esta zona.',
};

const UNITS = { second: { one: 'segundo', other: 'segundos' }, minute: { one: 'minuto', other: 'minutos' },
  hour: { one: 'hora', other: 'horas' }, day: { one: 'día', other: 'días' }, month: { one: 'mes', other: 'meses' },
  year: { one: 'año', other: 'años' } };
const ROLES = { volunteer: 'voluntario/a', organizer: 'equipo organizador', owner: 'responsable' };
const RECORDS = { relationship: 'Esta persona', conversation: 'Esta conversación' };

/**
 * [pattern, Spanish from its groups]: the sentences with a number, a limit or a name in them.
 * @type {Array<[RegExp, (...groups: string[]) => string]>}
 */
const PATTERNS = [
  // lengths and ranges (marshmallow's words, and ours)
  [/^Length must be between (\d+) and (\d+)\.$/,
    (min, max) => `Usa entre ${number(min)} y ${number(max)} caracteres.`],
  [/^(?:Longer than maximum length|Longer than) (\d+)(?: characters)?\.$/,
    (max) => `Usa como máximo ${count(Number(max), { one: 'carácter', other: 'caracteres' })}.`],
  [/^Use at most (\d+) characters\.$/,
    (max) => `Usa como máximo ${count(Number(max), { one: 'carácter', other: 'caracteres' })}.`],
  [/^(?:Shorter than minimum length|Use at least) (\d+)(?: characters)?\.$/,
    (min) => `Usa al menos ${count(Number(min), { one: 'carácter', other: 'caracteres' })}.`],
  [/^Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\.$/,
    (min, max) => `Elige un número del ${number(min)} al ${number(max)}.`],
  [/^Must be greater than or equal to (-?\d+)\.$/, (min) => `Elige un número de ${number(min)} o más.`],
  [/^Must be less than or equal to (-?\d+)\.$/, (max) => `Elige un número de ${number(max)} o menos.`],
  [/^Not a whole number from (-?\d+) to (-?\d+)\.$/,
    (min, max) => `Elige un número entero del ${number(min)} al ${number(max)}.`],
  [/^Must be one of: en, es\.$/, () => 'Elige inglés o español.'],
  [/^(?:Must be one of|Not one of): .*\.$/, () => 'No es una de las opciones.'],
  [/^More than (\d+) items\.$/, (max) => `Demasiados: como máximo ${number(max)}.`],
  [/^The body is larger than this request takes \(([\d,]+) bytes\)\.$/,
    (bytes) => `Lo que intentas enviar es demasiado grande (el límite es de ${bytes} bytes).`],

  [/^The box is outside the basemap's area \(.*\)\.$/, () => 'El mapa base de la campaña no cubre esta zona.'],
  [/^The box covers ([\d,]+) tiles of the basemap; an extract holds at most ([\d,]+)\. Choose a smaller box\.$/,
    (tiles, most) => `Esta zona necesita ${tiles} partes del mapa y se pueden guardar como máximo ${most}: elige una `
      + 'zona más pequeña.'],

  // rate limits: flask-limiter's description of the limit reached, such as "10 per 1 minute"
  [/^Too many requests \(limit: (\d+) per (\d+) (second|minute|hour|day|month|year)s?\); wait and try again\.$/,
    (amount, per, unit) => `Demasiados intentos: ${amount === '1' ? 'se permite' : 'se permiten'} ${number(amount)} ${
      per === '1' ? `por ${UNITS[unit].one}` : `cada ${count(Number(per), UNITS[unit])}`
    }. Espera un poco y vuelve a intentarlo.`],
  [/^Too many requests \(limit: .*\); wait and try again\.$/, () => 'Demasiados intentos. Espera un poco y vuelve a '
    + 'intentarlo.'],

  // tokens: the reason in parentheses is flask-jwt-extended's, for developers
  [/^(?:Sign in first|Invalid token) \(.*\)\.$/s, () => SIGN_IN_AGAIN],

  // roles
  [/^This needs the (\w+) role or higher\.$/, (role) => ({
    organizer: 'Esto solo lo puede hacer el equipo organizador.',
    owner: 'Esto solo lo puede hacer una persona responsable de la campaña.',
  })[role] ?? `Esto necesita el rol de ${ROLES[role] ?? role} o uno más alto.`],

  // private matching
  [/^The voter file is still being prepared for matching \((\d+)% done\)\. Try again in a few minutes\.$/,
    (percent) => `El padrón electoral todavía se está preparando para la comparación (${percent} % listo). `
      + 'Inténtalo de nuevo en unos minutos.'],
  [/^The campaign's matching key is now version \d+; match again with it\.$/,
    () => 'La campaña cambió su clave de comparación. Vuelve a tocar «Encontrar a mi gente».'],
  [/^Today's matching quota is used up: (\d+) (contacts|voter cards) left until midnight UTC\.$/, (left, what) => {
    if (left === '0') {
      return 'Llegaste al límite de comparación de hoy. Podrás seguir después de la medianoche (hora UTC).';
    }
    const more = what === 'contacts'
      ? `comparar ${count(Number(left), { one: 'contacto más', other: 'contactos más' })}`
      : `ver ${count(Number(left), { one: 'ficha más', other: 'fichas más' })}`;
    return `Llegaste al límite de comparación de hoy: puedes ${more} antes de la medianoche (hora UTC).`;
  }],
  [/^Not a bucket: \d+ \(buckets are numbered below 2\^\d+\)\.$/, () => MATCHING_DATA],
  [/^Not \d+ bytes\.$/, () => MATCHING_DATA],
  // oprf.InvalidElement's words, which name the cryptography
  [/^(?:the identity element|not a canonical ristretto255 encoding.*|an element is \d+ bytes, got \d+)$/,
    () => MATCHING_DATA],

  // sync
  [/^Sync protocol \d+ is not supported; this server speaks [\d, ]+\. Update the app\.$/,
    () => 'Esta versión de la app ya no puede sincronizar con el servidor: recárgala para actualizarla.'],
  [/^At most (\d+) ops in one batch\.$/, () => UPDATE_APP],
  [/^Not a hybrid logical clock stamp: .*\.$/s, () => EXACT['Not a hybrid logical clock stamp.']],
  [/^No such voter(?: in this campaign)?\.$/, () => 'Esta persona no está en la lista de votantes de la campaña.'],
  [/^No such relationship in this campaign\.$/, () => 'Esta persona no está entre las tuyas en esta campaña.'],
  [/^No such (relationship|conversation)\.$/, (entity) => `${RECORDS[entity]} no está en el servidor (puede que se `
    + 'haya borrado). Descarta este cambio.'],
  [/^This (relationship|conversation) was deleted\.$/, (entity) => `${RECORDS[entity]} se borró en otro dispositivo.`],
  [/^This (relationship|conversation) was changed after the delete, so it was kept\.$/,
    (entity) => `${RECORDS[entity]} se cambió después de que la borraras, así que se conservó.`],
  [/^Only the \w+ who logged this can delete it\.$/, () => 'Solo quien lo registró puede borrarlo.'],
  [/^Not a (\w+) id\.$/, () => 'No es una referencia válida.'],
  [/^Give exactly one of .*\.$/, () => 'Elige exactamente a una persona.'],
];

/**
 * The Spanish for a sentence the server said; the catch-all when it is not one this file knows (or not text).
 * @param {unknown} message
 * @returns {string}
 */
export function serverText(message) {
  if (typeof message !== 'string') return CATCH_ALL;
  if (Object.hasOwn(EXACT, message)) return EXACT[message];
  const item = /^Item (\d+): (.*)$/s.exec(message); // one item of a list, e.g. an issue tag
  if (item) {
    const inner = serverText(item[2]);
    return inner === CATCH_ALL ? CATCH_ALL : `Elemento ${number(Number(item[1]) + 1)}: ${inner}`;
  }
  for (const [pattern, spanish] of PATTERNS) {
    const found = pattern.exec(message);
    if (found) return spanish(...found.slice(1));
  }
  return CATCH_ALL;
}
