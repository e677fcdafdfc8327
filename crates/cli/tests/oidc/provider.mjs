// Test OpenID provider for leerrecht's OIDC login tests.
//
// A real OpenID Connect provider (npm `oidc-provider`, panva) with a fake
// user store: any login name is accepted, no password. It is started by the
// Rust tests, never used in production.
//
// Install and run (what the tests do):
//   mkdir -p target/oidc-provider && cp crates/cli/tests/oidc/* target/oidc-provider/
//   (cd target/oidc-provider && npm ci --silent)
//   OIDC_PORT=... OIDC_CLIENTS='[...]' node target/oidc-provider/provider.mjs
//
// Environment:
//   OIDC_PORT     port to listen on, on 127.0.0.1 (required).
//                 The issuer is exactly http://127.0.0.1:${OIDC_PORT}.
//   OIDC_CLIENTS  JSON array of confidential clients (client_secret_basic,
//                 authorization code + PKCE S256 only), e.g.
//                 [{"client_id":"leerrecht","client_secret":"geheim",
//                   "redirect_uris":["http://127.0.0.1:8080/inloggen/oidc/terug"],
//                   "post_logout_redirect_uris":["http://127.0.0.1:8080/inloggen"]}]
//
// Output: one line `LISTENING http://127.0.0.1:PORT` on stdout when ready;
// everything else (including oidc-provider's notices) goes to stderr.
//
// Pages (element ids for browser-driven tests):
//   GET /interaction/:uid   login form: text input id/name "login" (any name;
//                           without '@' the email becomes NAME@example.nl),
//                           checkbox id/name "sterk" value "1" (strong second
//                           factor: amr ["pwd","otp"], acr urn:leerrecht:test:mfa;
//                           otherwise amr ["pwd"], acr urn:leerrecht:test:pwd),
//                           submit button id "inloggen". Consent is automatic.
//   logout confirmation     (end_session_endpoint) submit button id "uitloggen";
//                           it redirects to post_logout_redirect_uri. Without a
//                           provider session there is no page: it posts itself.
// The redirect to redirect_uri carries code, state and iss (RFC 9207).
//
// Sabotage modes for negative tests: POST /__test/modus with a plain-text body
// (answer 204), GET /__test/modus shows the current one. A mode stays until
// changed.
//   normaal   nothing special (default)
//   aud       the token response's id_token gets aud "iemand-anders",
//             re-signed with the provider's own key (valid signature)
//   sleutel   the id_token is re-signed with a key (kid "onbekend-1") that
//             is not in the provider's JWKS
//   verlopen  authorization codes live 1 s and the token endpoint waits 2.5 s,
//             so the exchange fails with 400 {"error":"invalid_grant",...}.
//             The lifetime is fixed when the code is issued: switch to this
//             mode before the login, not between login and code exchange.
//   vasthouden the authorization response (the redirect to redirect_uri with
//             code and state) is held back: the browser gets a page with id
//             "vastgehouden" instead, so that the test can bring the response
//             to the client itself (twice, or from another browser).
// GET /__test/laatste returns the last authorization response's URL.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

// Keep stdout for the LISTENING line: oidc-provider prints notices with console.info.
console.log = console.info = console.error;

const port = Number(process.env.OIDC_PORT);
if (!port) throw new Error('OIDC_PORT is required');
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]').map((c) => ({
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  ...c,
}));

const ACR_PWD = 'urn:leerrecht:test:pwd';
const ACR_MFA = 'urn:leerrecht:test:mfa';
const MODES = ['normaal', 'aud', 'sleutel', 'verlopen', 'vasthouden'];
let mode = 'normaal';

// The provider's signing key, and a foreign one for the `sleutel` mode.
const signing = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'fixture-1', alg: 'RS256', use: 'sig' };
const foreign = await jose.generateKeyPair('RS256');

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] }, // not `secure`: plain http
  scopes: ['openid', 'email'],
  // acr/amr/auth_time under the openid scope: otherwise oidc-provider puts them
  // in the ID token only when the client asks (acr_values, claims, max_age).
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
  acrValues: [ACR_PWD, ACR_MFA],
  conformIdTokenClaims: false, // put email in the ID token, not only in userinfo
  pkce: { required: () => true }, // v9 supports S256 only
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource },
  },
  ttl: {
    AuthorizationCode: () => (mode === 'verlopen' ? 1 : 60),
    // Set explicitly only to avoid "you SHOULD change it" notices.
    AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600,
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      claims: () => ({ sub, email: sub.includes('@') ? sub : `${sub}@example.nl`, email_verified: true }),
    };
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>Error</title><pre id="fout">${escape(JSON.stringify(out, null, 2))}</pre>`;
  },
});

// Log why requests fail (e.g. "authorization code is expired") to stderr.
for (const event of ['authorization.error', 'grant.error', 'end_session.error', 'end_session_confirm.error', 'server_error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err.message} ${err.error_detail ?? ''}`));
}

// Logout confirmation page; `form` is oidc-provider's hidden form (id op.logoutForm).
async function logoutSource(ctx, form) {
  ctx.body = `<!DOCTYPE html><title>Sign out</title>
    <h1>Sign out from the test provider?</h1>
    ${form}
    <button id="uitloggen" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
    <button id="blijven" type="submit" form="op.logoutForm">Stay signed in</button>`;
}

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// The last authorization response, held back from the browser in `vasthouden` mode.
let laatste = '';
provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/laatste') {
    ctx.type = 'text';
    ctx.body = laatste;
    return;
  }
  await next();
  const loc = ctx.response.get('location');
  const terug = loc && clients.some((c) => (c.redirect_uris ?? []).some((u) => loc.startsWith(`${u}?`)));
  if (!terug) return;
  laatste = loc;
  if (mode === 'vasthouden') {
    ctx.remove('location');
    ctx.status = 200;
    ctx.type = 'html';
    ctx.body = '<!DOCTYPE html><title>Held</title><p id="vastgehouden">Authorization response held back</p>';
  }
});

// Test mode switch and the interaction pages (login form, automatic consent).
provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/modus') {
    if (ctx.method === 'GET') {
      ctx.type = 'text';
      ctx.body = mode;
    } else if (ctx.method === 'POST') {
      const wanted = (await readBody(ctx.req)).trim();
      if (!MODES.includes(wanted)) ctx.throw(400, `unknown mode ${wanted}`);
      mode = wanted;
      console.error(`test mode: ${mode}`);
      ctx.status = 204;
    } else {
      ctx.throw(405);
    }
    return;
  }

  const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
  if (!m) return next();
  const { req, res } = ctx;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== m[1]) ctx.throw(400, 'interaction mismatch');
  const { prompt, params, session } = details;

  if (ctx.method === 'POST' && m[2] && prompt.name === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const login = (form.get('login') ?? '').trim();
    if (!login) ctx.throw(400, 'login is required');
    const sterk = form.get('sterk') === '1';
    ctx.respond = false; // interactionFinished writes the 303 itself
    return provider.interactionFinished(req, res, {
      login: { accountId: login, amr: sterk ? ['pwd', 'otp'] : ['pwd'], acr: sterk ? ACR_MFA : ACR_PWD },
    }, { mergeWithLastSubmission: false });
  }

  if (ctx.method === 'GET' && !m[2] && prompt.name === 'login') {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>Sign in</title>
      <h1>Test provider: sign in to ${escape(params.client_id)}</h1>
      <form method="post" action="/interaction/${escape(details.uid)}/login">
        <label for="login">User</label> <input type="text" id="login" name="login" autofocus>
        <label><input type="checkbox" id="sterk" name="sterk" value="1"> strong second factor</label>
        <button type="submit" id="inloggen">Sign in</button>
      </form>`;
    return;
  }

  if (ctx.method === 'GET' && !m[2] && prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    grant.addOIDCScope(['openid', 'email', ...(prompt.details.missingOIDCScope ?? [])].join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    ctx.respond = false;
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  ctx.throw(400, `unexpected ${ctx.method} for prompt ${prompt.name}`);
});

// Token endpoint sabotage (see the header).
const tokenPath = new URL(`${issuer}${provider.pathFor('token')}`).pathname;
provider.use(async (ctx, next) => {
  if (ctx.path !== tokenPath) return next();
  if (mode === 'verlopen') await new Promise((r) => setTimeout(r, 2500));
  await next();
  const idToken = ctx.status === 200 ? ctx.body?.id_token : undefined;
  if (!idToken || (mode !== 'aud' && mode !== 'sleutel')) return;
  const header = jose.decodeProtectedHeader(idToken);
  const claims = jose.decodeJwt(idToken);
  if (mode === 'aud') {
    ctx.body.id_token = await new jose.SignJWT({ ...claims, aud: 'iemand-anders' })
      .setProtectedHeader(header).sign(signing.privateKey);
  } else {
    ctx.body.id_token = await new jose.SignJWT(claims)
      .setProtectedHeader({ ...header, kid: 'onbekend-1' }).sign(foreign.privateKey);
  }
});

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${issuer}\n`);
});
