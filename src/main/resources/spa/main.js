// The page: signing in, the list with its filters and pages, editing, live updates.
// api.js speaks HTTP, live.js keeps the stream open; this file only keeps state and the DOM.
// User text always goes in through textContent or value, never innerHTML.

import * as api from './api.js';
import { LiveUpdates } from './live.js';

const $ = (id) => document.getElementById(id);

// What the page knows. Every change, from this tab's own writes or from the stream, goes
// through applyChange: by id, keeping the highest version, and a deletion ends an id for
// good. So a change that arrives twice (our own write, then its event) or late (a list
// answer older than an event) never goes backwards.
const state = {
  tasks: new Map(), // id -> the task at its highest version seen
  gone: new Set(), // ids deleted
  order: [], // ids shown, in the list's order (newest first), across the pages loaded
  next: null, // URL of the next page, from the Link header
  editing: null, // {id, etag} of the task in the edit dialog
};
const rows = new Map(); // id -> its <li>, reused so that focus and clicks survive updates
let listGeneration = 0; // only the latest list request may fill the list

const live = new LiveUpdates({
  onChange: applyChange,
  onStatus: showLiveStatus,
  // The stream opened without a resume point (the first time, or after a resume point was
  // refused): what changed before it opened is not in it, so read the list again.
  onResync: () => reload(),
});

api.whenUnauthorized(() => {
  signedOut();
  showProblem({ title: 'Signed out.', detail: 'Your session has ended: sign in again.' });
});

// --- Signing in ---

async function start() {
  wireEvents();
  if (!api.session.token) {
    // A new tab, or back after a while: the refresh cookie may still hold a session
    const user = await api.refresh();
    if (user) signedIn(user);
    else signedOut();
    return;
  }
  try {
    signedIn(await api.me());
  } catch (error) {
    signedOut();
    if (!(error instanceof api.ApiError && error.status === 401)) showProblem(error);
  }
}

function signedIn(user) {
  $('auth').hidden = true;
  $('tasks').hidden = false;
  $('sign-out').hidden = false;
  $('account').hidden = false;
  $('live-status').hidden = false;
  $('who').textContent = user.email || user.name || user.id;
  clearProblem();
  reload();
  live.start();
  $('new-title').focus();
}

function signedOut() {
  api.session.token = null;
  api.session.refreshable = false;
  live.stop();
  state.tasks.clear();
  state.gone.clear();
  state.order = [];
  state.next = null;
  render();
  $('auth').hidden = false;
  $('tasks').hidden = true;
  $('sign-out').hidden = true;
  $('account').hidden = true;
  $('account').open = false;
  $('live-status').hidden = true;
  $('who').textContent = '';
  if ($('edit').open) $('edit').close();
}

async function signIn(event) {
  event.preventDefault();
  await attempt(async () => signedIn((await api.signIn($('email').value, $('password').value)).user));
}

async function signUp() {
  await attempt(async () =>
    signedIn((await api.signUp($('email').value, $('password').value, $('name').value)).user));
}

async function signOut() {
  await attempt(async () => {
    live.stop();
    await api.signOut();
  });
  signedOut();
}

async function signOutEverywhere() {
  await attempt(async () => {
    live.stop();
    await api.signOutEverywhere();
    signedOut();
    showProblem({ title: 'Signed out everywhere.', detail: 'Every device must sign in again.' });
  });
}

/** A download of GET /api/me/export: fetched with the token, saved through an object URL. */
async function exportTasks() {
  await attempt(async () => {
    const { blob, filename } = await api.exportTasks();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  });
}

async function deleteAccount() {
  if (!window.confirm('Delete your account and all of its tasks, for good? This cannot be undone.')) return;
  await attempt(async () => {
    live.stop();
    await api.deleteAccount();
    signedOut();
    showProblem({ title: 'Your account was deleted.', detail: 'Its tasks are gone.' });
  });
}

async function useToken(event) {
  event.preventDefault();
  await attempt(async () => signedIn(await api.useToken($('token').value.trim())));
}

// --- The list ---

function filters() {
  return {
    status: $('status').value === 'all' ? '' : $('status').value,
    priority: $('priority').value,
    tag: $('tag').value.trim(),
    q: $('q').value.trim(),
  };
}

/** The first page again, for the current filters. */
async function reload() {
  const generation = ++listGeneration;
  try {
    const page = await api.listTasks(filters());
    if (generation !== listGeneration) return; // the filters changed meanwhile
    state.order = [];
    addPage(page);
  } catch (error) {
    if (generation === listGeneration) showProblem(error);
  }
}

async function loadMore() {
  const generation = listGeneration;
  await attempt(async () => {
    const page = await api.listPage(state.next);
    if (generation === listGeneration) addPage(page);
  });
}

function addPage({ tasks, next }) {
  for (const task of tasks) {
    if (state.gone.has(task.id)) continue;
    keep(task);
    if (!state.order.includes(task.id)) state.order.push(task.id);
  }
  state.next = next;
  render();
}

/** Keeps the task unless a later version is already known; answers whether it was kept. */
function keep(task) {
  const known = state.tasks.get(task.id);
  if (known && known.version >= task.version) return false;
  state.tasks.set(task.id, task);
  return true;
}

/** A change from the stream or from this tab's own write: kind is task.created/updated/deleted. */
function applyChange(kind, data) {
  if (data.deleted) {
    state.gone.add(data.id);
    state.tasks.delete(data.id);
    state.order = state.order.filter((id) => id !== data.id);
  } else if (!state.gone.has(data.id) && keep(data)) {
    const shown = state.order.includes(data.id);
    if (shown && !matches(data)) {
      state.order = state.order.filter((id) => id !== data.id); // it left the filter
    } else if (!shown && matches(data)) {
      insertByCreation(data);
    }
  }
  render();
}

/**
 * The list is newest first: a task that enters it goes where its created_at puts it, unless
 * it belongs to a page not loaded yet (it will come with that page).
 */
function insertByCreation(task) {
  const created = Date.parse(task.created_at);
  const at = state.order.findIndex((id) => Date.parse(state.tasks.get(id).created_at) < created);
  if (at >= 0) state.order.splice(at, 0, task.id);
  else if (!state.next) state.order.push(task.id);
}

/**
 * Whether a task belongs in the list of the current filters, for changes that arrive live.
 * The search is an approximation of the API's (each word a prefix of a word, ignoring case
 * and accents); the next reload shows the API's own answer.
 */
function matches(task) {
  const { status, priority, tag, q } = filters();
  if (status === 'pending' && task.completed) return false;
  if (status === 'completed' && !task.completed) return false;
  if (priority && task.priority !== priority) return false;
  if (tag && !task.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) return false;
  if (q) {
    const words = fold(`${task.title} ${task.description ?? ''}`).split(/[^\p{L}\p{N}]+/u);
    return fold(q).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
      .every((part) => words.some((word) => word.startsWith(part)));
  }
  return true;
}

function fold(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function render() {
  const list = $('list');
  let cursor = list.firstChild;
  for (const id of state.order) {
    const row = rows.get(id) ?? createRow(id);
    fillRow(row, state.tasks.get(id));
    if (row === cursor) cursor = cursor.nextSibling;
    else list.insertBefore(row, cursor);
  }
  for (const [id, row] of rows) {
    if (!state.order.includes(id)) {
      row.remove();
      rows.delete(id);
    }
  }
  $('empty').hidden = state.order.length > 0;
  $('more').hidden = !state.next;
}

function createRow(id) {
  const row = document.createElement('li');
  row.className = 'task';
  row.dataset.id = id;
  rows.set(id, row);
  return row;
}

function fillRow(row, task) {
  if (row.dataset.version === String(task.version)) return;
  row.dataset.version = task.version;
  row.dataset.title = task.title; // for the browser tests' selectors
  row.classList.toggle('done', task.completed);

  const done = document.createElement('input');
  done.type = 'checkbox';
  done.className = 'toggle';
  done.checked = task.completed;
  done.setAttribute('aria-label', `Done: ${task.title}`);
  done.addEventListener('change', () => toggle(task.id, done));

  const text = element('div', 'text');
  text.append(element('span', 'title', task.title));
  if (task.description) text.append(element('p', 'description', task.description));
  const meta = element('div', 'meta');
  meta.append(element('span', `badge priority-${task.priority}`, task.priority));
  if (task.due_date) {
    const due = task.due_date.slice(0, 10);
    const overdue = !task.completed && new Date(task.due_date) < new Date();
    meta.append(element('span', overdue ? 'badge due overdue' : 'badge due', `due ${due}`));
  }
  for (const tag of task.tags) meta.append(element('span', 'badge tag', `#${tag}`));
  text.append(meta);

  const edit = element('button', 'edit secondary', 'Edit');
  edit.type = 'button';
  edit.addEventListener('click', () => openEditor(task.id));
  const remove = element('button', 'delete quiet', 'Delete');
  remove.type = 'button';
  remove.addEventListener('click', () => attempt(async () => {
    await api.deleteTask(task.id);
    applyChange('task.deleted', { id: task.id, deleted: true });
  }));
  row.replaceChildren(done, text, edit, remove);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- Writing ---

async function addTask(event) {
  event.preventDefault();
  const fields = { title: $('new-title').value, priority: $('new-priority').value, tags: tags($('new-tags').value) };
  if ($('new-due').value) fields.due_date = $('new-due').value;
  await attempt(async () => {
    applyChange('task.created', await api.createTask(fields));
    $('new-task').reset();
    $('new-title').focus();
  });
}

async function toggle(id, checkbox) {
  checkbox.disabled = true;
  try {
    applyChange('task.updated', await api.setCompleted(id, checkbox.checked));
  } catch (error) {
    checkbox.checked = !checkbox.checked;
    showProblem(error);
  } finally {
    checkbox.disabled = false;
  }
}

async function clearCompleted() {
  await attempt(async () => {
    await api.clearCompleted();
    for (const task of [...state.tasks.values()]) {
      if (task.completed) applyChange('task.deleted', { id: task.id, deleted: true });
    }
  });
}

function tags(text) {
  return text.split(',').map((tag) => tag.trim()).filter(Boolean);
}

// --- Editing with If-Match ---

async function openEditor(id) {
  await attempt(async () => {
    fillEditor(await api.getTask(id));
    $('edit').showModal();
    $('edit-title').focus();
  });
}

/** The form shows the task as it is at `etag`; a save is written only if it still is. */
function fillEditor({ task, etag }) {
  state.editing = { id: task.id, etag };
  $('edit-title').value = task.title;
  $('edit-description').value = task.description ?? '';
  $('edit-priority').value = task.priority;
  $('edit-due').value = task.due_date ? task.due_date.slice(0, 10) : '';
  $('edit-tags').value = task.tags.join(', ');
  $('conflict').hidden = true;
  clearProblem();
}

async function saveEdit(event) {
  event.preventDefault();
  const { id, etag } = state.editing;
  const changes = {
    title: $('edit-title').value,
    description: $('edit-description').value || null, // null removes it (JSON Merge Patch)
    priority: $('edit-priority').value,
    due_date: $('edit-due').value || null,
    tags: tags($('edit-tags').value),
  };
  try {
    const saved = await api.updateTask(id, changes, etag);
    applyChange('task.updated', saved.task);
    $('edit').close();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 412) {
      $('conflict').hidden = false; // someone else's version won: nothing was written
    } else {
      showProblem(error);
    }
  }
}

async function reloadEditedTask() {
  await attempt(async () => {
    const current = await api.getTask(state.editing.id);
    applyChange('task.updated', current.task);
    fillEditor(current);
  });
}

// --- Problems and status ---

/** Runs a call and shows its failure, if any, as the problem banner. */
async function attempt(call) {
  try {
    await call();
  } catch (error) {
    showProblem(error);
  }
}

function showProblem(error) {
  const problem = error instanceof api.ApiError ? error.problem
    : error instanceof TypeError ? { title: 'The API cannot be reached.', detail: 'Check the connection and try again.' }
      : error;
  // In the edit dialog (the top layer) when it is open, so that it is seen
  const banner = $('edit').open ? $('edit-problem') : $('problem');
  banner.querySelector('.problem-title').textContent = problem.title ?? 'Something went wrong.';
  banner.querySelector('.problem-detail').textContent = problem.detail ?? error.message ?? '';
  const errors = banner.querySelector('.problem-errors');
  errors.replaceChildren(...(problem.errors ?? []).map((e) => element('li', '', `${e.field}: ${e.message}`)));
  banner.hidden = false;
}

function clearProblem() {
  $('problem').hidden = true;
  $('edit-problem').hidden = true;
}

function showLiveStatus(status) {
  const badge = $('live-status');
  badge.dataset.status = status;
  badge.textContent = { live: 'live', connecting: 'connecting…', offline: 'offline', stopped: 'off' }[status];
  badge.title = status === 'live' ? 'Changes made elsewhere show here at once' : 'Reconnecting to live updates';
}

function debounce(call, millis) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(call, millis);
  };
}

function wireEvents() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-up').addEventListener('click', signUp);
  $('token-form').addEventListener('submit', useToken);
  $('sign-out').addEventListener('click', signOut);
  $('export').addEventListener('click', exportTasks);
  $('sign-out-everywhere').addEventListener('click', signOutEverywhere);
  $('delete-account').addEventListener('click', deleteAccount);
  $('new-task').addEventListener('submit', addTask);
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  const typed = debounce(reload, 250);
  $('q').addEventListener('input', typed);
  $('tag').addEventListener('input', typed);
  $('status').addEventListener('change', reload);
  $('priority').addEventListener('change', reload);
  $('clear-completed').addEventListener('click', clearCompleted);
  $('more').addEventListener('click', loadMore);
  $('edit-form').addEventListener('submit', saveEdit);
  $('edit-cancel').addEventListener('click', () => $('edit').close());
  $('reload-task').addEventListener('click', reloadEditedTask);
  for (const banner of document.querySelectorAll('.problem')) {
    banner.querySelector('.problem-close').addEventListener('click', () => { banner.hidden = true; });
  }
}

start();
