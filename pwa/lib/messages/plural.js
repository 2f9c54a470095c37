// Counts in a sentence: the number as the reader's locale writes it (es-US: "1,500", not "1.500") and the noun in
// the plural form Intl.PluralRules picks for it, so no catalog decides "is it 1?" by hand.

/**
 * A counter for locale: count(n, {one, other}) gives "1 contact" / "1,500 contacts".
 * @param {string} locale
 * @returns {(n: number, forms: {one: string, other: string}) => string}
 */
export function counter(locale) {
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  return (n, forms) => `${numbers.format(n)} ${forms[rules.select(n)] ?? forms.other}`;
}
