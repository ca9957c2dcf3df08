// Live updates: GET /api/events as Server-Sent Events, through a one-time ticket.
//
// EventSource sends no Authorization header, so each connection first trades the token for a
// ticket (POST /api/events/ticket, good for one stream within 30 s). EventSource's own
// reconnection would reuse the URL, and so a spent ticket (a 401): this class closes the
// EventSource on any error and opens a new one with a fresh ticket. A new EventSource does
// not send Last-Event-ID, so the last event's id goes in the URL instead, as updated_since:
// the stream then starts with every change made since, and nothing is lost to the gap.

import { API_BASE, ApiError, eventTicket } from './api.js';

const KINDS = ['task.created', 'task.updated', 'task.deleted'];

export class LiveUpdates {
  /**
   * @param onChange called with (kind, data): a task, or a tombstone {id, deleted, updated_at}
   * @param onStatus called with 'connecting', 'live', 'offline' or 'stopped'
   * @param onResync called when the stream opened with no resume point, so that changes made
   *   while it was down may be missing: reload what is shown
   */
  constructor({ onChange, onStatus = () => {}, onResync = () => {} }) {
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.onResync = onResync;
    this.source = null;
    this.lastEventId = null; // a Sync-Token: where to resume
    this.retryDelay = 1000;
    this.timer = null;
    this.stopped = true;
    this.generation = 0; // a connect() of an earlier start gives up when this changes
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
    this.lastEventId = null;
    this.onStatus('stopped');
  }

  async connect() {
    const generation = this.generation;
    this.onStatus('connecting');
    let ticket;
    try {
      ticket = await eventTicket();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.stop(); // the token expired: api.js has already sent the user to sign in
        return;
      }
      this.retryLater();
      return;
    }
    if (this.stopped || generation !== this.generation) return; // signed out meanwhile
    const url = new URL('events', API_BASE);
    url.searchParams.set('ticket', ticket);
    const resumed = this.lastEventId !== null;
    if (resumed) url.searchParams.set('updated_since', this.lastEventId);
    const source = new EventSource(url);
    this.source = source;
    let opened = false;
    source.onopen = () => {
      opened = true;
      this.retryDelay = 1000;
      this.onStatus('live');
      if (!resumed) this.onResync();
    };
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        this.lastEventId = event.lastEventId || this.lastEventId;
        this.onChange(kind, JSON.parse(event.data));
      });
    }
    source.onerror = () => {
      // The network dropped, the instance stopped, or the token behind the ticket expired:
      // start again with a new ticket (a 401 there means the user must sign in again).
      if (this.source !== source) return;
      source.close();
      this.source = null;
      // Refused before it opened, with a resume point: it may be too old (410) or unknown
      // (400), which EventSource cannot tell apart from a network error. Resume from nothing
      // next time; onResync reloads the list instead.
      if (!opened && resumed) this.lastEventId = null;
      if (!this.stopped) this.retryLater();
    };
  }

  retryLater() {
    this.onStatus('offline');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 30000);
  }
}
