// The official Klaviyo Node SDK against the Klaviyo mock of `rehearse serve`: create a profile,
// add it to a list, create an event, suppress it; and meet a 429 it recovers from with its own
// backoff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeySession, ProfilesApi, ListsApi, EventsApi } from 'klaviyo-api';
import { startServe, inspect } from './serve.mjs';

function apis(klaviyo) {
  const session = new ApiKeySession(klaviyo.api_key);
  // The SDK has no global base URL: each API object takes it (reference section 11).
  const made = { profiles: new ProfilesApi(session), lists: new ListsApi(session), events: new EventsApi(session) };
  for (const api of Object.values(made)) api.basePath = klaviyo.base_url;
  return made;
}

test('klaviyo-api creates a profile, adds it to a list, creates an event and suppresses it', async () => {
  const { config, stop } = await startServe();
  try {
    const k = config.services.klaviyo;
    const { profiles, lists, events } = apis(k);
    const email = 'dana@example.com';
    const created = await profiles.createProfile({ data: { type: 'profile', attributes: { email, firstName: 'Dana' } } });
    assert.equal(created.response.status, 201);
    const profileId = created.body.data.id;
    assert.equal(created.body.data.attributes.email, email);

    const list = await lists.createList({ data: { type: 'list', attributes: { name: 'Newsletter' } } });
    assert.equal(list.response.status, 201);
    const added = await lists.addProfilesToList(list.body.data.id, { data: [{ type: 'profile', id: profileId }] });
    assert.equal(added.response.status, 204);

    const event = await events.createEvent({
      data: {
        type: 'event',
        attributes: {
          properties: { order_id: '1001' },
          uniqueId: 'order-1001-placed',
          metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
          profile: { data: { type: 'profile', attributes: { email } } },
        },
      },
    });
    assert.equal(event.response.status, 202);

    const suppressed = await profiles.bulkSuppressProfiles({
      data: {
        type: 'profile-suppression-bulk-create-job',
        attributes: { profiles: { data: [{ type: 'profile', attributes: { email } }] } },
      },
    });
    assert.equal(suppressed.response.status, 202);
    const again = await profiles.getProfile(profileId, { additionalFieldsProfile: ['subscriptions'] });
    assert.ok(again.body.data.attributes.subscriptions.email.marketing.suppression.length > 0,
      JSON.stringify(again.body.data.attributes.subscriptions));
  } finally {
    await stop();
  }
});

test('klaviyo-api meets a 429 from the burst window and recovers with its own backoff', async () => {
  const { config, stop } = await startServe();
  try {
    const k = config.services.klaviyo;
    const tiers = Object.fromEntries(['XS', 'S', 'M', 'L', 'XL'].map((t) => [t, { burst: 4, steady: 600 }]));
    await inspect(k.base_url, '/rate-limits', { method: 'PUT', body: JSON.stringify({ tiers }) });
    const { profiles } = apis(k);
    const made = await Promise.all([1, 2, 3, 4, 5].map((i) =>
      profiles.createProfile({ data: { type: 'profile', attributes: { email: `burst${i}@example.com` } } })));
    for (const r of made) assert.equal(r.response.status, 201);
    const log = await inspect(k.base_url, '/requests');
    assert.ok(log.data.some((r) => r.status === 429), 'the mock should have refused at least one call');
  } finally {
    await stop();
  }
});
