// English. Every string a person sees lives here or in es.js, under the same keys.
// A value is a string, or a function of named values for sentences that carry data.

/** Plural-aware seconds, so 1 does not read "1 seconds". */
const seconds = (n) => (n === 1 ? '1 second' : `${n} seconds`);

export default {
  'app.loading': 'Loading…',
  'language.label': 'Language',

  'field.email': 'Email',
  'field.password': 'Password',
  'field.name': 'Your name',
  'field.name.hint': 'Shown to the people in your campaign.',
  'field.newPassword.hint': 'At least 8 characters.',
  'field.language': 'Language for Kin',

  'signin.title': 'Sign in',
  'signin.intro': 'Reach out to the people you know, for the campaign you care about.',
  'signin.submit': 'Sign in',
  'signin.busy': 'Signing in…',
  'signin.noAccount': 'New to Kin? Ask an organizer for an invite link.',
  'signin.error.401': 'Wrong email or password.',

  'join.title': 'Join a campaign',
  'join.checking': 'Checking your invite…',
  'join.invited': ({ campaign, role }) => `You're invited to join ${campaign} as ${{
    volunteer: 'a volunteer', organizer: 'an organizer', owner: 'an owner',
  }[role] ?? role}.`,
  'join.expires': ({ date }) => `The invite is valid until ${date}.`,
  'join.haveAccount': 'Already have a Kin account? Use the same email and password.',
  'join.submit': 'Join',
  'join.busy': 'Joining…',
  'join.signinInstead': 'Go to sign in',
  'join.askAgain': 'Ask the person who sent it for a new link.',
  'join.error.404': 'This invite link is not valid.',
  'join.error.410': 'This invite has expired or been used up.',
  'join.error.401': 'This email already has a Kin account: enter its password to join.',
  'join.error.403': 'Your access to this campaign was removed; ask an organizer.',
  'join.error.409': 'You are already a member of this campaign. Sign in instead.',

  'home.hello': ({ name }) => `Hello, ${name}`,
  'home.campaigns': 'Your campaigns',
  'home.none': 'You are not in a campaign yet. Ask an organizer for an invite link.',
  'home.role': ({ role }) => `Role: ${role}`,
  'home.electionDay': ({ date }) => `Election day: ${date}`,
  'home.signout': 'Sign out',
  'home.signoutFailed': 'Could not sign out. Check your connection and try again.',

  'role.volunteer': 'Volunteer',
  'role.organizer': 'Organizer',
  'role.owner': 'Owner',

  'error.required': 'Fill in this field.',
  'error.email': 'Enter an email address, like name@example.org.',
  'error.tooShort': ({ min }) => `Use at least ${min} characters.`,
  'error.fields': 'Check the fields marked above.',
  'error.429': ({ seconds: n }) => `Too many attempts, try again in ${seconds(n)}.`,
  'error.offline': 'Kin cannot be reached. Check your connection and try again.',
  'error.server': 'Something went wrong on our side. Try again in a moment.',
  'error.signedOut': 'Your session has ended. Sign in again.',

  'sw.ready': 'Ready to work offline',
  'sw.update': 'Update available',
  'sw.updated': 'Kin was updated. Reload when you have finished.',
  'toast.reload': 'Reload',
  'toast.dismiss': 'Dismiss',

  // a message from the server, which speaks English; es.js translates the ones it knows
  'server.text': ({ message }) => message,
};
