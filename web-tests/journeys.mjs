// Every journey of the web console, end to end, in a real Chromium against a real
// `skydir serve` (started by ./run). Each journey is a person doing one thing in the browser;
// the assertions are what that person would see. A screenshot of every journey's last page
// (and of any failure) is saved under $ARTIFACTS.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

const BASE = process.env.SKYDIR_URL;
const OPERATOR = process.env.SKYDIR_OPERATOR_TOKEN;
const ARTIFACTS = process.env.ARTIFACTS ?? 'artifacts';
if (!BASE || !OPERATOR) throw new Error('run through ./run (SKYDIR_URL and SKYDIR_OPERATOR_TOKEN)');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

/** A fresh browser profile (its own cookies), like a different person's computer. */
async function person(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: BASE, viewport });
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  return { context, page };
}

const results = [];
let shot = 0;
async function journey(name, fn) {
  const started = Date.now();
  const { context, page } = await person();
  try {
    await fn(page, context);
    await page.screenshot({ path: `${ARTIFACTS}/${String(++shot).padStart(2, '0')}-${slug(name)}.png`, fullPage: true });
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok    ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    await page.screenshot({ path: `${ARTIFACTS}/FAILED-${slug(name)}.png`, fullPage: true }).catch(() => {});
    writeFileSync(`${ARTIFACTS}/FAILED-${slug(name)}.html`, await page.content().catch(() => ''));
    results.push({ name, ok: false, error: String(e.stack ?? e) });
    console.log(`FAIL  ${name}\n${e.stack ?? e}`);
  } finally {
    await context.close();
  }
}
/** The newest mail in the outbox matching `re`, decoded (quoted-printable soft breaks). */
async function mailMatching(re, before) {
  const { existsSync, readdirSync, readFileSync } = await import('node:fs');
  const outbox = `${process.env.SKYDIR_DATA_DIR}/outbox`;
  for (let i = 0; i < 50; i++) {
    const fresh = (existsSync(outbox) ? readdirSync(outbox) : []).filter((f) => !before.has(f)).map((f) => readFileSync(`${outbox}/${f}`, 'utf8'));
    const found = fresh.map((m) => m.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))))
      .find((m) => re.test(m));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail matching ${re} in the outbox`);
}
async function outboxNow() {
  const { existsSync, readdirSync } = await import('node:fs');
  const outbox = `${process.env.SKYDIR_DATA_DIR}/outbox`;
  return new Set(existsSync(outbox) ? readdirSync(outbox) : []);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of `secret` (base32) for time step `step`. */
async function totp(secret, step) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Logs an org person in through the login form. */
async function logIn(page, org, username, password) {
  await page.goto('/portal/login');
  await page.getByLabel('Organization').fill(org);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Signs staff in with their token (before they set a password). */
async function tokenSignIn(page, token) {
  await page.goto('/staff/login');
  await page.getByText('Sign in with your staff token').click();
  await page.getByLabel('Staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Logs staff in with handle and password. */
async function staffLogIn(page, handle, password) {
  await page.goto('/staff/login');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
const AGENT_PW = 'ann has a long console passphrase';

// ---- The operator sets the deployment up, in the browser ------------------------------------

let agentToken;

let invitedAt;
await journey('operator signs in, creates an organization with its first admin, and an agent', async (page) => {
  await tokenSignIn(page, OPERATOR);
  await page.waitForURL('**/operator/orgs');
  // The operator names the first administrator; there is no password field to fill.
  assert.equal(await page.locator('input[type=password]').count(), 0, 'staff never choose a password');
  invitedAt = await outboxNow();
  await page.getByLabel('Organization id').fill('acme');
  await page.getByLabel('Name', { exact: true }).fill('Acme Inc.');
  await page.getByLabel('Plan').selectOption('monthly');
  await page.getByLabel('Seats').fill('25');
  await page.getByLabel('Admin username').fill('alice');
  await page.getByLabel('Admin email').fill('alice@acme.test');
  await page.getByLabel('Given name').fill('Alice');
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.getByText('Organization acme was created').waitFor();
  await page.getByRole('status').getByText('was mailed an invitation').waitFor();
  assert.ok(await page.locator('#orgs').getByText('acme', { exact: true }).isVisible());

  // A bad slug is refused next to the field and nothing is created.
  await page.getByLabel('Organization id').fill('Not A Slug!');
  await page.getByLabel('Name', { exact: true }).fill('Broken');
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.locator('#slug-error').waitFor();
  assert.equal(await page.locator('#orgs tr').count(), 2, 'one org row plus the header');

  // An administrator the directory refuses leaves no organization behind either.
  await page.getByLabel('Organization id').fill('beta');
  await page.getByLabel('Name', { exact: true }).fill('Beta');
  await page.getByLabel('Admin username').fill('bob');
  await page.getByLabel('Admin email').fill('not an address');
  await page.getByRole('button', { name: 'Create the organization' }).click();
  await page.locator('#admin_email-error').waitFor();
  assert.equal(await page.locator('#orgs tr').count(), 2, 'still one org row plus the header');

  // The org's page: the plan, the seats used, and the first admin's invitation, pending.
  await page.goto('/operator/orgs/acme');
  await page.locator('#invitation').getByText('invitation pending').waitFor();
  assert.match(await page.locator('#users').textContent(), /1 of 35/, '25 seats on top of 10 free users');
  assert.ok(!(await page.content()).includes('/portal/invitation/'), 'the operator never sees the link');

  await page.getByRole('link', { name: 'Staff' }).click();
  await page.getByLabel('Handle').fill('ann');
  await page.getByRole('button', { name: 'Add the staff member' }).click();
  agentToken = (await page.locator('#new-token').textContent()).trim();
  assert.match(agentToken, /^skd_/);
});

await journey('the first admin opens the invitation from the mail and chooses a password', async (page) => {
  const mail = await mailMatching(/portal\/invitation\//, invitedAt);
  assert.match(mail, /^To: alice@acme\.test/m);
  assert.match(mail, /Your username: alice/);
  const link = mail.match(/https:\/\/\S+\/portal\/invitation\/[A-Za-z0-9_-]+/)[0];
  await page.goto(new URL(link).pathname);
  await page.getByRole('heading', { name: 'Welcome: choose your password' }).waitFor();
  assert.equal((await page.locator('#reset-account').textContent()).trim(), 'alice');
  await page.getByLabel('Password', { exact: true }).fill('a long passphrase');
  await page.getByLabel('Password again').fill('a long passphrase');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.getByText('Your new password is set.').waitFor();
  // The link worked once.
  await page.goto(new URL(link).pathname);
  await page.getByRole('alert').getByText(/expired or was already used/).waitFor();
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.waitForURL('**/admin');
});

await journey('the operator sees the invitation accepted, suspends the org and resumes it', async (page) => {
  await tokenSignIn(page, OPERATOR);
  await page.goto('/operator/orgs/acme');
  await page.locator('#invitation').getByText('accepted').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send the invitation again' }).count(), 0);
  await page.getByRole('button', { name: 'Suspend the organization' }).click();
  await page.locator('#org-status').getByText('Suspended').waitFor();
  const alice = await person();
  await logIn(alice.page, 'acme', 'alice', 'a long passphrase');
  await alice.page.getByRole('alert').getByText(/suspended by its provider/).waitFor();
  await alice.context.close();
  await page.getByRole('button', { name: 'Resume the organization' }).click();
  await page.locator('#org-status').getByText('In service').waitFor();
});

// ---- Public pages ---------------------------------------------------------------------------

await journey('anyone searches the knowledge base and reads the public pages', async (page) => {
  await page.goto('/kb');
  await page.getByLabel(/search/i).fill('LDAP');
  await page.getByRole('button', { name: /search/i }).click();
  await page.locator('ol.results li').first().waitFor();
  await page.getByRole('link', { name: 'Support policy' }).first().click();
  await page.getByText(/Support hours/).first().waitFor();
  await page.getByRole('link', { name: 'Supported versions' }).first().click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Protocols' }).first().click();
  await page.getByRole('link', { name: 'Privacy', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Privacy statement' }).waitFor();
  assert.ok(await page.locator('#inventory').getByText('email address').first().isVisible());
  await page.getByRole('link', { name: 'Sub-processors' }).first().click();
  const rss = page.locator('a[href="/privacy/subprocessors.rss"]').first();
  assert.ok(await rss.count() > 0, 'the sub-processor page links its RSS feed');
  const feed = await page.request.get('/privacy/subprocessors.rss');
  assert.equal(feed.status(), 200);
  assert.match(await feed.text(), /<rss/);
});

// ---- The admin console ----------------------------------------------------------------------

await journey('a wrong password says only that something was wrong', async (page) => {
  await logIn(page, 'acme', 'alice', 'not her password');
  await page.getByRole('alert').getByText('Wrong organization, username or password').waitFor();
  await logIn(page, 'nosuchorg', 'alice', 'a long passphrase');
  await page.getByRole('alert').getByText('Wrong organization, username or password').waitFor();
});

await journey('the admin logs in, sees the org, creates a user and finds them', async (page, context) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.waitForURL('**/admin');
  assert.equal((await page.locator('#plan').textContent()).trim(), 'monthly');
  assert.match(await page.locator('#seats').textContent(), /1 of 35/);

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-skydir_session');
  assert.ok(session.httpOnly && session.secure && session.sameSite === 'Strict' && session.path === '/', 'session cookie flags');
  assert.ok(!cookies.some((c) => !c.name.startsWith('__Host-')), 'only __Host- cookies');

  await page.getByRole('link', { name: 'Users' }).first().click();
  await page.getByRole('link', { name: 'Add a user' }).click();
  await page.getByLabel('Username').fill('bob');
  await page.getByLabel('Email').fill('not an address');
  await page.getByRole('button', { name: 'Add the user' }).click();
  await page.locator('#email-error').waitFor(); // the error sits next to its field …
  assert.equal(await page.getByLabel('Username').inputValue(), 'bob'); // … and the form kept the input
  await page.getByLabel('Email').fill('bob@acme.test');
  await page.getByLabel('Given name').fill('Bob');
  await page.getByLabel('Family name').fill('Builder');
  await page.getByLabel(/Set a password now/).check();
  await page.getByLabel(/Password \(only when/).fill('bob has a long passphrase');
  await page.getByRole('button', { name: 'Add the user' }).click();
  await page.getByText('The user was added.').waitFor();

  await page.getByRole('link', { name: 'Users' }).first().click();
  await page.locator('#users').getByRole('link', { name: 'bob' }).waitFor();
  assert.ok(await page.locator('#users').getByText('Bob Builder').isVisible());
  await page.getByLabel('Find users by username').fill('bo');
  await page.getByRole('button', { name: 'Search' }).click();
  assert.equal(await page.locator('#users tr').count(), 2);
  await page.getByLabel('Find users by username').fill('zz');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('No username starts with').waitFor();

  // Edit, then groups with nesting.
  await page.goto('/admin/users/bob');
  await page.getByLabel(/Phone numbers/).fill('+1 555 0199');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();

  await page.getByRole('link', { name: 'Groups' }).first().click();
  await page.getByLabel('Name').fill('engineering');
  await page.getByRole('button', { name: 'Create the group' }).click();
  await page.getByLabel('Username or group name').fill('bob');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.locator('#members').getByRole('link', { name: 'bob' }).waitFor();
  await page.goto('/admin/groups');
  await page.getByLabel('Name').fill('everyone');
  await page.getByRole('button', { name: 'Create the group' }).click();
  await page.getByLabel('Kind').selectOption('group');
  await page.getByLabel('Username or group name').fill('engineering');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.locator('#members').getByRole('link', { name: 'engineering' }).waitFor();
  // A cycle is refused next to the field.
  await page.goto('/admin/groups/engineering');
  await page.getByLabel('Kind').selectOption('group');
  await page.getByLabel('Username or group name').fill('everyone');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.locator('#member-error').waitFor();
});

await journey('the admin suspends a user, who then cannot log in', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/users/bob');
  await page.getByRole('button', { name: 'Suspend bob' }).click();
  await page.locator('h1').getByText('suspended').waitFor();
  const other = await person();
  await logIn(other.page, 'acme', 'bob', 'bob has a long passphrase');
  await other.page.getByRole('alert').getByText('Wrong organization, username or password').waitFor();
  await other.context.close();
  await page.getByRole('button', { name: 'Activate bob' }).click();
  await page.locator('h1').getByText('active').waitFor();
});

await journey('a form posted without its CSRF token changes nothing', async (page, context) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.waitForURL('**/admin');
  const r = await page.request.post('/admin/users/new', {
    form: { csrf: 'forged', username: 'mallory', email: 'm@acme.test' },
  });
  assert.equal(r.status(), 403);
  // Nor with a cookie planted to match the field: the token is the server's, bound to the session.
  await context.addCookies([{ name: '__Host-skydir_csrf', value: 'planted', url: BASE, secure: true, sameSite: 'Strict' }]);
  const planted = await page.request.post('/admin/users/new', {
    form: { csrf: 'planted', username: 'mallory', email: 'm@acme.test' },
  });
  assert.equal(planted.status(), 403);
  await page.goto('/admin/users?q=mallory');
  await page.getByText('No username starts with').waitFor();
});

// ---- Support: a ticket, an agent's answer -------------------------------------------------

let ticketUrl;
await journey('the admin files a ticket in the portal', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/portal/tickets/new');
  await page.getByLabel('Subject').fill('Adding users to groups');
  await page.getByLabel('Detailed description').fill('How do I add a user to a group from the console? Nothing in the docs.');
  await page.getByLabel('Troubleshooting already taken').fill('Read the knowledge base.');
  await page.getByLabel('Error messages').fill('None.');
  await page.getByRole('button', { name: 'Open the ticket' }).click();
  await page.waitForURL(/\/portal\/tickets\/\d+$/);
  ticketUrl = new URL(page.url()).pathname;
  await page.getByRole('heading', { name: /Adding users to groups/ }).waitFor();
});

await journey('the agent signs in with their token, sets a password and logs in with it', async (page) => {
  await tokenSignIn(page, 'skd_not-a-real-token');
  await page.getByRole('alert').getByText('not a valid staff token').waitFor();
  await tokenSignIn(page, agentToken);
  await page.waitForURL('**/desk');
  await page.getByRole('link', { name: 'My account' }).click();
  await page.getByText('You have no password yet').waitFor();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('New password again').fill('short');
  await page.getByRole('button', { name: 'Set my password' }).click();
  await page.getByRole('alert').first().waitFor();
  await page.getByLabel('New password', { exact: true }).fill(AGENT_PW);
  await page.getByLabel('New password again').fill(AGENT_PW);
  await page.getByRole('button', { name: 'Set my password' }).click();
  await page.getByText('Your password was set').waitFor();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL('**/staff/login');
  await staffLogIn(page, 'ann', 'not the password');
  await page.getByRole('alert').getByText('Wrong handle or password').waitFor();
  await staffLogIn(page, 'ann', AGENT_PW);
  await page.waitForURL('**/desk');
});

await journey('the agent finds the ticket first in the queue and answers it', async (page) => {
  await staffLogIn(page, 'ann', AGENT_PW);
  await page.waitForURL('**/desk');
  const first = page.locator('#queue tr').nth(1);
  assert.match(await first.textContent(), /Adding users to groups/);
  assert.match(await first.textContent(), /left|paused|breached/);
  await first.getByRole('link').click();
  await page.getByLabel('Internal note (staff only)').check();
  await page.getByLabel('Message').fill('Customer is on monthly; answer from the groups article.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByText('internal note').first().waitFor();
  await page.getByLabel('Reply to the customer (mailed)').check();
  await page.getByLabel('Message').fill('Open Groups, pick the group, and add the user under "Add a member".');
  await page.getByLabel('Then set the status to').selectOption('waiting_on_customer');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('#status').getByText('waiting_on_customer').waitFor();
  await page.getByLabel('Assignment').selectOption('me');
  await page.getByRole('button', { name: 'Update the ticket' }).click();
  await page.getByText('you', { exact: true }).waitFor();
});

await journey('the admin reads the answer, but never the internal note', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto(ticketUrl);
  await page.getByText('add the user under "Add a member"').waitFor();
  assert.equal(await page.getByText('answer from the groups article').count(), 0);
});


await journey('the agent writes a knowledge-base article that the public then finds', async (page) => {
  await staffLogIn(page, 'ann', AGENT_PW);
  await page.waitForURL('**/desk');
  await page.getByRole('navigation', { name: 'Agent workspace' }).getByRole('link', { name: 'Knowledge Base' }).click();
  await page.getByRole('link', { name: 'Write an article' }).click();
  await page.getByLabel('Address').fill('nested-groups');
  await page.getByLabel('Title').fill('Nesting groups inside groups');
  await page.getByLabel('Text').fill('Add a group as a member of another group: its members inherit the access.');
  await page.getByLabel(/Tags/).fill('groups, nesting');
  await page.getByRole('button', { name: 'Save the article' }).click();
  await page.waitForURL('**/kb/nested-groups');
  const anon = await person();
  await anon.page.goto('/kb');
  await anon.page.getByLabel(/search/i).fill('nesting');
  await anon.page.getByRole('button', { name: /search/i }).click();
  await anon.page.getByRole('link', { name: 'Nesting groups inside groups' }).waitFor();
  await anon.context.close();
});

await journey('the agent writes a macro and answers with it', async (page) => {
  await staffLogIn(page, 'ann', AGENT_PW);
  await page.waitForURL('**/desk');
  await page.getByRole('link', { name: 'Macros' }).click();
  await page.getByText('No macros yet.').waitFor();
  await page.getByLabel('Name').fill('ask-agent-log');
  await page.getByLabel('Title').fill('Ask for the agent log');
  await page.getByLabel('Text').fill('Please attach the agent log of the affected system.');
  await page.getByLabel('Then set the status to').selectOption('waiting_on_customer');
  await page.getByRole('button', { name: 'Save the macro' }).click();
  await page.locator('#macros').getByText('ask-agent-log').waitFor();
  await page.goto(ticketUrl.replace('/portal/', '/desk/'));
  await page.getByLabel('Macro', { exact: true }).selectOption('ask-agent-log');
  await page.getByRole('button', { name: 'Send the macro' }).click();
  await page.getByText('Please attach the agent log of the affected system.').waitFor();
  await page.goto('/desk/macros');
  await page.getByRole('button', { name: 'Delete macro ask-agent-log' }).click();
  await page.getByText('No macros yet.').waitFor();
});

await journey('the agent asks the org admins to verify a sensitive request', async (page) => {
  await staffLogIn(page, 'ann', AGENT_PW);
  await page.waitForURL('**/desk');
  await page.goto(ticketUrl.replace('/portal/', '/desk/'));
  // Making someone an admin is not among the requests: staff never change roles.
  assert.equal(await page.locator('option[value=make_admin]').count(), 0);
  await page.getByLabel('The customer asks to').selectOption('delete_account');
  await page.getByLabel('About the user (username)').fill('bob');
  await page.getByRole('button', { name: 'Ask the admins to verify' }).click();
  await page.locator('#verifications').getByText('bob').waitFor();
  // What support may never do is refused with the policy's reason, on the page.
  await page.getByLabel('The customer asks to').selectOption('delete_account');
  await page.getByLabel('About the user (username)').fill('nobody-here');
  await page.getByRole('button', { name: 'Ask the admins to verify' }).click();
  await page.getByRole('alert').first().waitFor();
});

// ---- Self-service --------------------------------------------------------------------------

await journey('a user edits their details, changes their password and downloads their data', async (page) => {
  await logIn(page, 'acme', 'bob', 'bob has a long passphrase');
  await page.waitForURL('**/portal/profile');
  await page.getByLabel('Given name').fill('Robert');
  await page.getByRole('button', { name: 'Save my details' }).click();
  await page.getByText('Your details were saved.').waitFor();

  // A new email address waits for the link mailed to it; bob changes his mind and cancels.
  await page.getByLabel('Email').fill('robert@elsewhere.test');
  await page.getByRole('button', { name: 'Save my details' }).click();
  await page.getByText('A confirmation link was mailed to the new address').waitFor();
  assert.match(await page.locator('#pending-email').innerText(), /Waiting for confirmation at robert@elsewhere\.test/);
  assert.equal(await page.getByLabel('Email').inputValue(), 'bob@acme.test', 'the account keeps its address');
  await page.getByRole('button', { name: 'Cancel the change' }).click();
  await page.getByText('The change of address was cancelled').waitFor();
  assert.equal(await page.locator('#pending-email').count(), 0);

  // Bob is signed in on a second computer too, and a script of his uses a personal API token.
  const other = await person();
  await logIn(other.page, 'acme', 'bob', 'bob has a long passphrase');
  await other.page.waitForURL('**/portal/profile');
  await page.goto('/portal/tokens');
  await page.getByLabel('Name', { exact: true }).fill('bob script');
  await page.getByRole('button', { name: 'Create the token' }).click();
  const token = (await page.locator('#new-token').textContent()).trim();
  const api = async () => (await page.request.get('/api/v1/me/tokens', { headers: { authorization: `Bearer ${token}` } })).status();
  assert.equal(await api(), 200);
  await page.goto('/portal/profile');

  await page.getByLabel('Current password').fill('wrong');
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('New password again').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await page.locator('#current-error').waitFor();
  await page.getByLabel('Current password').fill('bob has a long passphrase');
  await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await page.getByLabel('New password again').fill('a brand new passphrase');
  assert.equal(await page.getByLabel('Keep my API tokens working').isChecked(), false, 'unticked by default');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  await page.getByText('1 other session and 1 API token were ended.').waitFor();
  // Signed out everywhere else: the other computer and the script; still in here.
  assert.equal(await api(), 401, 'the API token ended with the old password');
  await other.page.goto('/portal/profile');
  await other.page.waitForURL('**/portal/login');
  await other.context.close();

  await page.getByRole('link', { name: 'My data' }).first().click();
  await page.getByText('Robert').first().waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download this report as JSON' }).click(),
  ]);
  const path = `${ARTIFACTS}/access-report.json`;
  await download.saveAs(path);
  const report = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'));
  assert.equal(report.format, 'skydir.access-report/1');
  assert.match(JSON.stringify(report), /Robert/);

  // A user is not an admin: the console sends them back to their own pages.
  await page.goto('/admin/users');
  await page.waitForURL('**/portal/profile');
});

await journey('a user turns on two-step login from the profile', async (page) => {
  await logIn(page, 'acme', 'bob', 'a brand new passphrase');
  await page.getByRole('button', { name: 'Set up two-step login' }).click();
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]+=*$/);
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-step login' }).click();
  await page.locator('#code-error').waitFor();
});

await journey('a user asks for erasure', async (page) => {
  await logIn(page, 'acme', 'bob', 'a brand new passphrase');
  await page.getByLabel(/Ask for your account/).fill('I am leaving the company.');
  await page.getByRole('button', { name: 'Request erasure' }).click();
  await page.getByText('Your erasure request was received').waitFor();
});


// ---- The rest of the admin console -------------------------------------------------------

await journey('the admin registers systems and sees which are out of support', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/systems');
  await page.getByText('No systems registered yet.').waitFor();
  await page.getByLabel('Hostname').fill('old-laptop');
  await page.getByLabel('Operating system').selectOption('windows');
  await page.getByLabel('OS version').fill('7');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Hostname').fill('build-server');
  await page.getByLabel('Operating system').selectOption('linux');
  await page.getByLabel('OS version').fill('not a version!');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('#os_version-error').waitFor();
  const row = page.locator('#systems tr', { hasText: 'old-laptop' });
  await row.getByText('out of date').waitFor();
  await row.getByText('please update this system').waitFor();
});

await journey('the admin creates an LDAP service account and deletes it', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/ldap-accounts');
  await page.getByLabel('Name').fill('wiki');
  await page.getByLabel('What it is for').fill('The team wiki reads groups');
  await page.getByLabel('Password', { exact: true }).fill('a long service passphrase');
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.getByText('The account was created.').waitFor();
  await page.locator('#accounts').getByText('cn=wiki,ou=services,o=acme,dc=skydir').waitFor();
  await page.getByRole('button', { name: 'Delete wiki' }).click();
  await page.getByText('it can no longer bind').waitFor();
});

await journey('the admin reads the audit log and verifies its chain', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/audit');
  await page.locator('#audit').getByText('user.login').first().waitFor();
  await page.getByRole('link', { name: '← Older events' }).click();
  await page.getByRole('link', { name: 'Newest events →' }).waitFor();
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await page.locator('#verify-result').getByText('The chain is intact').waitFor();
});

await journey('the admin answers a data-subject request and asks to delete the org, then cancels', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/privacy');
  const row = page.locator('#requests tr', { hasText: 'I am leaving the company.' });
  await row.getByRole('button', { name: 'Extend' }).click();
  await page.getByRole('alert').waitFor(); // an extension needs its reason
  await row.getByLabel('Note or reason').fill('We must first check the legal hold on mailboxes.');
  await row.getByRole('button', { name: 'Extend' }).click();
  await page.getByText('The deadline was extended').waitFor();
  await page.getByRole('button', { name: 'Ask to delete acme' }).click();
  await page.getByText('another administrator must confirm it').waitFor();
  // The one who asked cannot confirm alone.
  await page.getByRole('button', { name: 'Confirm the deletion' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByRole('button', { name: 'Cancel it' }).click();
  await page.getByText('The deletion was cancelled.').waitFor();
});


await journey('the admin adds a resource, grants it to a group and revokes it', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/resources');
  await page.getByText('No resources yet.').waitFor();
  await page.getByLabel('Name').fill('wiki');
  await page.getByLabel('Kind').selectOption('sso_app');
  await page.getByLabel('Description').fill('The team wiki');
  await page.getByRole('button', { name: 'Add the resource' }).click();
  await page.getByText('Nobody is granted this yet.').waitFor();
  await page.getByLabel('To a').selectOption('group');
  await page.getByLabel('Username or group name').fill('engineering');
  await page.getByRole('button', { name: 'Grant' }).click();
  await page.locator('ul.grants').getByText('group engineering').waitFor();
  await page.getByLabel('To a').selectOption('user');
  await page.getByLabel('Username or group name').fill('nobody');
  await page.getByRole('button', { name: 'Grant' }).click();
  await page.getByRole('alert').getByText(/nobody/).waitFor();
  await page.getByRole('button', { name: 'Revoke wiki from group engineering' }).click();
  await page.getByText('Nobody is granted this yet.').waitFor();
});

await journey('someone without an account asks for their data and confirms from the mail', async (page) => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const outbox = `${process.env.SKYDIR_DATA_DIR}/outbox`;
  const before = new Set(readdirSync(outbox));
  await page.goto('/privacy');
  await page.getByRole('link', { name: 'the request form' }).click();
  await page.getByLabel("Your organization's id").fill('acme');
  await page.getByLabel('Your email address').fill('alice@acme.test');
  await page.getByLabel('What you ask for').selectOption('access');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.locator('#request-sent').waitFor();
  // The same answer for an address nobody has.
  await page.goto('/privacy/request');
  await page.getByLabel("Your organization's id").fill('acme');
  await page.getByLabel('Your email address').fill('stranger@elsewhere.test');
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.locator('#request-sent').waitFor();
  let mail;
  for (let i = 0; i < 50 && !mail; i++) {
    const fresh = readdirSync(outbox).filter((f) => !before.has(f)).map((f) => readFileSync(`${outbox}/${f}`, 'utf8'));
    mail = fresh.find((m) => /Confirm your access request/.test(m));
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(mail, 'the confirmation mail is in the outbox');
  const body = mail.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const link = body.match(/https:\/\/[^\s]+\/privacy\/request\/confirm\/skv_[A-Za-z0-9_-]+/)[0];
  await page.goto(new URL(link).pathname);
  await page.getByRole('button', { name: /confirm the request/ }).click();
  await page.locator('#request-confirmed').waitFor();
});


await journey('the admin mails a password-reset link and the user sets a new password with it', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  const before = await outboxNow();
  await page.goto('/admin/users/bob');
  await page.getByRole('button', { name: 'Send a password-reset link' }).click();
  await page.getByText('A password-reset link was mailed to the user.').waitFor();
  const mail = await mailMatching(/Set a new password for Acme Inc\./, before);
  const path = mail.match(/\/portal\/reset\/skd_[A-Za-z0-9_-]+/)[0];
  const bob = await person();
  try {
    await bob.page.goto(path);
    await bob.page.locator('#reset-account').getByText('bob').waitFor();
    await bob.page.getByLabel('New password', { exact: true }).fill('short');
    await bob.page.getByLabel('New password again').fill('short');
    await bob.page.getByRole('button', { name: 'Set the password' }).click();
    await bob.page.locator('#reset-error').waitFor();
    await bob.page.getByLabel('New password', { exact: true }).fill('bob reset his passphrase');
    await bob.page.getByLabel('New password again').fill('bob reset his passphrase');
    await bob.page.getByRole('button', { name: 'Set the password' }).click();
    await bob.page.getByText('Your new password is set.').waitFor();
    await logIn(bob.page, 'acme', 'bob', 'bob reset his passphrase');
    await bob.page.waitForURL('**/portal/profile');
    await bob.page.goto(path);
    await bob.page.getByRole('alert').getByText('expired or was already used').waitFor();
  } finally {
    await bob.context.close();
  }
});


await journey('a user who forgot their password asks for a link at the login page and sets a new one', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/users/new');
  await page.getByLabel('Username').fill('erin');
  await page.getByLabel('Email').fill('erin@acme.test');
  await page.getByLabel(/Set a password now/).check();
  await page.getByLabel(/Password \(only when/).fill('erin forgets this passphrase');
  await page.getByRole('button', { name: 'Add the user' }).click();
  await page.getByText('The user was added.').waitFor();
  const erin = await person();
  try {
    const p = erin.page;
    // An unknown account gets the very same answer, and no mail goes anywhere.
    let before = await outboxNow();
    await p.goto('/portal/login');
    await p.getByRole('link', { name: 'Forgot your password?' }).click();
    await p.getByLabel('Organization').fill('acme');
    await p.getByLabel('Username').fill('nobody-here');
    await p.getByRole('button', { name: 'Mail me a link' }).click();
    await p.locator('#forgot-sent').waitFor();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await outboxNow()).size, before.size, 'no mail for an unknown account');

    before = await outboxNow();
    await p.goto('/portal/forgot');
    await p.getByLabel('Organization').fill('acme');
    await p.getByLabel('Username').fill('erin');
    await p.getByRole('button', { name: 'Mail me a link' }).click();
    await p.locator('#forgot-sent').waitFor();
    const mail = await mailMatching(/asked at the login page/, before);
    assert.match(mail, /erin@acme\.test/);
    const path = mail.match(/\/portal\/reset\/skd_[A-Za-z0-9_-]+/)[0];
    await p.goto(path);
    await p.getByLabel('New password', { exact: true }).fill('erin remembers this one');
    await p.getByLabel('New password again').fill('erin remembers this one');
    await p.getByRole('button', { name: 'Set the password' }).click();
    await p.getByText('Your new password is set.').waitFor();
    await logIn(p, 'acme', 'erin', 'erin remembers this one');
    await p.waitForURL('**/portal/profile');
  } finally {
    await erin.context.close();
  }
});

await journey('the admin creates a personal API token, uses it over REST and revokes it', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name', { exact: true }).fill('backup script');
  await page.getByLabel('Expires after').selectOption('30');
  await page.getByRole('button', { name: 'Create the token' }).click();
  const token = (await page.locator('#new-token').textContent()).trim();
  const api = async () => (await page.request.get('/api/v1/orgs/acme/users?limit=1', { headers: { authorization: `Bearer ${token}` } })).status();
  assert.equal(await api(), 200);
  // The list shows when it was last used.
  await page.goto('/portal/tokens');
  assert.match(await page.locator('#tokens tr', { hasText: 'backup script' }).textContent(), /\d{4}-\d\d-\d\d \d\d:\d\d UTC.*\d{4}-\d\d-\d\d \d\d:\d\d UTC.*\d{4}-\d\d-\d\d/s);
  assert.doesNotMatch(await page.locator('#tokens tr', { hasText: 'backup script' }).textContent(), /not yet/);
  await page.locator('#tokens tr', { hasText: 'backup script' }).getByRole('button', { name: /Revoke backup script/ }).click();
  await page.waitForURL('**/portal/tokens');
  assert.equal(await page.locator('#tokens tr', { hasText: 'backup script' }).count(), 0);
  assert.equal(await api(), 401);
});


await journey('a user turns on two-step login, and logging in then asks for the code', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.goto('/admin/users/new');
  await page.getByLabel('Username').fill('dana');
  await page.getByLabel('Email').fill('dana@acme.test');
  await page.getByLabel(/Set a password now/).check();
  await page.getByLabel(/Password \(only when/).fill('dana has a long passphrase');
  await page.getByRole('button', { name: 'Add the user' }).click();
  await page.getByText('The user was added.').waitFor();
  const dana = await person();
  try {
    const p = dana.page;
    await logIn(p, 'acme', 'dana', 'dana has a long passphrase');
    await p.getByRole('button', { name: 'Set up two-step login' }).click();
    const secret = (await p.locator('#totp-secret').textContent()).trim();
    const step = Math.floor(Date.now() / 1000 / 30);
    await p.getByLabel('Code from the app').fill(await totp(secret, step));
    await p.getByRole('button', { name: 'Turn on two-step login' }).click();
    await p.getByText('Two-step login is on.').waitFor();
    await p.getByRole('button', { name: 'Log out' }).click();
    await logIn(p, 'acme', 'dana', 'dana has a long passphrase');
    await p.getByRole('alert').getByText('Enter the code from your authenticator app.').waitFor();
    await p.getByLabel('Password').fill('dana has a long passphrase');
    await p.getByLabel('Code from your authenticator app').fill(await totp(secret, step + 1));
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.waitForURL('**/portal/profile');
    await p.locator('#totp-state').getByText('On:').waitFor();
  } finally {
    await dana.context.close();
  }
});

await journey('a staff member turns on two-step login, and every staff sign-in then asks for the code', async (page) => {
  // The operator adds an agent, who signs in with the token once and sets a password.
  await tokenSignIn(page, OPERATOR);
  await page.getByRole('link', { name: 'Staff' }).click();
  await page.getByLabel('Handle').fill('ben');
  await page.getByRole('button', { name: 'Add the staff member' }).click();
  const benToken = (await page.locator('#new-token').textContent()).trim();
  const ben = await person();
  try {
    const p = ben.page;
    const BEN_PW = 'ben keeps a long console passphrase';
    await tokenSignIn(p, benToken);
    await p.waitForURL('**/desk');
    await p.goto('/staff/account');
    // No password yet: two-step login waits for one.
    await p.locator('#totp-blocked').getByText('Set a password first').waitFor();
    await p.getByLabel('New password', { exact: true }).fill(BEN_PW);
    await p.getByLabel('New password again').fill(BEN_PW);
    await p.getByRole('button', { name: 'Set my password' }).click();
    await p.getByText('Your password was set').waitFor();
    await p.getByRole('button', { name: 'Set up two-step login' }).click();
    const secret = (await p.locator('#totp-secret').textContent()).trim();
    const step = Math.floor(Date.now() / 1000 / 30);
    await p.getByLabel('Code from the app').fill('000000');
    await p.getByRole('button', { name: 'Turn on two-step login' }).click();
    await p.locator('#code-error').waitFor();
    await p.getByRole('button', { name: 'Set up two-step login' }).click();
    const again = (await p.locator('#totp-secret').textContent()).trim();
    assert.notEqual(again, secret, 'a new key each time');
    await p.getByLabel('Code from the app').fill(await totp(again, step));
    await p.getByRole('button', { name: 'Turn on two-step login' }).click();
    await p.getByText('Two-step login is on').waitFor();
    await p.getByRole('button', { name: 'Log out' }).click();

    // The password alone asks for the code; the code (and the password again) signs in.
    await staffLogIn(p, 'ben', BEN_PW);
    await p.getByRole('alert').getByText('Enter the code from your authenticator app.').waitFor();
    await p.getByLabel('Password').fill(BEN_PW);
    const code = await totp(again, step + 1);
    await p.getByLabel('Code from your authenticator app').fill(code);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.waitForURL('**/desk');
    await p.getByRole('button', { name: 'Log out' }).click();

    // The staff token alone no longer signs in either, and a used code is refused.
    await tokenSignIn(p, benToken);
    await p.getByRole('alert').getByText('Enter the code from your authenticator app.').waitFor();
    await p.getByLabel('Staff token').fill(benToken);
    await p.getByLabel('Code from your authenticator app').fill(code);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').getByText('wrong or was already used').waitFor();
    assert.ok(new URL(p.url()).pathname.endsWith('/staff/login'));
  } finally {
    await ben.context.close();
  }
});

// ---- Accessibility and polish --------------------------------------------------------------

await journey('on a phone, the console fits the screen and the keyboard reaches everything', async () => {
  const { context, page } = await person({ width: 375, height: 740 });
  try {
    await logIn(page, 'acme', 'alice', 'a long passphrase');
    await page.waitForURL('**/admin');
    for (const path of ['/admin', '/admin/users', '/admin/groups', '/admin/systems', '/admin/ldap-accounts', '/admin/privacy', '/admin/audit', '/admin/resources', '/portal/tokens', '/privacy/request', '/portal/tickets', '/portal/profile', '/portal/forgot', '/kb', '/privacy']) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} scrolls sideways by ${overflow}px on a phone`);
    }
    await page.goto('/admin/users/new');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    // Every field has a label.
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.name));
    assert.deepEqual(unlabeled, []);
    await page.screenshot({ path: `${ARTIFACTS}/${String(++shot).padStart(2, '0')}-phone-new-user.png`, fullPage: true });
  } finally {
    await context.close();
  }
});

await journey('logging out ends the session', async (page) => {
  await logIn(page, 'acme', 'alice', 'a long passphrase');
  await page.waitForURL('**/admin');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL('**/portal/login');
  await page.goto('/admin');
  await page.waitForURL('**/portal/login');
});

// ---- The operator's data-protection duties (self-contained: the operator only) -------------

await journey('the operator registers a breach, sees its 72-hour clock and sends the drafted notices', async (page) => {
  await tokenSignIn(page, OPERATOR);
  await page.waitForURL('**/operator/**');
  await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Breaches' }).click();
  await page.waitForURL('**/operator/breaches');
  await page.getByLabel('What happened').fill('A backup copy of the directory was readable from the internet for an hour');
  await page.getByLabel('contact details', { exact: true }).check();
  await page.getByLabel('About how many people').fill('10');
  await page.getByLabel('About how many records').fill('20');
  await page.getByLabel('Likely consequences').fill('Phishing using names and addresses');
  await page.getByLabel('Measures taken or proposed').fill('Access closed, logs reviewed');
  assert.ok((await page.getByLabel('Contact point (data protection officer)').inputValue()).includes('@'), 'the privacy contact is filled in');
  await page.getByRole('button', { name: 'Record the breach and draft its notices' }).click();
  await page.getByText('The breach is recorded and its notices are drafted').waitFor();
  await page.getByRole('heading', { name: 'Drafted notices' }).waitFor();
  assert.match(await page.locator('#clock').innerText(), /open\s+71 h \d+ min left|open\s+72 h 0 min left/);
  await page.getByRole('button', { name: /Send the drafted notices/ }).click();
  await page.getByText('The notices are on their way').waitFor();
  assert.match(await page.locator('#clock').innerText(), /notified within 72 h/);
  await page.getByRole('button', { name: 'Record that it was filed' }).click();
  await page.getByText('The filing with the supervisory authority is recorded.').waitFor();
  await page.getByRole('link', { name: '← Breaches' }).click();
  assert.match(await page.locator('#breaches').innerText(), /notified within 72 h/);
});

await journey('the operator confirms an example sub-processor and sees where the data is said to be processed', async (page) => {
  await tokenSignIn(page, OPERATOR);
  await page.waitForURL('**/operator/**');
  await page.getByRole('navigation', { name: 'Operator console' }).getByRole('link', { name: 'Data protection' }).click();
  await page.waitForURL('**/operator/privacy');
  assert.match(await page.locator('#location-state').innerText(), /not confirmed|stated/);
  await page.getByText('Edit Fivetran (example)').click();
  await page.getByRole('button', { name: 'Confirm Fivetran as listed' }).click();
  await page.getByText('The entry is confirmed and announced to subscribers.').waitFor();
  assert.match(await page.locator('#register').getByRole('row', { name: /Fivetran/ }).innerText(), /confirmed/);
  await page.goto('/privacy/subprocessors');
  const row = page.locator('#subprocessors').getByRole('row', { name: /Fivetran/ });
  assert.doesNotMatch(await row.innerText(), /example/);
  assert.match(await page.locator('#subprocessors').getByRole('row', { name: /Snowflake/ }).innerText(), /example — edit before going live/);
  const feed = await page.request.get('/privacy/subprocessors.rss');
  assert.match(await feed.text(), /New sub-processor: Fivetran/);
});

await browser.close();
const failed = results.filter((r) => !r.ok);
writeFileSync(`${ARTIFACTS}/results.json`, JSON.stringify(results, null, 2));
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${ARTIFACTS}`);
process.exit(failed.length ? 1 : 0);
