// The Todo API from a browser: tokens, problem details, ETags and paging.
// Nothing here touches the page; main.js does. Copy this file as a starting point.

// Where the API is. Served by the API itself, the reference app calls its own origin. From a
// SPA on another origin, set the API's base here (for example 'https://api.example.com/api/')
// and list that SPA's origin in the API's CORS_ALLOWED_ORIGINS.
export const API_BASE = new URL('/api/', document.baseURI);

// Two credentials, kept apart:
// - The access token (an hour) lives in sessionStorage, not localStorage and not a cookie: it
//   survives a reload of this tab, is not shared with other tabs, and goes in Authorization,
//   which needs no CSRF protection. Any script on the page can read it (as with memory or
//   localStorage), which is why the page loads no third-party script and its
//   Content-Security-Policy allows scripts from its own origin only.
// - With the built-in accounts, the session itself is the refresh cookie that sign-in sets
//   (HttpOnly: no script, ours included, can read it; SameSite=Strict; only sent to
//   /api/auth/). When the access token expires, refresh() trades the cookie for a new token
//   and a new cookie, and the request is sent again: the user stays signed in for as long as
//   the session lasts (30 days unused by default), across reloads and new tabs.
const TOKEN_KEY = 'todo.token';
const REFRESHABLE_KEY = 'todo.refreshable'; // signed in with the built-in accounts

// The refresh cookie reaches the API when the page is same-site with it: served by the API
// (as here), or by the same site through a proxy. From a page on another origin, set this to
// 'include' and list that page's exact origin (no pattern) in the API's CORS_ALLOWED_ORIGINS.
const CREDENTIALS = 'same-origin';

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  get refreshable() {
    return sessionStorage.getItem(REFRESHABLE_KEY) === 'true';
  },
  set refreshable(value) {
    if (value) sessionStorage.setItem(REFRESHABLE_KEY, 'true');
    else sessionStorage.removeItem(REFRESHABLE_KEY);
  },
};

/** A non-2xx answer: the API's RFC 9457 problem details, and the status. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem; // {type, title, status, detail, instance, errors?, parameter?, header?}
  }
}

// Called when the API answers 401 to a request that carried a token (it expired, or the API
// no longer accepts it) and no refresh could replace it. main.js sends the user back to the
// sign-in form.
let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

/**
 * One request. `path` is relative to API_BASE ('tasks?status=pending') or an absolute URL
 * (a Link from an earlier answer, already resolved). Answers the Response when it is 2xx or
 * 304; throws ApiError otherwise, and a TypeError when the network fails.
 */
export async function request(path, options = {}) {
  const { method = 'GET', body, headers = {}, contentType = 'application/json', token = session.token } = options;
  const url = new URL(path, API_BASE);
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: CREDENTIALS };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType;
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.ok || response.status === 304) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && token && token === session.token) {
    // Expired: once, with the token a refresh brings (the refused request changed nothing)
    if (session.refreshable && !options.retried && await refresh()) {
      return request(path, { ...options, token: session.token, retried: true });
    }
    if (token === session.token) onUnauthorized(problem);
  }
  throw new ApiError(response.status, problem);
}

async function readProblem(response) {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      return await response.json();
    } catch {
      // fall through: a body that is not JSON after all
    }
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

// --- Accounts (the API's built-in identity provider) ---

/** Answers {token, user}; the token is kept for the next requests, the cookie by the browser. */
export async function signUp(email, password, name) {
  return started(await request('auth/sign-up', { method: 'POST', body: { email, password, name } }));
}

export async function signIn(email, password) {
  return started(await request('auth/sign-in', { method: 'POST', body: { email, password } }));
}

async function started(response) {
  const answer = await response.json();
  session.token = answer.token;
  session.refreshable = true;
  return answer;
}

/** A token from elsewhere (Better Auth's jwt() plugin): kept once the API says whose it is. */
export async function useToken(token) {
  const user = await (await request('me', { token })).json();
  session.token = token;
  session.refreshable = false;
  return user;
}

/**
 * A POST to a route of the refresh cookie: it needs X-Requested-With, which a page of another
 * site cannot send, and no Authorization (an expired token there would be a 401 of its own).
 */
function cookieRoute(path) {
  return fetch(new URL(path, API_BASE), {
    method: 'POST',
    headers: { Accept: 'application/json', 'X-Requested-With': 'fetch' },
    credentials: CREDENTIALS,
  });
}

let refreshing = null; // one refresh at a time in this tab

/**
 * Trades the refresh cookie for a new access token (and a new cookie); answers the user, or
 * null when there is no session to refresh. Tabs take turns (Web Locks): the API ends a
 * session whose used-up refresh token comes back, and two tabs refreshing with one cookie at
 * once would look like that. After its turn, a tab sends the cookie the other left.
 */
export function refresh() {
  refreshing ??= (async () => {
    const call = async () => {
      const response = await cookieRoute('auth/refresh');
      if (!response.ok) return null;
      const answer = await response.json();
      session.token = answer.token;
      session.refreshable = true;
      return answer.user;
    };
    try {
      return await (navigator.locks ? navigator.locks.request('todo.refresh', call) : call());
    } catch {
      return null; // the network: the next request tries again
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Ends this browser's session (the API clears the cookie), then forgets the token. */
export async function signOut() {
  try {
    if (session.refreshable) await cookieRoute('auth/sign-out');
  } finally {
    session.token = null;
    session.refreshable = false;
  }
}

/** Every token of the user, on every device, is refused from now on; this one too. */
export async function signOutEverywhere() {
  await request('me/sign-out-everywhere', { method: 'POST' });
  await signOut();
}

/** Deletes the account and everything in it, for good. */
export async function deleteAccount() {
  await request('me', { method: 'DELETE' });
  await signOut();
}

/**
 * Changes the password: every other session and token of the user ends; this tab gets the
 * new session's token (and the browser its cookie).
 */
export async function changePassword(currentPassword, newPassword) {
  return started(await request('me/password', {
    method: 'POST',
    body: { current_password: currentPassword, new_password: newPassword },
  }));
}

/** Every task, as the NDJSON file of GET /api/me/export: {blob, filename}. */
export async function exportTasks() {
  const response = await request('me/export', { headers: { Accept: 'application/x-ndjson' } });
  const filename = response.headers.get('Content-Disposition')?.match(/filename="([^"]+)"/)?.[1]
    ?? 'todo-export.ndjson';
  return { blob: await response.blob(), filename };
}

export async function me() {
  return (await request('me')).json();
}

// --- Tasks ---

/**
 * A page of tasks. `filters` holds status, priority, tag and q; `next` is the URL of the
 * following page, or null. The Link header is path-relative: resolve it against the
 * response's own URL, never the page's, so that it also works when the API is on another
 * origin.
 */
export async function listTasks(filters, limit = 20) {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of Object.entries(filters)) {
    if (value) query.append(name, value);
  }
  return listPage(`tasks?${query}`);
}

export async function listPage(url) {
  const response = await request(url);
  const link = response.headers.get('Link')?.match(/<([^>]+)>\s*;\s*rel="next"/);
  return { tasks: await response.json(), next: link ? new URL(link[1], response.url).href : null };
}

/** A task and its ETag ("<version>"), the precondition of an edit. */
export async function getTask(id) {
  const response = await request(`tasks/${id}`);
  return { task: await response.json(), etag: response.headers.get('ETag') };
}

/** The Idempotency-Key makes a retried create (a flaky network, a double click) create one task. */
export async function createTask(fields, idempotencyKey = crypto.randomUUID()) {
  const response = await request('tasks', {
    method: 'POST',
    body: fields,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  return response.json();
}

/**
 * A JSON Merge Patch, written only if the task is still at the version of `etag`:
 * otherwise the API writes nothing and answers 412 (an ApiError with status 412).
 */
export async function updateTask(id, changes, etag) {
  const response = await request(`tasks/${id}`, {
    method: 'PATCH',
    body: changes,
    contentType: 'application/merge-patch+json',
    headers: { 'If-Match': etag },
  });
  return { task: await response.json(), etag: response.headers.get('ETag') };
}

/** Sets the completion (no If-Match: ticking a box means "done", whatever changed since). */
export async function setCompleted(id, completed) {
  return (await request(`tasks/${id}/complete`, { method: 'PATCH', body: { completed } })).json();
}

export async function deleteTask(id) {
  try {
    await request(`tasks/${id}`, { method: 'DELETE' });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error; // already gone: fine
  }
}

/** The bulk route: every completed task of the user, in one statement. Answers the count. */
export async function clearCompleted() {
  return (await (await request('tasks?status=completed', { method: 'DELETE' })).json()).deleted;
}

/** A one-time ticket for GET /api/events: EventSource cannot send an Authorization header. */
export async function eventTicket() {
  return (await (await request('events/ticket', { method: 'POST' })).json()).ticket;
}
