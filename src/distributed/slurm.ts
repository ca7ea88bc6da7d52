// What a process started by `srun` learns from Slurm: its rank and the task count come as
// SLURM_PROCID / SLURM_NTASKS (read in env.ts); the rendezvous host is the first node of the
// step, whose list Slurm gives in compressed form ("gpu[01-03,07],login2").

/** The hosts of a Slurm node list, in order: "gpu[01-02],cpu7" → gpu01, gpu02, cpu7. */
export function expandNodeList(list: string): string[] {
  const hosts: string[] = [];
  for (const item of splitTopLevel(list.trim())) {
    if (item === '') throw new Error(`Slurm node list "${list}" has an empty entry`);
    hosts.push(...expandItem(item, list));
  }
  return hosts;
}

/** Splits at the commas outside brackets. */
function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    if (depth < 0 || depth > 1) throw new Error(`Slurm node list "${list}" has unbalanced brackets`);
    if (c === ',' && depth === 0) {
      items.push(list.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new Error(`Slurm node list "${list}" has unbalanced brackets`);
  items.push(list.slice(start));
  return items;
}

/** One entry, each bracket group expanded in turn (several groups multiply: "r[1-2]n[1-2]"). */
function expandItem(item: string, list: string): string[] {
  const open = item.indexOf('[');
  if (open < 0) return [item];
  const close = item.indexOf(']', open);
  const head = item.slice(0, open);
  const tails = expandItem(item.slice(close + 1), list);
  const out: string[] = [];
  for (const part of item.slice(open + 1, close).split(',')) {
    for (const n of expandRange(part, list)) for (const tail of tails) out.push(`${head}${n}${tail}`);
  }
  return out;
}

/** "07" → ["07"]; "01-03" → ["01", "02", "03"], keeping the zero padding of the first bound. */
function expandRange(part: string, list: string): string[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(part);
  if (!m) throw new Error(`Slurm node list "${list}": "${part}" is not a number or a range`);
  if (m[2] === undefined) return [m[1]];
  const [from, to] = [Number(m[1]), Number(m[2])];
  if (to < from) throw new Error(`Slurm node list "${list}": the range ${part} runs backwards`);
  if (to - from > 65_535) throw new Error(`Slurm node list "${list}": the range ${part} is too long`);
  const width = m[1].length;
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(width, '0'));
}

/** The rendezvous host of a Slurm step: the first node of its list, or undefined outside Slurm. */
export function slurmMasterAddr(env: NodeJS.ProcessEnv): string | undefined {
  const list = env.SLURM_STEP_NODELIST ?? env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST;
  if (list === undefined || list.trim() === '') return undefined;
  return expandNodeList(list)[0];
}
