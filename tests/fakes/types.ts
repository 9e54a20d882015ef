/**
 * Types shared by the fake-server toolkit (`fake-http.ts` and its helpers) and every fake target.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A request as a fake's handler sees it. */
export interface FakeRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** URL path without the query string, trailing slash removed. */
  readonly path: string;
  /** Query parameters. */
  readonly query: URLSearchParams;
  /** Request headers (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  /** Parameters captured by the route pattern (`:id` → `params.id`). */
  params: Record<string, string>;
  /** The raw request body (UTF-8). */
  readonly rawBody: string;
  /** The parsed JSON body, or `undefined` when the body is empty or not JSON. */
  body: unknown;
}

/** What a handler answers; `body` is sent as-is when a string or Buffer, as JSON otherwise. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Helpers and context handed to every handler. */
export interface HandlerContext {
  /** JSON answer (`application/json; charset=utf-8`). */
  json(status: number, body: unknown, headers?: Record<string, string>): FakeResponse;
  /** HTML answer (`text/html; charset=utf-8`). */
  html(status: number, markup: string, headers?: Record<string, string>): FakeResponse;
  /** Plain-text answer (`text/plain; charset=utf-8`). */
  text(status: number, text: string, headers?: Record<string, string>): FakeResponse;
  /** The fake's error renderer (see `FakeServerOptions.renderError`). */
  error(status: number, message: string): FakeResponse;
}

/** A route handler. */
export type Handler = (req: FakeRequest, ctx: HandlerContext) => FakeResponse | Promise<FakeResponse>;

/** A hook run before routing; answering anything but `undefined` short-circuits the route. */
export type BeforeHook = (
  req: FakeRequest,
  ctx: HandlerContext,
) => FakeResponse | undefined | Promise<FakeResponse | undefined>;

/** Builds a JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

/** Builds an HTML response. */
export function html(status: number, markup: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body: markup };
}

/** Builds a plain-text response. */
export function text(status: number, body: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}
