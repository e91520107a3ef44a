// Klaviyo's system webhooks from `rehearse serve --klaviyo-webhook-url`: a campaign's e-mail
// produces event:klaviyo.email_delivered, delivered over the socket, and a receiver that follows
// the reference's recipe with Node's own crypto (hex HMAC-SHA256 of the raw body followed by the
// Klaviyo-Timestamp header) accepts it and rejects a tampered copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startServe, inspect } from './serve.mjs';

const verify = (secret, rawBody, timestamp, signature) => {
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody + timestamp).digest('hex'));
  const given = Buffer.from(signature ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
};

test('a Klaviyo system webhook delivered by rehearse serve verifies as a receiver checks it', async () => {
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/webhooks/klaviyo`;
  const { config, stop } = await startServe(['--klaviyo-webhook-url', hookUrl]);
  try {
    const k = config.services.klaviyo;
    assert.equal(k.webhook_url, hookUrl);
    const post = (path, body) => inspect(k.base_url, path, { method: 'POST', body: JSON.stringify(body) });
    const { id: list } = await post('/lists', { name: 'Newsletter' });
    await post('/profiles', { email: 'ana@example.com', email_consent: 'SUBSCRIBED', lists: [list] });
    await post('/campaigns', { name: 'Spring sale', included: [list], send_in_s: 0 });

    for (const deadline = Date.now() + 10_000; received.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(received.length, 1, 'one delivery for the one e-mail sent');
    const [hook] = received;
    assert.match(hook.headers['content-type'], /^application\/json/);
    const timestamp = hook.headers['klaviyo-timestamp'];
    assert.ok(verify(k.webhook_secret, hook.rawBody, timestamp, hook.headers['klaviyo-signature']));
    assert.ok(!verify(k.webhook_secret, hook.rawBody.replace('ana@', 'bob@'), timestamp, hook.headers['klaviyo-signature']));
    const body = JSON.parse(hook.rawBody);
    assert.equal(body.meta.klaviyo_webhook_id, hook.headers['klaviyo-webhook-id']);
    assert.equal(body.data[0].topic, 'event:klaviyo.email_delivered');
    assert.equal(body.data[0].payload.data.attributes.event_properties.email_address, 'ana@example.com');
  } finally {
    await stop();
    receiver.close();
  }
});
