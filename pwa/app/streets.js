// How a walk list reads, street by street: a door's address, its side of the street, and the doors cut into runs of
// one street and side. Pure, so the phone's walk list, its door screen and the printed sheet (in the app and in the
// console) group doors one way; the order itself is the server's (server/canvass/walk.py), never redone here.

/** "102 Mill Street, APT 4": a door as a canvasser reads it. */
export function addressOf(door) {
  const street = [door.house_number, door.street].filter(Boolean).join(' ');
  return door.unit ? `${street}, ${door.unit}` : street;
}

/** 'odd', 'even' or 'none' (no house number): the side of the street a door is on. */
export function sideOf(door) {
  const number = /^\d+/.exec(door.house_number ?? '')?.[0];
  if (!number) return 'none';
  return Number(number) % 2 ? 'odd' : 'even';
}

/**
 * The doors in walk order cut into runs of one street and side, as the volunteer walks them: [{street, side,
 * doors: [{door, index}]}] (index: the door's place in the walk).
 */
export function streetRuns(doors) {
  const runs = [];
  doors.forEach((door, index) => {
    const side = sideOf(door);
    const last = runs.at(-1);
    if (last && last.street === door.street && last.side === side) last.doors.push({ door, index });
    else runs.push({ street: door.street, side, doors: [{ door, index }] });
  });
  return runs;
}
