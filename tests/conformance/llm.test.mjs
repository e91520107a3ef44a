// The official OpenAI and Anthropic SDKs against the LLM mock of `rehearse serve`: a completion,
// a streamed one and a JSON-schema one (OpenAI), a message and a streamed one (Anthropic), and
// each SDK meeting a 429 and recovering through its own retry policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startServe, inspect } from './serve.mjs';

const kIntents = ['wismo', 'return', 'exchange', 'cancel', 'address_change', 'damaged_item',
  'delivered_not_received', 'refund_status', 'discount_request', 'product_question', 'other'];
const kTicket = 'Customer message: Hi, where is my order #1001? The tracking has not moved in days.';

async function withServe(fn) {
  const { config, stop } = await startServe();
  try {
    await fn(config.services.llm);
  } finally {
    await stop();
  }
}

test('openai: a chat completion, a streamed one and a JSON-schema one', () => withServe(async (llm) => {
  const client = new OpenAI({ apiKey: llm.api_key, baseURL: llm.openai_base_url });
  const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: kTicket }] });
  assert.ok(plain.choices[0].message.content.length > 0);
  assert.ok(plain.usage.total_tokens > 0);

  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini', messages: [{ role: 'user', content: kTicket }], stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.ok(text.length > 0);

  const structured = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'Classify the support ticket.' }, { role: 'user', content: kTicket }],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'triage', strict: true,
        schema: { type: 'object', additionalProperties: false, required: ['intent', 'confidence'],
          properties: { intent: { type: 'string', enum: kIntents }, confidence: { type: 'number' } } },
      },
    },
  });
  const answer = JSON.parse(structured.choices[0].message.content);
  assert.ok(kIntents.includes(answer.intent), answer.intent);
  assert.equal(typeof answer.confidence, 'number');
}));

test('anthropic: a message and a streamed one', () => withServe(async (llm) => {
  const client = new Anthropic({ apiKey: llm.api_key, baseURL: llm.anthropic_base_url });
  const message = await client.messages.create({
    model: 'claude-haiku-4-5', max_tokens: 300, messages: [{ role: 'user', content: kTicket }],
  });
  assert.equal(message.type, 'message');
  assert.ok(message.content[0].text.length > 0);
  assert.ok(message.usage.output_tokens > 0);

  const stream = client.messages.stream({
    model: 'claude-haiku-4-5', max_tokens: 300, messages: [{ role: 'user', content: kTicket }],
  });
  let text = '';
  stream.on('text', (t) => { text += t; });
  const final = await stream.finalMessage();
  assert.ok(text.length > 0);
  assert.equal(final.content[0].text, text);
}));

test('openai and anthropic meet a 429 and recover through their own retries', () => withServe(async (llm) => {
  // Six requests a minute: the seventh in a burst waits for a token (about ten seconds).
  await inspect(llm.base_url, '/rate-limits', { method: 'PUT', body: JSON.stringify({ openai_rpm: 6, anthropic_rpm: 6 }) });
  // Counts the 429s the SDKs saw on the wire; their retries hide them from the caller.
  let throttled = 0;
  const countingFetch = async (url, init) => {
    const res = await fetch(url, init);
    if (res.status === 429) throttled += 1;
    return res;
  };
  const common = { apiKey: llm.api_key, maxRetries: 3, timeout: 60_000, fetch: countingFetch };
  const openai = new OpenAI({ ...common, baseURL: llm.openai_base_url });
  const anthropic = new Anthropic({ ...common, baseURL: llm.anthropic_base_url });
  const calls = [];
  for (let i = 0; i < 7; ++i) {
    calls.push(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${kTicket} (${i})` }] }));
    calls.push(anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: `${kTicket} (${i})` }] }));
  }
  const results = await Promise.all(calls);
  assert.equal(results.length, 14);
  assert.ok(throttled >= 2, `expected both SDKs to meet a 429, saw ${throttled}`);
  const log = await inspect(llm.base_url, '/calls');
  assert.ok(log.data.length >= 14, `expected every call admitted in the end, saw ${log.data.length}`);
}));
