// A server and the processes it forked. PostgreSQL's backends and auxiliary processes call
// setsid(), so they are not in the postmaster's process group: they are found by their parent pid.
import { readdirSync, readFileSync } from 'node:fs';
import { signal } from './pids.js';

/** The pids whose parent is `pid` (Linux: /proc/N/stat; none elsewhere). Cost: one read per process. */
export function childrenOf(pid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/**
 * Signals a process and every process it forked. Unless the signal is SIGCONT, the parent is
 * stopped first (SIGSTOP: it forks nothing more and stays their parent while they are listed),
 * then its children get the signal, then the parent. Cost: one listing of /proc.
 *
 * @returns the pids signalled, the parent first
 */
export function signalTree(pid: number, name: NodeJS.Signals): number[] {
  if (name !== 'SIGCONT') signal(pid, 'SIGSTOP');
  const children = childrenOf(pid);
  for (const child of children) signal(child, name);
  signal(pid, name);
  return [pid, ...children];
}
