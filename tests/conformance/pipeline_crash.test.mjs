// The kill -9 test of issue 16 with real processes: `rehearse serve` delivers signed webhooks to
// `rehearse pipeline`, which is killed with SIGKILL at a few points after it acknowledged a batch
// of tickets (at once, while drafting, while replying), and started again on the same decision
// log. Every ticket must end with exactly one reply delivered to the customer, and a delivery
// sent again to the restarted pipeline is a duplicate. The sim-mode sweep over every side effect
// is tests/pipeline/workflows/crash_sweep_test.cc; this test shows the same holds over sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startPipeline(settingsPath) {
  // A short resume pause: on loopback a request of the killed process lands within milliseconds.
  const child = spawn(process.env.REHEARSE, ['pipeline', '--settings', settingsPath, '--resume-pause-ms', '300'],
                      { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('rehearse pipeline printed nothing in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`rehearse pipeline exited early with ${code}`)));
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return {
    info,
    kill9: () => { child.kill('SIGKILL'); return exited; },
    stop: () => { if (child.exitCode === null) child.kill('SIGTERM'); return exited; },
  };
}

test('rehearse pipeline killed with -9 at several points answers every ticket exactly once after restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-crash-'));
  const pipelinePort = await freePort();
  const hook = `http://127.0.0.1:${pipelinePort}`;
  const serve = await startServe(['--shopify-webhook-url', `${hook}/webhooks/shopify`, '--gorgias-webhook-url', `${hook}/webhooks/gorgias`]);
  const s = serve.config.services;
  let pipeline;
  try {
    const settings = join(dir, 'pipeline.yaml');
    writeFileSync(settings, [
      'shopify:', `  base_url: ${s.shopify.base_url}`, `  access_token: ${s.shopify.access_token}`,
      `  api_version: "${s.shopify.api_version}"`, `  api_secret: ${s.shopify.api_secret}`,
      'gorgias:', `  base_url: ${s.gorgias.base_url}`, `  email: ${s.gorgias.email}`, `  api_key: ${s.gorgias.api_key}`,
      `  webhook_secret: ${s.gorgias.webhook_secret}`,
      'klaviyo:', `  base_url: ${s.klaviyo.base_url}`, `  api_key: ${s.klaviyo.api_key}`, `  revision: "${s.klaviyo.revision}"`,
      'llm:', `  base_url: ${s.llm.base_url}`, `  api_key: ${s.llm.api_key}`,
      'pipeline:', `  policy: ${process.env.REHEARSAL_SOURCE_DIR}/scenarios/policies/default.yaml`,
      `  decision_log: ${join(dir, 'decisions.sqlite')}`, `  listen: 127.0.0.1:${pipelinePort}`, ''].join('\n'));
    // Drafts take a second or two, so each kill finds work under way.
    await inspect(s.llm.base_url, '/faults', { method: 'PUT', body: JSON.stringify({ slow_stream: 1, slow_factor: 1.5 }) });
    pipeline = await startPipeline(settings);

    const tickets = [];
    const acknowledged = async (ids) => {
      const { data } = await inspect(s.gorgias.base_url, '/integration-calls');
      // A new ticket's first message comes as ticket-created (its message-created calls are the
      // pipeline's own note and reply coming back).
      const ok = new Set(data.filter((c) => c.trigger === 'ticket-created' && c.status_code === 200)
        .map((c) => Number(JSON.parse(c.request.body).ticket.id)));
      return ids.every((id) => ok.has(id));
    };
    const delivered = async () => (await inspect(s.gorgias.base_url, '/deliveries')).data.filter((d) => d.fate === 'delivered');

    // Kill points after a batch of two tickets was acknowledged (more would wait on Gorgias's
    // 40-per-20-s bucket): at once (nothing answered yet), while the batch is under way, later.
    let resumed = 0;
    for (const waitMs of [0, 150, 400]) {
      const batch = [];
      for (let i = 0; i < 2; ++i) {
        const written = await inspect(s.gorgias.base_url, '/customer-messages', {
          method: 'POST',
          body: JSON.stringify({ channel: 'email', email: 'ana@example.com', subject: `Order? ${waitMs}/${i}`, body_text: 'Hi, where is my order?' }),
        });
        batch.push(written.ticket_id);
      }
      await until('the batch\'s webhooks to be acknowledged', () => acknowledged(batch));
      tickets.push(...batch);
      await sleep(waitMs);
      await pipeline.kill9();
      pipeline = await startPipeline(settings);
      resumed += pipeline.info.resumed;
    }
    assert.ok(resumed > 0, 'at least one kill left acknowledged work for the next process');

    await until('every ticket answered', async () => {
      const d = await delivered();
      return tickets.every((id) => d.some((x) => x.ticket_id === id));
    });
    await sleep(1000);  // anything repeated would have gone out by now
    const replies = await delivered();
    for (const id of tickets) {
      assert.equal(replies.filter((d) => d.ticket_id === id).length, 1, `ticket ${id}: exactly one reply`);
    }

    // A delivery acknowledged before the kills, sent again to the last process: a duplicate.
    const { data: calls } = await inspect(s.gorgias.base_url, '/integration-calls');
    const first = calls.find((c) => c.trigger === 'ticket-created' && Number(JSON.parse(c.request.body).ticket.id) === tickets[0]);
    const again = await fetch(first.request.url, { method: 'POST', headers: first.request.headers, body: first.request.body });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).status, 'duplicate');
  } finally {
    if (pipeline) assert.equal(await pipeline.stop(), 0);
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
