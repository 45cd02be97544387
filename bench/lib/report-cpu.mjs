/**
 * Preloaded (`node --import`) by the start-up scenario into each timed process: prints the
 * process's own CPU time on stderr at exit. CPU time is far steadier than wall time on a
 * machine that others load; both are reported. Plain JS so that it needs no loader.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\nbench-cpu-us=${user + system}\n`);
});
