/** Runs an external command to completion without blocking the event loop (servers in this process keep answering). */
import { spawn } from 'node:child_process';

export interface CommandResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Give up (SIGKILL) after this many seconds; default 120. */
  timeoutSeconds?: number;
}

/** Resolves with the exit status and output whatever the status; rejects only if it cannot start or times out. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const seconds = options.timeoutSeconds ?? 120;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${seconds} s\n${stderr}`));
    }, seconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout: Buffer.concat(stdout), stderr });
    });
  });
}

/** Like runCommand, but a non-zero exit is an error carrying the command and its stderr. */
export async function runChecked(command: string, args: readonly string[], options: CommandOptions = {}): Promise<Buffer> {
  const result = await runCommand(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr.trim()}`);
  }
  return result.stdout;
}
