// LLM cassettes over real sockets: `rehearse serve` in record mode forwards to an upstream (here a
// second `rehearse serve`, whose LLM mock stands in for a real provider) and stores each exchange;
// in replay mode, with the upstream gone, the same requests get byte-identical answers, the
// official SDK works against the replay, and a request never recorded gets an error naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startServe } from './serve.mjs';

const kTicket = 'Customer message: Hi, where is my order #1001? Carrier: UPS';

async function rawCompletion(llm, content) {
  const res = await fetch(`${llm.openai_base_url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${llm.api_key}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  return { status: res.status, body: await res.text() };
}

test('a cassette recorded through serve replays byte-identical, offline', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsal-cassette-'));
  const cassette = join(dir, 'llm.jsonl');
  try {
    const upstream = await startServe(['--no-demo-world', '--seed', '7']);
    const upstreamLlm = upstream.config.services.llm;
    let recorded;
    let recordedStream = '';
    try {
      const recorder = await startServe(['--no-demo-world', '--llm-cassette-mode', 'record',
        '--llm-cassette', cassette, '--llm-upstream', upstreamLlm.base_url]);
      try {
        // The client talks to the recorder with the upstream's key, as it would to the provider.
        const viaRecorder = { ...recorder.config.services.llm, api_key: upstreamLlm.api_key };
        assert.equal(recorder.config.services.llm.cassette_mode, 'record');
        recorded = await rawCompletion(viaRecorder, kTicket);
        assert.equal(recorded.status, 200, recorded.body);
        const client = new OpenAI({ apiKey: viaRecorder.api_key, baseURL: viaRecorder.openai_base_url });
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Customer message: can I return my mug?' }], stream: true,
        });
        for await (const chunk of stream) recordedStream += chunk.choices[0]?.delta?.content ?? '';
        assert.ok(recordedStream.length > 0);
      } finally {
        await recorder.stop();
      }
    } finally {
      await upstream.stop();
    }
    const lines = readFileSync(cassette, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, 'one cassette line per exchange');

    const replay = await startServe(['--no-demo-world', '--llm-cassette-mode', 'replay', '--llm-cassette', cassette]);
    try {
      const llm = { ...replay.config.services.llm, api_key: upstreamLlm.api_key };
      const replayed = await rawCompletion(llm, kTicket);
      assert.equal(replayed.status, 200);
      assert.equal(replayed.body, recorded.body, 'replay must be byte-identical');

      const client = new OpenAI({ apiKey: llm.api_key, baseURL: llm.openai_base_url, maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Customer message: can I return my mug?' }], stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      assert.equal(text, recordedStream);

      const missing = await rawCompletion(llm, 'Customer message: something never recorded');
      assert.equal(missing.status, 404);
      assert.match(missing.body, /cassette/i);
    } finally {
      await replay.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses a replay cassette that does not load, naming it', async () => {
  await assert.rejects(
    startServe(['--no-demo-world', '--llm-cassette-mode', 'replay', '--llm-cassette', '/nonexistent/llm.jsonl']),
    /exited early with 2/);
});
