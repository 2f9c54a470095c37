"""The PWA's message catalogs, pwa/lib/messages/en.js and es.js: the same keys (nested ones too, as dotted paths)
and, in each message, the same placeholders, so that no Spanish screen falls back to English or drops a value.

Node reads the catalogs as the app imports them. A message's placeholders are the named values it reads: for a
function, the names it takes from its values object (recorded by calling it with a Proxy); for a string, each
literal ``{name}`` in it (such as the message template hint, where ``{name}`` is for the volunteer to type).
"""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "pwa" / "lib" / "messages"

READ = r"""
import { pathToFileURL } from 'node:url';

function placeholders(message) {
  if (typeof message === 'string') return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const seen = new Set();
  const values = new Proxy({}, {
    get(_, name) {
      if (typeof name === 'string') seen.add(name);
      return 1;
    },
  });
  try {
    message(values);
  } catch {
    // what it read before failing on a stand-in value is what we need
  }
  return [...seen];
}

function flatten(catalog, prefix, out) {
  for (const [key, message] of Object.entries(catalog)) {
    const path = prefix + key;
    if (message !== null && typeof message === 'object') flatten(message, `${path}.`, out);
    else out[path] = [...new Set(placeholders(message))].sort();
  }
  return out;
}

const catalogs = [];
for (const path of process.argv.slice(1)) {
  catalogs.push(flatten((await import(pathToFileURL(path))).default, '', {}));
}
console.log(JSON.stringify(catalogs));
"""


def read_catalogs(*paths: Path) -> list[dict[str, list[str]]]:
    """Each catalog as {dotted key: sorted placeholder names}."""
    result = subprocess.run(["node", "--input-type=module", "-e", READ, *map(str, paths)], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def key_differences(en: dict, es: dict) -> list[str]:
    return ([f"es.js lacks {key!r}" for key in sorted(en.keys() - es.keys())]
            + [f"es.js has {key!r}, which en.js lacks" for key in sorted(es.keys() - en.keys())])


def placeholder_differences(en: dict, es: dict) -> list[str]:
    return [f"{key!r} takes {en[key]} in en.js but {es[key]} in es.js"
            for key in sorted(en.keys() & es.keys()) if en[key] != es[key]]


def test_english_and_spanish_have_the_same_keys():
    en, es = read_catalogs(MESSAGES / "en.js", MESSAGES / "es.js")
    assert len(en) > 100 and "signin.title" in en  # the catalogs were read, not two empty objects
    assert key_differences(en, es) == []


def test_each_message_has_the_same_placeholders_in_english_and_spanish():
    en, es = read_catalogs(MESSAGES / "en.js", MESSAGES / "es.js")
    # messages with values were read as such: the check below compares something
    assert en["contacts.count"] == ["count"] and en["join.invited"] == ["campaign", "role"]
    assert en["person.message.hint"] == ["name"]
    assert placeholder_differences(en, es) == []


def test_the_check_names_missing_extra_nested_and_placeholder_differences(tmp_path):
    (tmp_path / "en.mjs").write_text("""export default {
      'same': 'Same', 'gone': 'Only in English', 'hint': 'Type {name} here',
      'count': ({ count }) => `${count} people`, 'both': ({ a, b }) => `${a} ${b}`,
      'screen': { 'title': 'Title', 'deep': { 'text': ({ n }) => `${n}` } },
    };""")
    (tmp_path / "es.mjs").write_text("""export default {
      'same': 'Igual', 'new': 'Solo en español', 'hint': 'Escribe {nombre} aquí',
      'count': ({ total }) => `${total} personas`, 'both': ({ b, a }) => `${b} ${a}`,
      'screen': { 'title': 'Título', 'deep': { 'text': 'sin valor' } },
    };""")
    en, es = read_catalogs(tmp_path / "en.mjs", tmp_path / "es.mjs")
    assert key_differences(en, es) == ["es.js lacks 'gone'", "es.js has 'new', which en.js lacks"]
    assert placeholder_differences(en, es) == [
        "'count' takes ['count'] in en.js but ['total'] in es.js",
        "'hint' takes ['name'] in en.js but ['nombre'] in es.js",
        "'screen.deep.text' takes ['n'] in en.js but [] in es.js",
    ]


def words_entity_forms_need(entities: dict) -> set[str]:
    """The catalog keys pwa/app/ui/entity-form.js draws a volunteer's fields with: each field's label, each choice
    (a Choice's values, a Bool's true/false) and "not set" where a choice may be left empty or a person picked.
    Fixed fields are set by the app (which voter, found how), except the person a conversation was with."""
    keys = set()
    for entity, declaration in entities.items():
        for name, field in declaration["fields"].items():
            chosen_on_a_form = not field["fixed"] or (entity, name) == ("conversation", "relationship_id")
            if field["owner"] != "volunteer" or not chosen_on_a_form:
                continue
            keys.add(f"fields.{entity}.{name}")
            kind = field["type"]["kind"]
            values = field["type"]["values"] if kind == "Choice" else ["true", "false"] if kind == "Bool" else []
            keys.update(f"fields.{entity}.{name}.{value}" for value in values)
            if kind == "Ref" or (kind in ("Choice", "Bool", "IntRange") and field["null"]):
                keys.add(f"fields.{entity}.{name}.none")
    return keys


def test_every_field_a_volunteer_fills_in_has_its_words_in_both_languages():
    """A new entity needs its declaration and these words, nothing else (docs/architecture.md)."""
    from sync.protocol import constants

    en, es = read_catalogs(MESSAGES / "en.js", MESSAGES / "es.js")
    needed = words_entity_forms_need(constants()["entities"])
    assert {"fields.conversation.support.none", "fields.conversation.channel.door",
            "fields.relationship.kind.neighbour", "fields.conversation.registered.true"} <= needed
    assert sorted(needed - en.keys()) == []
    assert sorted(needed - es.keys()) == []


def test_the_consoles_words_have_the_same_keys_and_placeholders_in_both_languages():
    """The console's catalogs (merged into the app's by the console's entry) follow the same rule."""
    en, es = read_catalogs(MESSAGES / "console-en.js", MESSAGES / "console-es.js")
    assert len(en) > 100 and en["console.roster.count"] == ["shown", "total"]
    assert key_differences(en, es) == []
    assert placeholder_differences(en, es) == []


def test_the_console_adds_words_and_takes_none_of_the_apps():
    """A console key that shadowed one of the app's would change the app's words on the console's page."""
    app_en, console_en = read_catalogs(MESSAGES / "en.js", MESSAGES / "console-en.js")
    assert sorted(app_en.keys() & console_en.keys()) == []
    assert all(key.startswith("console.") for key in console_en)


def test_every_voter_file_problem_code_has_words_reading_only_its_values():
    """The console says each import problem from its code (server/voters/reasons.py); a code without words would
    fall back to English, and words reading a value the server does not send would say "undefined"."""
    from string import Formatter

    from server.voters.reasons import ENGLISH

    (en,) = read_catalogs(MESSAGES / "console-en.js")
    for code, sentence in ENGLISH.items():
        key = f"console.voterFile.problem.{code}"
        assert key in en, f"no words for the problem code {code!r}"
        given = {name for _, name, _, _ in Formatter().parse(sentence) if name}
        assert set(en[key]) <= given, f"{key} reads {en[key]}; the server sends {sorted(given)}"
