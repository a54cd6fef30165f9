import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { z } from 'zod';
import type { Actor } from '../src/audit/actor.js';
import { AppError } from '../src/http/errors.js';
import { runOnce } from '../src/http/run-once.js';
import { actorOf } from './actor.js';
import { Components } from './component-loader.js';

/*
 * Server side of the ActionForm component: parse the form with the REST route's zod schema, then
 * preview or run one service function. Refusals come back as a notice plus a message per field
 * (the form keeps its input); a confirm runs once per form token.
 */

export type Payload = Record<string, string | undefined>;

/** What the ActionForm component draws (its own copy of these types lives beside it). */
export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select' | 'date' | 'checkbox';
  options?: { value: string; label: string }[];
  help?: string;
  initial?: string;
  fromRecord?: string;
}

export interface FormSpec {
  fields: Field[];
  intro?: string;
  submit: string;
  preview?: boolean;
  tone?: 'primary' | 'danger' | 'success';
  summary?: string[];
}

export const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));

export interface FormAction<S extends z.ZodType, R> {
  form: FormSpec;
  schema: S;
  /** Form strings → the schema's input (blank fields are left out before this). */
  input?: (payload: Payload, ctx: ActionContext) => unknown;
  preview?: (input: z.output<S>, ctx: ActionContext) => Promise<Record<string, unknown>>;
  run: (actor: Actor, input: z.output<S>, ctx: ActionContext) => Promise<R>;
  done: (result: R, ctx: ActionContext) => { message: string; result?: Record<string, unknown>; redirectUrl?: string };
  /** Runs once per form token under this scope (money actions). */
  once?: string;
}

function payloadOf(request: ActionRequest): Payload {
  const out: Payload = {};
  for (const [key, value] of Object.entries((request.payload ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== '') out[key] = text;
  }
  return out;
}

function base(ctx: ActionContext): ActionResponse {
  return ctx.record ? { record: ctx.record.toJSON(ctx.currentAdmin) } : {};
}

/** A refused form: a notice and the message of each field. */
export function refused(ctx: ActionContext, message: string, errors: Record<string, string>): ActionResponse {
  return { ...base(ctx), notice: { message, type: 'error' }, errors };
}

function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return errors;
}

export function formHandler<S extends z.ZodType, R>(spec: FormAction<S, R>) {
  return async (request: ActionRequest, _response: unknown, ctx: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return base(ctx);
    const payload = payloadOf(request);
    const parsed = spec.schema.safeParse(spec.input ? spec.input(payload, ctx) : payload);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      const messages = Object.values(errors);
      return refused(ctx, messages.length === 1 ? messages[0] : 'Please correct the highlighted fields', errors);
    }
    try {
      if (payload.step === 'preview' && spec.preview) return { ...base(ctx), preview: await spec.preview(parsed.data, ctx) };
      const actor = actorOf(ctx.currentAdmin);
      const result = spec.once
        ? (await runOnce(actor.id, spec.once, payload.form_token, parsed.data, () => spec.run(actor, parsed.data, ctx))).result
        : await spec.run(actor, parsed.data, ctx);
      const done = spec.done(result, ctx);
      // The record as it is now, not as it was before the action.
      const fresh = ctx.record ? await ctx.resource.findOne(String(ctx.record.id()), ctx) : null;
      const record = fresh ? { record: fresh.toJSON(ctx.currentAdmin) } : base(ctx);
      return { ...record, notice: { message: done.message, type: 'success' }, result: done.result, redirectUrl: done.redirectUrl };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return refused(ctx, error.message, Object.fromEntries(error.details.map((d) => [d.field.split('.')[0], d.message])));
    }
  };
}

/** An action drawn by the ActionForm component and handled by `formHandler`. */
export function formAction<S extends z.ZodType, R>(actionType: 'record' | 'resource', spec: FormAction<S, R>, extra: Record<string, unknown> = {}) {
  return { actionType, component: Components.ActionForm, custom: spec.form, handler: formHandler(spec), ...extra };
}
