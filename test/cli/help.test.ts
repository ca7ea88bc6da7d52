// Every command's --help lists each flag once: no flag registered twice, and no
// description wrapped so that a flag it names starts a line, where it reads as a
// second listing (`--pseudo-dir ... relative to` / `--city-data-path (later ...`).
import type { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

/** The program and every command under it, with their full names ('diga pipeline'). */
function commands(cmd: Command, prefix = ''): Array<[string, Command]> {
  const name = `${prefix}${cmd.name()}`;
  return [[name, cmd], ...cmd.commands.flatMap((c) => commands(c, `${name} `))];
}

/** The help text as a terminal `width` columns wide shows it. */
function helpAt(cmd: Command, width: number): string {
  const help = cmd.createHelp();
  help.helpWidth = width;
  return help.formatHelp(cmd, help);
}

/** The long flag each line of a help text starts with, where one does. */
const leadingFlags = (text: string) =>
  text.split('\n').flatMap((line) => {
    const m = /^\s*(?:-\w, )?(--[\w-]+)/.exec(line);
    return m ? [m[1]] : [];
  });

const duplicates = (xs: string[]) => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];

const all = commands(buildProgram());

describe('diga --help', () => {
  test('walks every command', () => {
    expect(all.map(([name]) => name)).toEqual(expect.arrayContaining(['diga', 'diga pipeline', 'diga demo', 'diga predict', 'diga report']));
  });

  test.each(all)('%s registers each long flag once', (_, cmd) => {
    // Its options and those help adds (--help, the program's --version), each option once.
    const options = new Set([...cmd.options, ...cmd.createHelp().visibleOptions(cmd)]);
    const longs = [...options].flatMap((o) => (o.long ? [o.long] : []));
    expect(duplicates(longs)).toEqual([]);
  });

  test.each(all)('%s lists each flag on one line only, at any terminal width', (_, cmd) => {
    const registered = new Set(cmd.createHelp().visibleOptions(cmd).map((o) => o.long));
    for (const width of [40, 60, 70, 80, 90, 100, 120, 160, 240]) {
      const flags = leadingFlags(helpAt(cmd, width));
      expect(duplicates(flags), `width ${width}`).toEqual([]);
      // A line that starts with a flag is that flag's entry.
      expect(flags.filter((f) => !registered.has(f)), `width ${width}`).toEqual([]);
      expect(flags.length, `width ${width}`).toBe(registered.size);
    }
  });
});
