// Starts `rehearse serve` for a conformance test, reads the one JSON line it prints (base URLs
// and credentials per service), and stops it when the test is done. Every test gets its own
// server on ephemeral ports, so tests never share state.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startServe(extraArgs = []) {
  const exe = process.env.REHEARSE;
  if (!exe) throw new Error('REHEARSE must name the rehearse executable');
  const child = spawn(exe, ['serve', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const config = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('rehearse serve printed nothing in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`rehearse serve exited early with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line));
      } catch (e) {
        reject(new Error(`rehearse serve printed a line that is not JSON: ${line}`));
      }
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code, signal) => resolve(code ?? signal));
      child.kill('SIGTERM');
    });
  return { config, stop, child };
}

// Calls the mock's inspection surface (not part of the real API).
export async function inspect(baseUrl, path, init = {}) {
  const res = await fetch(`${baseUrl}/_rehearsal${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`inspection ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}
