/** The relay as users run it: a separate process (`wecom-relay serve`), which a test can kill -9. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..');

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  logs: string[];
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function spawnRelay(args: string[], env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'src/relay/cli.ts'), 'serve', '--port', '0', '--host', '127.0.0.1', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${logs.join('\n')}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${logs.join('\n')}`)));
    readline.createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'wecom-relay listening') {
          clearTimeout(timer);
          resolve(entry.address);
        }
      } catch {
        // not a log line
      }
    });
  });
  return {
    child,
    url,
    logs,
    kill: async (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
