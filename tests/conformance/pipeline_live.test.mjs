// The reference pipeline in live mode, the same code as in sim mode, over real sockets:
// `rehearse serve` hosts the four mocks and delivers signed webhooks to `rehearse pipeline`, which
// reads its settings file, triages a customer's WISMO e-mail, answers it automatically with the
// live tracking, and writes its decisions to a SQLite file that `rehearse decisions` reads back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, inspect } from './serve.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startPipeline(settingsPath) {
  const child = spawn(process.env.REHEARSE, ['pipeline', '--settings', settingsPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('rehearse pipeline printed nothing in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`rehearse pipeline exited early with ${code}`)));
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  return { info, stop };
}

async function until(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('rehearse pipeline answers a WISMO e-mail live and logs its decisions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-pipeline-'));
  const pipelinePort = await freePort();
  const hook = `http://127.0.0.1:${pipelinePort}`;
  const serve = await startServe(['--shopify-webhook-url', `${hook}/webhooks/shopify`, '--gorgias-webhook-url', `${hook}/webhooks/gorgias`]);
  let pipeline;
  try {
    const s = serve.config.services;
    const db = join(dir, 'decisions.sqlite');
    const settings = join(dir, 'pipeline.yaml');
    writeFileSync(settings, [
      'shopify:', `  base_url: ${s.shopify.base_url}`, `  access_token: ${s.shopify.access_token}`,
      `  api_version: "${s.shopify.api_version}"`,
      'gorgias:', `  base_url: ${s.gorgias.base_url}`, `  email: ${s.gorgias.email}`, `  api_key: ${s.gorgias.api_key}`,
      'klaviyo:', `  base_url: ${s.klaviyo.base_url}`, `  revision: "${s.klaviyo.revision}"`,
      'llm:', `  base_url: ${s.llm.base_url}`, `  api_key: ${s.llm.api_key}`,
      'pipeline:', `  policy: ${process.env.REHEARSAL_SOURCE_DIR}/scenarios/policies/default.yaml`,
      `  decision_log: ${db}`, `  listen: 127.0.0.1:${pipelinePort}`, ''].join('\n'));
    // Secrets from the environment, as a deployment would pass them.
    process.env.REHEARSAL_SHOPIFY_API_SECRET = s.shopify.api_secret;
    process.env.REHEARSAL_GORGIAS_WEBHOOK_SECRET = s.gorgias.webhook_secret;
    process.env.REHEARSAL_KLAVIYO_API_KEY = s.klaviyo.api_key;
    pipeline = await startPipeline(settings);
    assert.equal(pipeline.info.webhooks.gorgias, `${hook}/webhooks/gorgias`);

    // Ana (demo world: order #1001, UPS 1Z999AA10123456784 in transit) writes in.
    const written = await inspect(s.gorgias.base_url, '/customer-messages', {
      method: 'POST',
      body: JSON.stringify({ channel: 'email', email: 'ana@example.com', subject: 'Order?', body_text: 'Hi, where is my order?' }),
    });
    const ticketId = written.ticket_id;
    assert.ok(ticketId, JSON.stringify(written));
    const delivery = await until('the automatic reply to reach Ana', async () => {
      const { data } = await inspect(s.gorgias.base_url, '/deliveries');
      return data.find((d) => d.ticket_id === ticketId && d.fate === 'delivered');
    });
    assert.match(delivery.body_text, /1Z999AA10123456784/);
    assert.equal(delivery.to, 'ana@example.com');
  } finally {
    if (pipeline) assert.equal(await pipeline.stop(), 0);
    await serve.stop();
  }
  const out = execFileSync(process.env.REHEARSE, ['decisions', '--db', join(dir, 'decisions.sqlite'), '--format', 'json']);
  const rows = JSON.parse(out.toString());
  const route = rows.find((r) => r.kind === 'route');
  assert.ok(route, out.toString());
  assert.equal(route.route, 'auto_send');
  assert.equal(route.rule, 'wismo.healthy_tracking');
  assert.ok(rows.some((r) => r.kind === 'auto_send' && r.outcome === 'sent'));
  rmSync(dir, { recursive: true, force: true });
});
