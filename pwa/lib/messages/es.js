// Español. Las mismas claves que en.js; una clave que falte aquí se muestra en inglés.

/** Segundos con plural, para no leer "1 segundos". */
const seconds = (n) => (n === 1 ? '1 segundo' : `${n} segundos`);

// the server answers in English; these are the field messages a person can meet on these screens
const SERVER = {
  'Not a valid e-mail address.': 'No es un correo válido.',
  'Missing data for required field.': 'Falta este dato.',
  'Use at least 8 characters.': 'Usa al menos 8 caracteres.',
  'Field may not be null.': 'Falta este dato.',
  'Not a valid string.': 'No es un texto válido.',
  'Length must be between 1 and 100.': 'Usa entre 1 y 100 caracteres.',
  'Must be one of: en, es.': 'Elige en o es.',
};

export default {
  'app.loading': 'Cargando…',
  'language.label': 'Idioma',

  'field.email': 'Correo electrónico',
  'field.password': 'Contraseña',
  'field.name': 'Tu nombre',
  'field.name.hint': 'Lo verán las personas de tu campaña.',
  'field.newPassword.hint': 'Al menos 8 caracteres.',
  'field.language': 'Idioma de Kin',

  'signin.title': 'Iniciar sesión',
  'signin.intro': 'Conecta con la gente que conoces, por la campaña que te importa.',
  'signin.submit': 'Iniciar sesión',
  'signin.busy': 'Iniciando sesión…',
  'signin.noAccount': '¿Nuevo en Kin? Pide un enlace de invitación a quien organiza tu campaña.',
  'signin.error.401': 'Correo o contraseña incorrectos.',

  'join.title': 'Unirte a una campaña',
  'join.checking': 'Revisando tu invitación…',
  'join.invited': ({ campaign, role }) => `Te invitan a unirte a ${campaign} como ${{
    volunteer: 'voluntario/a', organizer: 'organizador/a', owner: 'propietario/a',
  }[role] ?? role}.`,
  'join.expires': ({ date }) => `La invitación vale hasta el ${date}.`,
  'join.haveAccount': '¿Ya tienes una cuenta de Kin? Usa el mismo correo y la misma contraseña.',
  'join.submit': 'Unirme',
  'join.busy': 'Uniéndote…',
  'join.signinInstead': 'Ir a iniciar sesión',
  'join.askAgain': 'Pide un enlace nuevo a quien te lo envió.',
  'join.error.404': 'Este enlace de invitación no es válido.',
  'join.error.410': 'Esta invitación venció o ya se usó por completo.',
  'join.error.401': 'Este correo ya tiene una cuenta de Kin: escribe su contraseña para unirte.',
  'join.error.403': 'Se retiró tu acceso a esta campaña; habla con quien organiza.',
  'join.error.409': 'Ya formas parte de esta campaña. Inicia sesión.',

  'home.hello': ({ name }) => `Hola, ${name}`,
  'home.campaigns': 'Tus campañas',
  'home.none': 'Todavía no estás en ninguna campaña. Pide un enlace de invitación a quien organiza.',
  'home.role': ({ role }) => `Rol: ${role}`,
  'home.electionDay': ({ date }) => `Día de la elección: ${date}`,
  'home.signout': 'Cerrar sesión',
  'home.signoutFailed': 'No se pudo cerrar la sesión. Revisa tu conexión e inténtalo de nuevo.',

  'role.volunteer': 'Voluntario/a',
  'role.organizer': 'Organizador/a',
  'role.owner': 'Propietario/a',

  'error.required': 'Completa este campo.',
  'error.email': 'Escribe un correo, como nombre@ejemplo.org.',
  'error.tooShort': ({ min }) => `Usa al menos ${min} caracteres.`,
  'error.fields': 'Revisa los campos marcados arriba.',
  'error.429': ({ seconds: n }) => `Demasiados intentos, vuelve a intentarlo en ${seconds(n)}.`,
  'error.offline': 'No se puede conectar con Kin. Revisa tu conexión e inténtalo de nuevo.',
  'error.server': 'Algo falló de nuestro lado. Inténtalo de nuevo en un momento.',
  'error.signedOut': 'Tu sesión terminó. Vuelve a iniciar sesión.',

  'sw.ready': 'Listo para funcionar sin conexión',
  'sw.update': 'Actualización disponible',
  'sw.updated': 'Kin se actualizó. Recarga cuando termines.',
  'toast.reload': 'Recargar',
  'toast.dismiss': 'Cerrar',

  'server.text': ({ message }) => SERVER[message] ?? message,
};
